import { describe, expect, it } from "vitest";
import { clampMrkdwn, escapeMrkdwn, mrkdwn, plain, singleLine } from "../../src/render/escape.js";

describe("escapeMrkdwn", () => {
  it("escapes &, < and > and nothing else", () => {
    expect(escapeMrkdwn("<!channel> & <@U123|x> *b*")).toBe("&lt;!channel&gt; &amp; &lt;@U123|x&gt; *b*");
    expect(escapeMrkdwn("&lt;")).toBe("&amp;lt;");
  });
});

describe("mrkdwn", () => {
  it("keeps short text whole", () => {
    expect(mrkdwn("web-01", 10)).toBe("web-01");
  });

  it("measures the escaped length and never cuts inside an entity", () => {
    const out = mrkdwn("<<<<<<<<<<", 10);
    expect(out).toBe("&lt;&lt;…");
    expect(out.length).toBeLessThanOrEqual(10);
  });

  it("never splits a surrogate pair or an emoji sequence", () => {
    const family = "👩‍👩‍👧‍👦";
    const out = mrkdwn(family.repeat(10), 30);
    expect(out.length).toBeLessThanOrEqual(30);
    expect(out.endsWith("…")).toBe(true);
    expect(out.slice(0, -1)).toBe(family.repeat(out.slice(0, -1).length / family.length));
    const astral = mrkdwn("😀".repeat(100), 8);
    expect(astral).toBe("😀😀😀…");
  });

  it("turns newlines and control characters into spaces", () => {
    expect(mrkdwn("a\nb\u0000c", 10)).toBe("a b c");
    expect(singleLine("x\r\ny")).toBe("x y");
  });
});

describe("plain", () => {
  it("does not escape but still shortens", () => {
    expect(plain("<b>", 10)).toBe("<b>");
    expect(plain("abcdefghij", 5)).toBe("abcd…");
  });
});

describe("clampMrkdwn", () => {
  it("drops a trailing half entity or token instead of breaking it", () => {
    expect(clampMrkdwn("ab &amp; cd", 6)).toBe("ab …");
    expect(clampMrkdwn("x <!date^1^{time}|a>", 8)).toBe("x …");
    expect(clampMrkdwn("short", 10)).toBe("short");
  });
});

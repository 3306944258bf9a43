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

describe("finding 10: upstream text is neutralised", () => {
  const BIDI = ["\u202A", "\u202B", "\u202C", "\u202D", "\u202E", "\u2066", "\u2067", "\u2068", "\u2069", "\u200E", "\u200F", "\u061C"];
  const ZERO_WIDTH = ["\u200B", "\u200C", "\u200D", "\u2060", "\uFEFF", "\u00AD", "\u180E", "\u{E0041}", "\u3164"];

  it("finding 10: strips bidi controls and zero-width characters from mrkdwn and plain text", () => {
    for (const invisible of [...BIDI, ...ZERO_WIDTH]) {
      const raw = `a${invisible}b`;
      expect(mrkdwn(raw, 100), `U+${invisible.codePointAt(0)?.toString(16)}`).toBe("ab");
      expect(plain(raw, 100), `U+${invisible.codePointAt(0)?.toString(16)}`).toBe("ab");
    }
    expect(plain("\u202Eexe.txt", 100)).toBe("exe.txt");
  });

  it("finding 10: keeps the joiner and presentation selector that emoji sequences need", () => {
    for (const emoji of ["👩‍👩‍👧‍👦", "👨🏽‍💻", "🏳️‍🌈", "❤️", "⏹️"]) {
      expect(mrkdwn(`x ${emoji} y`, 100)).toBe(`x ${emoji} y`);
      expect(plain(emoji, 100)).toBe(emoji);
    }
    expect(mrkdwn("a\u200Db", 100)).toBe("ab");
    expect(mrkdwn("\uFE0F\uFE0Fa", 100)).toBe("a");
  });

  it("finding 10: neutralises *, _, ~ and ` from data unless they sit inside an ASCII word", () => {
    expect(mrkdwn("*bold* _italic_ ~strike~ `code`", 100)).toBe("∗bold∗ ˍitalicˍ ∼strike∼ ˋcodeˋ");
    expect(mrkdwn("web_release_v2 a*b x~y", 100)).toBe("web_release_v2 a*b x~y");
    expect(mrkdwn("release-*-prod __init__ a_", 100)).toBe("release-∗-prod ˍˍinitˍˍ aˍ");
    expect(mrkdwn("＊강조＊ ＿기울임＿ ｀코드｀", 100)).toBe("﹡강조﹡ ⸏기울임⸏ ˋ코드ˋ");
  });

  it("finding 10: a > that would start a block quote is replaced, other > are escaped", () => {
    expect(mrkdwn("> quoted", 100)).toBe("˃ quoted");
    expect(mrkdwn("  >quoted", 100)).toBe("  ˃quoted");
    expect(mrkdwn("＞ quoted", 100)).toBe("˃ quoted");
    expect(mrkdwn("a > b", 100)).toBe("a &gt; b");
  });

  it("finding 10: keeps every character the same length, so shortening is unchanged", () => {
    expect(mrkdwn("*".repeat(20), 10)).toBe(`${"∗".repeat(9)}…`);
  });
});

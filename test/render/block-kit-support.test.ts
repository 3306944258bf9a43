import { describe, expect, it } from "vitest";
import { assertWithinSlackLimits, blockKitProblems, messageProblems, modalProblems, slackLimitProblems } from "../support/block-kit.js";

const section = (text: string, extra: object = {}) => ({ type: "section", text: { type: "mrkdwn", text }, ...extra });

describe("the test helper itself", () => {
  it("accepts a small valid message", () => {
    expect(messageProblems({ text: "hi", blocks: [section("hello")] })).toEqual([]);
  });

  it("names a block that breaks the schema", () => {
    const problems = blockKitProblems([section("ok"), { type: "header", text: { type: "plain_text", text: "x".repeat(151) } }]);
    expect(problems.join("\n")).toMatch(/blocks\[1\]\/text\/text must NOT have more than 150 characters/);
  });

  it("catches what the schema does not: block count, total text, duplicate ids", () => {
    const many = Array.from({ length: 51 }, () => section("x".repeat(300)));
    const problems = slackLimitProblems(many, { surface: "message" });
    expect(problems).toContain("51 blocks, more than 50 (message)");
    expect(problems).toContain("15300 characters of block text, more than 12000");
    expect(slackLimitProblems(many.slice(0, 30), { surface: "modal" })).toEqual([]);
    const dup = [
      { type: "actions", block_id: "a", elements: [{ type: "button", action_id: "x", text: { type: "plain_text", text: "1" } }] },
      section("s", { block_id: "a", accessory: { type: "button", action_id: "x", text: { type: "plain_text", text: "2" } } }),
    ];
    expect(slackLimitProblems(dup, { surface: "message" })).toEqual([
      'block_id "a" is used more than once',
      'action_id "x" is used more than once',
    ]);
    expect(() => assertWithinSlackLimits(dup, { surface: "message" })).toThrow(/action_id "x"/);
  });

  it("checks a modal against modal_view", () => {
    const view = { type: "modal", title: { type: "plain_text", text: "x".repeat(25) }, blocks: [section("a")] };
    expect(modalProblems(view).join("\n")).toMatch(/title\/text must NOT have more than 24 characters/);
  });

  it("requires a top-level text of at most 4000 characters", () => {
    expect(messageProblems({ text: "x".repeat(4001), blocks: [section("a")] })).toContain(
      "top-level text has 4001 characters, more than 4000",
    );
    expect(messageProblems({ blocks: [section("a")] })).toContain("top-level text is missing");
  });
});

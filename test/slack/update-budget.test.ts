import { describe, expect, it } from "vitest";
import { BUDGET_WINDOW_MS, UpdateBudget } from "../../src/slack/update-budget.js";

/** A budget on a clock the test moves by hand. */
function budgetOf(perMinute: number) {
  const clock = { now: 1_000_000 };
  const budget = new UpdateBudget({ perMinute, now: () => clock.now });
  const at = (ms: number) => (clock.now = 1_000_000 + ms);
  /** Calls `method` now if the budget allows it; true when it did. */
  const send = (method: string) => {
    if (budget.waitMs(method) > 0) return false;
    budget.record(method);
    return true;
  };
  return { budget, at, send };
}

describe("UpdateBudget", () => {
  it("allows perMinute calls, then waits until the oldest call leaves the 60 s window", () => {
    const { budget, at, send } = budgetOf(3);
    at(0);
    expect(send("chat.update")).toBe(true);
    at(10_000);
    expect(send("chat.update")).toBe(true);
    expect(send("chat.update")).toBe(true);
    expect(budget.waitMs("chat.update")).toBe(50_000);
    at(59_999);
    expect(budget.waitMs("chat.update")).toBe(1);
    at(BUDGET_WINDOW_MS);
    expect(budget.waitMs("chat.update")).toBe(0);
  });

  it("slides: each call frees its place exactly 60 s after it was made", () => {
    const { budget, at, send } = budgetOf(2);
    at(0);
    send("chat.update");
    at(30_000);
    send("chat.update");
    at(60_000);
    expect(send("chat.update")).toBe(true); // the call at 0 left the window
    expect(budget.waitMs("chat.update")).toBe(30_000); // full again until the call at 30 s leaves
    at(90_000);
    expect(send("chat.update")).toBe(true);
    expect(budget.waitMs("chat.update")).toBe(30_000);
  });

  it("counts each method on its own", () => {
    const { budget, at, send } = budgetOf(1);
    at(0);
    expect(send("chat.update")).toBe(true);
    expect(budget.waitMs("chat.update")).toBe(60_000);
    expect(send("chat.unfurl")).toBe(true);
    expect(budget.waitMs("chat.unfurl")).toBe(60_000);
  });

  it("after a pause, waits out the pause even with budget left, and only for that method", () => {
    const { budget, at, send } = budgetOf(50);
    at(0);
    budget.pause("chat.update", 30_000);
    expect(budget.waitMs("chat.update")).toBe(30_000);
    expect(send("chat.update")).toBe(false);
    expect(send("chat.unfurl")).toBe(true);
    at(12_000);
    expect(budget.waitMs("chat.update")).toBe(18_000);
  });

  it("a paused method resumes when the pause is over", () => {
    const { budget, at, send } = budgetOf(50);
    at(0);
    budget.pause("chat.unfurl", 5_000);
    at(4_999);
    expect(send("chat.unfurl")).toBe(false);
    at(5_000);
    expect(budget.waitMs("chat.unfurl")).toBe(0);
    expect(send("chat.unfurl")).toBe(true);
  });

  it("waits for whichever ends later, the pause or the budget", () => {
    const { budget, at, send } = budgetOf(1);
    at(0);
    send("chat.update");
    budget.pause("chat.update", 10_000);
    expect(budget.waitMs("chat.update")).toBe(60_000); // the budget is the longer wait
    budget.pause("chat.update", 90_000);
    expect(budget.waitMs("chat.update")).toBe(90_000); // now the pause is
  });

  it("the latest Retry-After replaces an earlier one", () => {
    const { budget, at } = budgetOf(50);
    at(0);
    budget.pause("chat.update", 30_000);
    at(1_000);
    budget.pause("chat.update", 2_000);
    expect(budget.waitMs("chat.update")).toBe(2_000);
  });

  it("rejects a budget that could never allow a call", () => {
    expect(() => new UpdateBudget({ perMinute: 0 })).toThrow(RangeError);
    expect(() => new UpdateBudget({ perMinute: 1.5 })).toThrow(RangeError);
    expect(() => new UpdateBudget({ perMinute: Number.NaN })).toThrow(RangeError);
  });
});

import { describe, expect, it } from "vitest";
import { BUDGET_WINDOW_MS, UpdateBudget } from "../../src/slack/update-budget.js";

/** The one message of the tests that are not about sharing the budget. */
const ONE = { key: "m1", user: "U0ALICE" };

/** A budget on a clock the test moves by hand. */
function budgetOf(perMinute: number, claimTtlMs?: number) {
  const clock = { now: 1_000_000 };
  const budget = new UpdateBudget({ perMinute, claimTtlMs, now: () => clock.now });
  const at = (ms: number) => (clock.now = 1_000_000 + ms);
  /** Calls `method` now for `claimant` if the budget allows it; true when it did. */
  const send = (method: string, claimant = ONE) => {
    if (budget.waitMs(method, claimant) > 0) return false;
    budget.record(method, claimant);
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
    expect(budget.waitMs("chat.update", ONE)).toBe(50_000);
    at(59_999);
    expect(budget.waitMs("chat.update", ONE)).toBe(1);
    at(BUDGET_WINDOW_MS);
    expect(budget.waitMs("chat.update", ONE)).toBe(0);
  });

  it("slides: each call frees its place exactly 60 s after it was made", () => {
    const { budget, at, send } = budgetOf(2);
    at(0);
    send("chat.update");
    at(30_000);
    send("chat.update");
    at(60_000);
    expect(send("chat.update")).toBe(true); // the call at 0 left the window
    expect(budget.waitMs("chat.update", ONE)).toBe(30_000); // full again until the call at 30 s leaves
    at(90_000);
    expect(send("chat.update")).toBe(true);
    expect(budget.waitMs("chat.update", ONE)).toBe(30_000);
  });

  it("counts each method on its own", () => {
    const { budget, at, send } = budgetOf(1);
    at(0);
    expect(send("chat.update")).toBe(true);
    expect(budget.waitMs("chat.update", ONE)).toBe(60_000);
    expect(send("chat.unfurl")).toBe(true);
    expect(budget.waitMs("chat.unfurl", ONE)).toBe(60_000);
  });

  it("after a pause, waits out the pause even with budget left, and only for that method", () => {
    const { budget, at, send } = budgetOf(50);
    at(0);
    budget.pause("chat.update", 30_000);
    expect(budget.waitMs("chat.update", ONE)).toBe(30_000);
    expect(send("chat.update")).toBe(false);
    expect(send("chat.unfurl")).toBe(true);
    at(12_000);
    expect(budget.waitMs("chat.update", ONE)).toBe(18_000);
  });

  it("a paused method resumes when the pause is over", () => {
    const { budget, at, send } = budgetOf(50);
    at(0);
    budget.pause("chat.unfurl", 5_000);
    at(4_999);
    expect(send("chat.unfurl")).toBe(false);
    at(5_000);
    expect(budget.waitMs("chat.unfurl", ONE)).toBe(0);
    expect(send("chat.unfurl")).toBe(true);
  });

  it("waits for whichever ends later, the pause or the budget", () => {
    const { budget, at, send } = budgetOf(1);
    at(0);
    send("chat.update");
    budget.pause("chat.update", 10_000);
    expect(budget.waitMs("chat.update", ONE)).toBe(60_000); // the budget is the longer wait
    budget.pause("chat.update", 90_000);
    expect(budget.waitMs("chat.update", ONE)).toBe(90_000); // now the pause is
  });

  it("the latest Retry-After replaces an earlier one", () => {
    const { budget, at } = budgetOf(50);
    at(0);
    budget.pause("chat.update", 30_000);
    at(1_000);
    budget.pause("chat.update", 2_000);
    expect(budget.waitMs("chat.update", ONE)).toBe(2_000);
  });

  it("rejects a budget that could never allow a call", () => {
    expect(() => new UpdateBudget({ perMinute: 0 })).toThrow(RangeError);
    expect(() => new UpdateBudget({ perMinute: 1.5 })).toThrow(RangeError);
    expect(() => new UpdateBudget({ perMinute: Number.NaN })).toThrow(RangeError);
  });
});

describe("UpdateBudget: fair shares", () => {
  const userA = Array.from({ length: 15 }, (_, i) => ({ key: `a${i}`, user: "U0A" }));
  const userB = { key: "b", user: "U0B" };

  /**
   * Every message wants an edit at every 1 s tick (its deployment changes each time), asks in the
   * given order (user A's loops tick first), and after a refusal waits what the budget said.
   */
  function simulate(perMinute: number, claimants: Array<{ key: string; user: string }>, untilMs: number) {
    const { budget, at } = budgetOf(perMinute);
    const edits: Array<{ at: number; key: string }> = [];
    const notBefore = new Map<string, number>();
    for (let t = 1000; t < untilMs; t += 1000) {
      at(t);
      for (const claimant of claimants) {
        if ((notBefore.get(claimant.key) ?? 0) > t) continue;
        const wait = budget.waitMs("chat.update", claimant);
        if (wait > 0) {
          notBefore.set(claimant.key, t + wait);
          continue;
        }
        budget.record("chat.update", claimant);
        edits.push({ at: t, key: claimant.key });
      }
    }
    return edits;
  }

  it("finding 4: 15 messages of user A and 1 of user B under 10/min: B's message gets an edit within the first minute", () => {
    const edits = simulate(10, [...userA, userB], BUDGET_WINDOW_MS);
    expect(edits.filter((e) => e.key === "b")).not.toHaveLength(0);
    expect(edits.length).toBeLessThanOrEqual(10);
  });

  it("shares per user, not per message: B's one message gets as many edits as A's fifteen together", () => {
    const edits = simulate(10, [...userA, userB], 10 * BUDGET_WINDOW_MS);
    const ofB = edits.filter((e) => e.key === "b").length;
    expect(ofB).toBeGreaterThanOrEqual(Math.floor(edits.length / 2) - 1);
  });

  it("takes A's messages in turn: each of the fifteen is edited within five minutes", () => {
    const edits = simulate(10, [...userA, userB], 5 * BUDGET_WINDOW_MS);
    for (const { key } of userA) expect(edits.some((e) => e.key === key)).toBe(true);
  });

  it("releases the minute's budget over the minute: at most a sixth of it (at least 2) in any 10 s", () => {
    const { budget, at, send } = budgetOf(60);
    at(0);
    const sent = Array.from({ length: 15 }, (_, i) => send("chat.update", { key: `m${i}`, user: "U0A" }));
    expect(sent.filter(Boolean)).toHaveLength(10);
    expect(budget.waitMs("chat.update", { key: "m10", user: "U0A" })).toBe(10_000);
    at(10_000);
    expect(send("chat.update", { key: "m10", user: "U0A" })).toBe(true);
  });

  it("a message that stops asking holds its turn only until its wait and the claim TTL are over", () => {
    const { at, send } = budgetOf(10, 5_000);
    const a = (i: number) => ({ key: `a${i}`, user: "U0A" });
    at(0);
    expect([send("chat.update", a(1)), send("chat.update", a(2))]).toEqual([true, true]);
    expect(send("chat.update", userB)).toBe(false); // told to wait 10 s, and never asks again
    at(10_000);
    expect(send("chat.update", a(3))).toBe(true); // room for two: B's turn and one more
    expect(send("chat.update", a(4))).toBe(false); // the other one is kept for B
    at(14_999);
    expect(send("chat.update", a(4))).toBe(false);
    at(15_000);
    expect(send("chat.update", a(4))).toBe(true);
  });

  it("wastes nothing on fairness when one user is alone: the whole minute's budget is used within the minute", () => {
    const edits = simulate(10, userA, BUDGET_WINDOW_MS);
    expect(edits).toHaveLength(10);
  });
});

/**
 * When the next edit of a followed message may go to Slack, per Web API method. Slack rate-limits
 * a method for the whole workspace (chat.update is Tier 3, ~50 a minute), so:
 * - at most `perMinute` calls of a method in any 60 s (a sliding window, not a fixed minute);
 * - after a 429, no call of that method at all until its Retry-After has passed, whichever
 *   message it would edit.
 * Pure bookkeeping on an injected clock: it neither sends nor waits. The caller asks `waitMs`,
 * and either calls Slack and `record`s it, or leaves the edit for later (live.ts leaves it to a
 * later tick, so a message is never sent with content that went stale while it queued).
 */

export const BUDGET_WINDOW_MS = 60_000;

export interface UpdateBudgetOptions {
  /** Calls of each method allowed in any window of 60 s; a positive integer. */
  perMinute: number;
  /** Epoch ms. Default Date.now. */
  now?: () => number;
}

export class UpdateBudget {
  private readonly perMinute: number;
  private readonly now: () => number;
  /** Per method: times of the calls still inside the window, oldest first. */
  private readonly recentCalls = new Map<string, number[]>();
  /** Per method: until when Slack asked us to stop calling it. */
  private readonly pausedUntil = new Map<string, number>();

  constructor({ perMinute, now = Date.now }: UpdateBudgetOptions) {
    if (!Number.isInteger(perMinute) || perMinute <= 0) throw new RangeError(`perMinute must be a positive integer, got ${perMinute}`);
    this.perMinute = perMinute;
    this.now = now;
  }

  /** Milliseconds until `method` may be called; 0 = now. */
  waitMs(method: string): number {
    const now = this.now();
    const paused = (this.pausedUntil.get(method) ?? 0) - now;
    return Math.max(0, paused, this.budgetWaitMs(method, now));
  }

  /** Counts a call of `method` made now (whatever Slack answers: a refused call used the budget too). */
  record(method: string): void {
    const now = this.now();
    this.callsInWindow(method, now).push(now);
  }

  /** Slack answered 429 with Retry-After: no call of `method` for `ms`. The latest answer wins. */
  pause(method: string, ms: number): void {
    this.pausedUntil.set(method, this.now() + ms);
  }

  private budgetWaitMs(method: string, now: number): number {
    const calls = this.callsInWindow(method, now);
    return calls.length < this.perMinute ? 0 : calls[0]! + BUDGET_WINDOW_MS - now;
  }

  /** The method's calls less than 60 s old (older ones are forgotten here, so memory stays ≤ perMinute per method). */
  private callsInWindow(method: string, now: number): number[] {
    const windowStart = now - BUDGET_WINDOW_MS;
    const calls = (this.recentCalls.get(method) ?? []).filter((t) => t > windowStart);
    this.recentCalls.set(method, calls);
    return calls;
  }
}

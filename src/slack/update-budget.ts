/**
 * When the next edit of a followed message may go to Slack, per Web API method, and whose turn it
 * is. Slack rate-limits a method for the whole workspace (chat.update is Tier 3, ~50 a minute), so:
 * - at most `perMinute` calls of a method in any 60 s (a sliding window, not a fixed minute), and
 *   at most a sixth of that (at least 2) in any 10 s, so the minute's budget is released over the
 *   minute and not spent by whichever messages happen to ask first;
 * - after a 429, no call of that method at all until its Retry-After has passed, whichever
 *   message it would edit;
 * - when more messages want an edit than there is room for, the room goes to the user served
 *   least recently, and among their messages to the one edited least recently (then the one
 *   waiting longest): a user with 15 messages gets the share of a user with one, and each of
 *   their messages gets its turn.
 * Pure bookkeeping on an injected clock: it neither sends nor waits. The caller asks `waitMs`,
 * and either calls Slack and `record`s it, or leaves the edit for later (live.ts leaves it to a
 * later tick, so a message is never sent with content that went stale while it queued). A
 * message that was refused holds its place in the queue as long as it keeps asking.
 */

export const BUDGET_WINDOW_MS = 60_000;
/** The short window that spreads the minute's budget over the minute. */
export const BURST_WINDOW_MS = 10_000;
/** What a message that has to let others go first is told to wait: its next tick, in practice. */
export const TURN_WAIT_MS = 1_000;

/** One followed message asking for an edit. */
export interface Claimant {
  /** The message (one watch). */
  key: string;
  /** Who asked for it to be followed. */
  user: string;
}

export interface UpdateBudgetOptions {
  /** Calls of each method allowed in any window of 60 s; a positive integer. */
  perMinute: number;
  /**
   * How long a refused message keeps its place after the wait it was given, if it does not ask
   * again (its watch ended, or its content no longer changes). Default 60 s; live.ts passes
   * twice the longest poll interval, the longest a followed message goes without asking.
   */
  claimTtlMs?: number;
  /** Epoch ms. Default Date.now. */
  now?: () => number;
}

interface Claim {
  user: string;
  /** When the message started waiting. */
  since: number;
  /** When it loses its place unless it asks again. */
  expiresAt: number;
}

/** One method's bookkeeping. */
interface MethodState {
  /** Times of the calls still inside the 60 s window, oldest first. */
  calls: number[];
  /** Until when Slack asked us to stop calling it. */
  pausedUntil: number;
  /** Messages that asked and were refused, by key. */
  waiting: Map<string, Claim>;
  /** Last call per user and per message, within the 60 s window (older ones count as never). */
  lastCallOfUser: Map<string, number>;
  lastCallOfMessage: Map<string, number>;
}

export class UpdateBudget {
  private readonly perMinute: number;
  private readonly perBurst: number;
  private readonly claimTtlMs: number;
  private readonly now: () => number;
  private readonly methods = new Map<string, MethodState>();

  constructor({ perMinute, claimTtlMs = BUDGET_WINDOW_MS, now = Date.now }: UpdateBudgetOptions) {
    if (!Number.isInteger(perMinute) || perMinute <= 0) throw new RangeError(`perMinute must be a positive integer, got ${perMinute}`);
    if (!(claimTtlMs > 0)) throw new RangeError(`claimTtlMs must be positive, got ${claimTtlMs}`);
    this.perMinute = perMinute;
    this.perBurst = Math.min(perMinute, Math.max(2, Math.ceil((perMinute * BURST_WINDOW_MS) / BUDGET_WINDOW_MS)));
    this.claimTtlMs = claimTtlMs;
    this.now = now;
  }

  /** Milliseconds until `claimant` may edit with `method`; 0 = now (then call Slack and `record`). */
  waitMs(method: string, claimant: Claimant): number {
    const now = this.now();
    const state = this.stateOf(method, now);
    const claim = state.waiting.get(claimant.key) ?? { user: claimant.user, since: now, expiresAt: 0 };
    state.waiting.set(claimant.key, claim);
    const room = this.room(state, now);
    const turnWait = room > 0 && this.mustWait(state, claimant, room) ? TURN_WAIT_MS : 0;
    const wait = Math.max(0, state.pausedUntil - now, this.windowWaitMs(state, now), turnWait);
    claim.expiresAt = now + wait + this.claimTtlMs;
    return wait;
  }

  /** Counts a call made now (whatever Slack answers: a refused call used the budget too); the message stops waiting. */
  record(method: string, claimant: Claimant): void {
    const now = this.now();
    const state = this.stateOf(method, now);
    state.calls.push(now);
    state.waiting.delete(claimant.key);
    state.lastCallOfUser.set(claimant.user, now);
    state.lastCallOfMessage.set(claimant.key, now);
  }

  /** Slack answered 429 with Retry-After: no call of `method` for `ms`. The latest answer wins. */
  pause(method: string, ms: number): void {
    const now = this.now();
    this.stateOf(method, now).pausedUntil = now + ms;
  }

  /** Calls the windows still allow now. */
  private room(state: MethodState, now: number): number {
    return Math.min(this.perMinute - state.calls.length, this.perBurst - recentCalls(state, now).length);
  }

  /** Until the windows allow a call again; 0 when they do. */
  private windowWaitMs(state: MethodState, now: number): number {
    const recent = recentCalls(state, now);
    const minuteWait = state.calls.length < this.perMinute ? 0 : state.calls[state.calls.length - this.perMinute]! + BUDGET_WINDOW_MS - now;
    const burstWait = recent.length < this.perBurst ? 0 : recent[recent.length - this.perBurst]! + BURST_WINDOW_MS - now;
    return Math.max(0, minuteWait, burstWait);
  }

  /**
   * Whether `claimant` must let others go first: it is not the next of its user's messages, or
   * other users whose turn comes first would take all the `room`. Users take turns by when they
   * were last served; a user's messages by when each was last edited, then by how long it waited.
   */
  private mustWait(state: MethodState, claimant: Claimant, room: number): boolean {
    const heads = new Map<string, [string, Claim]>();
    for (const [key, claim] of state.waiting) {
      const head = heads.get(claim.user);
      if (!head || this.messageFirst(state, [key, claim], head)) heads.set(claim.user, [key, claim]);
    }
    const mine = heads.get(claimant.user);
    if (mine?.[0] !== claimant.key) return true;
    const served = (user: string) => state.lastCallOfUser.get(user) ?? Number.NEGATIVE_INFINITY;
    const usersAhead = [...heads].filter(
      ([user, head]) =>
        user !== claimant.user &&
        (served(user) < served(claimant.user) || (served(user) === served(claimant.user) && this.messageFirst(state, head, mine))),
    );
    return usersAhead.length >= room;
  }

  /** Whether waiting message `a` goes before `b`: edited less recently, then waiting longer, then by key. */
  private messageFirst(state: MethodState, [a, claimA]: [string, Claim], [b, claimB]: [string, Claim]): boolean {
    const edited = (key: string) => state.lastCallOfMessage.get(key) ?? Number.NEGATIVE_INFINITY;
    if (edited(a) !== edited(b)) return edited(a) < edited(b);
    if (claimA.since !== claimB.since) return claimA.since < claimB.since;
    return a < b;
  }

  /** The method's state with what is too old forgotten, so memory stays bounded by the messages that ask. */
  private stateOf(method: string, now: number): MethodState {
    let state = this.methods.get(method);
    if (!state) {
      state = { calls: [], pausedUntil: 0, waiting: new Map(), lastCallOfUser: new Map(), lastCallOfMessage: new Map() };
      this.methods.set(method, state);
    }
    const windowStart = now - BUDGET_WINDOW_MS;
    state.calls = state.calls.filter((t) => t > windowStart);
    for (const [key, claim] of state.waiting) if (claim.expiresAt <= now) state.waiting.delete(key);
    for (const last of [state.lastCallOfUser, state.lastCallOfMessage])
      for (const [key, at] of last) if (at <= windowStart) last.delete(key);
    return state;
  }
}

/** The calls less than 10 s old, oldest first. */
function recentCalls(state: MethodState, now: number): number[] {
  return state.calls.filter((t) => t > now - BURST_WINDOW_MS);
}

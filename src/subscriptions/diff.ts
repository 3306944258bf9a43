/**
 * What one poll of a project's history list means for its subscriptions. Pure: the poller
 * (poller.ts) feeds it the page it fetched, the stored cursor and the statuses it saw last time.
 */
import { compareHistoryIds, type HistorySummary, TERMINAL_HISTORY_STATUSES } from "../sourcedeploy/model.js";
import type { Subscription } from "../state/types.js";

/** The end states a `failures` subscription posts: every final one but success (failed, rejected, canceled, errored). */
export const FAILING_STATUSES: ReadonlySet<string> = new Set([...TERMINAL_HISTORY_STATUSES].filter((status) => status !== "success"));

export interface PollDiff {
  /** Newer than the cursor, newest first. Empty on a project's first poll (no cursor yet). */
  fresh: HistorySummary[];
  /** In a failing state now and not seen in it at the previous poll (every failing one on the first poll), newest first. */
  failed: HistorySummary[];
  /** The newest history id seen, to store; undefined when nothing has been seen yet. */
  cursor: string | undefined;
  /** The page was full of fresh histories: more started than one page holds, so more may be missing. */
  overflow: boolean;
}

/**
 * `page`: the newest histories, in any order; `cursor`: the newest id seen before; `previous`:
 * id → status at the previous poll, or undefined when this process has not polled the project yet.
 */
export function diffPoll(
  page: readonly HistorySummary[],
  cursor: string | undefined,
  previous: ReadonlyMap<string, string> | undefined,
  pageSize: number,
): PollDiff {
  const newest = [...page].sort((a, b) => compareHistoryIds(b.id, a.id));
  const fresh = cursor === undefined ? [] : newest.filter((h) => compareHistoryIds(h.id, cursor) > 0);
  const failed = newest.filter((h) => FAILING_STATUSES.has(h.status) && previous?.get(h.id) !== h.status);
  const top = newest[0]?.id;
  const next = cursor === undefined ? top : top !== undefined && compareHistoryIds(top, cursor) > 0 ? top : cursor;
  return { fresh, failed, cursor: next, overflow: cursor !== undefined && page.length >= pageSize && fresh.length === page.length };
}

/** The stages a subscription names (by name, case-insensitively, or by id); none named = every stage. */
export function stageMatches(subscription: Pick<Subscription, "stages">, history: HistorySummary): boolean {
  if (subscription.stages.length === 0) return true;
  const name = history.stage.name.toLowerCase();
  return subscription.stages.some((s) => s.toLowerCase() === name || s === history.stage.id);
}

export interface PostPlan {
  /** What to post in the subscription's channel, oldest first (the channel reads in order). */
  post: HistorySummary[];
  /** New histories not posted because one poll brought too many. */
  skipped: number;
  /** More than `skipped` may have been missed (the page was full of new ones). */
  atLeast: boolean;
}

/**
 * What one subscription posts after a poll: new histories (or, with `failures`, the ones that just
 * reached a failing state) of its stages, newer than the subscription itself, at most `maxPosts`
 * (the newest); the rest are counted.
 */
export function planPosts(subscription: Subscription, diff: PollDiff, maxPosts: number): PostPlan {
  const since = subscription.since;
  const eligible = (h: HistorySummary) => (since === undefined || compareHistoryIds(h.id, since) > 0) && stageMatches(subscription, h);
  const candidates = (subscription.failuresOnly ? diff.failed : diff.fresh).filter(eligible);
  const post = candidates.slice(0, maxPosts).reverse();
  const skipped = candidates.length - post.length;
  return { post, skipped, atLeast: !subscription.failuresOnly && diff.overflow && skipped > 0 };
}

/** The key that makes a post happen once per channel and history, across restarts. */
export function postedKey(channelId: string, projectId: string, historyId: string): string {
  return `posted:${channelId}:${projectId}:${historyId}`;
}

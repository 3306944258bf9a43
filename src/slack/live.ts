/**
 * Live progress on Slack: messages about a running deployment follow it until it ends. The
 * watcher core (src/watch) decides when to poll and whether anything changed; this file tells it
 * how a message looks (render) and how to edit it on Slack (deliver):
 * - a bot message (shared to a channel, a mention reply) → chat.update, as often as needed;
 * - an unfurl → chat.unfurl again for that URL;
 * - an ephemeral reply → its response_url, which Slack allows 5 times within 30 minutes, so the
 *   message says it updates only a few times and the last update asks for Refresh.
 */
import { webApi } from "@slack/bolt";
import type { Asker } from "../access/policy.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { type Message, type RenderOptions, renderHistory, renderUnfurl, withPostedLate } from "../render/index.js";
import type { LiveNote } from "../render/options.js";
import { type History, isTerminalHistoryStatus, type SourceDeployApi } from "../sourcedeploy/model.js";
import type { SharedBudget } from "../state/limits.js";
import { MemoryStateStore } from "../state/memory.js";
import type { StateStore } from "../state/types.js";
import {
  type Admission,
  type DeliveryResult,
  type MessageLocation,
  type PollState,
  type Requester,
  type Watch,
  Watcher,
} from "../watch/index.js";
import { postToResponseUrl } from "./response-url.js";
import { slackErrorCode } from "./safely.js";
import { quietWebLogger, slackApiUrl } from "./slack-api.js";
import { UpdateBudget } from "./update-budget.js";

/** How a followed message is drawn; stored with the watch. */
export interface LiveHints {
  surface: "detail" | "unfurl";
  shareButton: boolean;
  /** A subscription's post found only after a restart: it keeps saying "posted late". */
  late?: boolean;
}

export interface LiveUpdates {
  /**
   * The first version of a message about `history` at `location`: what the watcher's first live
   * update would draw (so an unchanged first tick sends nothing), a plain snapshot with its
   * Refresh button when the history is finished, or one that says which quota is full.
   */
  draft(history: History, location: MessageLocation, hints: LiveHints, asker: Asker): Promise<Message>;
  /**
   * Follows the posted message while the history runs; false when finished, a quota is full, or
   * closed. A message already followed for this history stays one watch (an unfurl adds its URLs).
   */
  follow(history: History, location: MessageLocation, hints: LiveHints, asker: Asker): Promise<boolean>;
  /** Follows again every message the state store holds (after a restart); resolves with their number. */
  resume(): Promise<number>;
  stats(): Promise<{ watches: number; loops: number }>;
  close(): Promise<void>;
}

/** Whom the quotas count a followed message against: the user who asked, in the channel they asked in. */
function requesterOf(asker: Asker): Requester {
  return { userId: asker.userId ?? "", channelId: asker.channelId ?? "" };
}

/** Slack allows 5 uses of a response_url within 30 minutes; the first answer used one. */
export function responseUrlLocation(url: string, now = Date.now()): MessageLocation {
  return { kind: "response_url", url, expiresAt: now + 30 * 60_000, usesLeft: 4 };
}

/** Slack errors after which a message can never be edited again. */
const GONE = new Set([
  "message_not_found",
  "channel_not_found",
  "cant_update_message",
  "cannot_unfurl_url",
  "is_archived",
  "not_in_channel",
  "msg_too_long_to_update",
]);

/** The note of a message that is not followed because a quota is full. */
function notFollowedNote(admission: Admission): LiveNote | undefined {
  return admission.kind === "refuse" ? { kind: "not_followed", quota: admission.quota, limit: admission.limit } : undefined;
}

function liveNote(state: PollState, location: MessageLocation): LiveNote | undefined {
  switch (state.kind) {
    case "final":
      return undefined;
    case "stale":
      return { kind: "stale", lastSuccessAt: state.lastSuccessAt };
    case "expired":
      return { kind: "expired" };
    case "live":
      if (location.kind !== "response_url") return { kind: "live" };
      return location.usesLeft <= 1 ? { kind: "last_update" } : { kind: "live_limited" };
  }
}

export function createLiveUpdates(
  config: Config,
  api: SourceDeployApi,
  renderOptions: (extra?: Partial<RenderOptions>) => RenderOptions,
  logger: Logger,
  state: StateStore = new MemoryStateStore(),
): LiveUpdates {
  const log = logger.child({ component: "live" });
  const web = new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: slackApiUrl(config),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    logger: quietWebLogger,
  });

  const drawNow = (history: History, hints: LiveHints, live: LiveNote | undefined): Message => {
    const options = renderOptions({ shareButton: hints.shareButton, live });
    const message = hints.surface === "unfurl" ? renderUnfurl(history, options) : renderHistory(history, options);
    return hints.late === true ? withPostedLate(message, options) : message;
  };
  // A finished history never changes and the history cache hands out the same object each time,
  // so its drawings (which do not depend on "now": running time is an {ago} token) are kept with it.
  const finished = new WeakMap<History, Map<string, Message>>();
  const draw = (history: History, hints: LiveHints, live: LiveNote | undefined): Message => {
    if (live !== undefined || !isTerminalHistoryStatus(history.status)) return drawNow(history, hints, live);
    const drawings = finished.get(history) ?? new Map<string, Message>();
    finished.set(history, drawings);
    const key = `${hints.surface}:${hints.shareButton}:${hints.late === true}`;
    let message = drawings.get(key);
    if (!message) drawings.set(key, (message = drawNow(history, hints, undefined)));
    return message;
  };

  // A message that waits its turn asks again at each tick of its loop, at most WATCH_MAX_INTERVAL_MS apart.
  const budget = new UpdateBudget({ perMinute: config.slack.updatesPerMinute, claimTtlMs: 2 * config.watch.maxIntervalMs });
  const callSlack = budgetedCall(budget, state.limits?.slackBudget(config.slack.updatesPerMinute, config.slack.botToken ?? ""));

  const deliver = async (watch: Watch, message: Message): Promise<DeliveryResult> => {
    const location = watch.location;
    const { text, blocks } = message;
    switch (location.kind) {
      case "response_url":
        return replaceThroughResponseUrl(location.url, message).catch((error: unknown) => classify(error));
      case "message":
        return callSlack("chat.update", watch, () => web.chat.update({ channel: location.channel, ts: location.ts, text, blocks }));
      case "unfurl":
        return callSlack("chat.unfurl", watch, () =>
          web.chat.unfurl({
            channel: location.channel,
            ts: location.ts,
            unfurls: Object.fromEntries(location.urls.map((url) => [url, { blocks }])),
          }),
        );
    }
  };

  const store = state.watches<LiveHints>();
  /** Another link to a followed history in the same message: its unfurl is edited along with the others. */
  const addUnfurledUrls = async (watch: Watch<LiveHints>, location: MessageLocation): Promise<void> => {
    if (watch.location.kind !== "unfurl" || location.kind !== "unfurl") return;
    const urls = [...new Set([...watch.location.urls, ...location.urls])];
    if (urls.length > watch.location.urls.length) await store.update(watch.id, { location: { ...watch.location, urls } });
  };
  const watcher = new Watcher<LiveHints>({
    fetchHistory: (projectId, historyId, signal) => api.getHistory(projectId, historyId, { signal }),
    render: (watch, history, state) => draw(history, watch.hints, liveNote(state, watch.location)),
    deliver,
    store,
    ...(state.leases ? { ownership: state.leases } : {}),
    logger: log,
    settings: { ...config.watch, upstreamMaxRps: config.sourceDeploy.maxRequestsPerSecond },
  });

  const watchOf = async (history: History, location: MessageLocation): Promise<Watch<LiveHints> | undefined> =>
    (await store.forHistory(history.project.id, history.id)).find((w) => sameMessage(w.location, location));

  return {
    async draft(history, location, hints, asker) {
      if (isTerminalHistoryStatus(history.status)) return draw(history, hints, undefined);
      const admission: Admission = (await watchOf(history, location)) ? { kind: "admit" } : await watcher.admission(requesterOf(asker));
      return draw(history, hints, notFollowedNote(admission) ?? liveNote({ kind: "live" }, location));
    },
    async follow(history, location, hints, asker) {
      if (isTerminalHistoryStatus(history.status)) return false;
      const followed = await watchOf(history, location);
      if (followed) {
        await addUnfurledUrls(followed, location);
        return true;
      }
      const accepted = await watcher.watch({
        projectId: history.project.id,
        historyId: history.id,
        location,
        requester: requesterOf(asker),
        hints: { ...hints },
        initial: history,
      });
      if (!accepted)
        log.info(
          { projectId: history.project.id, historyId: history.id, location: location.kind },
          "not following this message; it keeps its Refresh button",
        );
      return accepted;
    },
    resume: () => watcher.resume(),
    stats: async () => ({ watches: await watcher.activeWatches(), loops: watcher.activeLoops() }),
    close: () => watcher.close(),
  };
}

export type SlackEdit = "chat.update" | "chat.unfurl";

/**
 * Edits of followed messages through the budget, shared fairly between users and their messages.
 * A message over budget, not yet its turn, or while Slack asks us to wait gets retry_after: the
 * watcher tries it again at a later tick with what is current then, instead of queueing content
 * that goes stale.
 */
export function budgetedCall(
  budget: UpdateBudget,
  shared?: SharedBudget,
): (method: SlackEdit, watch: Watch, call: () => Promise<unknown>) => Promise<DeliveryResult> {
  return async (method, watch, call) => {
    const claimant = { key: watch.id, user: watch.requester.userId };
    const wait = budget.waitMs(method, claimant);
    if (wait > 0) return { kind: "retry_after", ms: wait, heldBack: true };
    // Other instances edit too (Redis): the workspace's budget is one for all of them.
    const sharedWait = shared ? await shared.take(method) : 0;
    if (sharedWait > 0) return { kind: "retry_after", ms: sharedWait, heldBack: true };
    budget.record(method, claimant);
    try {
      await call();
      return { kind: "ok" };
    } catch (error) {
      const result = classify(error);
      if (result.kind === "retry_after") {
        budget.pause(method, result.ms);
        await shared?.pause(method, result.ms);
      }
      return result;
    }
  };
}

/**
 * A Refresh on a message that is already followed must not add a second watch of it, nor must
 * another link to the same history in an unfurled message: one watch per (message, history).
 */
function sameMessage(a: MessageLocation, b: MessageLocation): boolean {
  const identity = (l: MessageLocation) => (l.kind === "response_url" ? `url ${l.url}` : `${l.kind} ${l.channel} ${l.ts}`);
  return identity(a) === identity(b);
}

function classify(error: unknown): DeliveryResult {
  const e = error as { code?: string; retryAfter?: number };
  if (e.code === webApi.ErrorCode.RateLimitedError) return { kind: "retry_after", ms: Math.max(1, e.retryAfter ?? 1) * 1000 };
  const code = slackErrorCode(error);
  if (code !== undefined && GONE.has(code)) return { kind: "gone" };
  // The error itself goes to the log through the err serializer, never its raw message as a reason.
  return { kind: "failed", reason: code ?? "delivery error", error };
}

async function replaceThroughResponseUrl(url: string, message: Message): Promise<DeliveryResult> {
  const { status, retryAfterMs } = await postToResponseUrl(url, { replace_original: true, text: message.text, blocks: message.blocks });
  if (status === 404 || status === 410) return { kind: "gone" };
  if (status === 429) return { kind: "retry_after", ms: retryAfterMs ?? 1000 };
  return status < 300 ? { kind: "ok" } : { kind: "failed", reason: `response_url answered ${status}` };
}

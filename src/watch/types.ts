/**
 * Contracts of the live-progress watcher: where a message lives, what is watched, how watches are
 * stored, and what the injected Slack / SourceDeploy side must provide.
 */
import type { Logger } from "../log.js";
import type { Message } from "../render/index.js";
import type { History } from "../sourcedeploy/model.js";

/** Where a message lives, i.e. how to update it. */
export type MessageLocation =
  | { kind: "message"; channel: string; ts: string } // a bot message → chat.update
  | { kind: "unfurl"; channel: string; ts: string; url: string } // an unfurl → chat.unfurl again
  /**
   * An ephemeral reply (Slack allows ≤ 5 uses within 30 min). `usesLeft` counts the uses still
   * available to the watcher; the render function sees it through `watch.location`, so when it
   * is 1 the message being rendered is the last one that can be sent (show "press Refresh").
   */
  | { kind: "response_url"; url: string; expiresAt: number; usesLeft: number };

export interface Watch {
  id: string;
  projectId: string;
  historyId: string;
  location: MessageLocation;
  /** Epoch ms. */
  createdAt: number;
  /** Free-form render hints the lead passes through (e.g. { shareButton: true, surface: "detail" | "unfurl" }). */
  hints: Record<string, unknown>;
  /** Digest of the last content delivered, to skip unchanged updates. */
  lastDigest?: string;
  /** Epoch ms; set after a Slack 429 (Retry-After). */
  notBefore?: number;
}

export type WatchPatch = Partial<Pick<Watch, "lastDigest" | "notBefore" | "location">>;

/** Narrow, async, so a Redis implementation can follow. */
export interface WatchStore {
  add(watch: Watch): Promise<void>;
  /** Updating a watch that is gone is a no-op. */
  update(id: string, patch: WatchPatch): Promise<void>;
  remove(id: string): Promise<void>;
  forHistory(projectId: string, historyId: string): Promise<Watch[]>;
  count(): Promise<number>;
  all(): Promise<Watch[]>;
}

/**
 * What a message shows about the polling itself:
 * - live: the history is still running and was fetched just now;
 * - final: the history reached a terminal status (last update);
 * - stale: the last fetches failed; the content is from `lastSuccessAt`;
 * - expired: the watcher stopped watching this message (age or response_url limits); "press Refresh".
 */
export type PollState = { kind: "live" } | { kind: "final" } | { kind: "stale"; lastSuccessAt: Date; reason: string } | { kind: "expired" };

export type DeliveryResult = { kind: "ok" } | { kind: "gone" } | { kind: "retry_after"; ms: number } | { kind: "failed"; reason: string };

export interface WatchSettings {
  /** First and shortest poll interval. Default 5000. */
  intervalMs: number;
  /** Longest poll interval. Default 30000. */
  maxIntervalMs: number;
  /** A watch older than this gets one "expired" update and is dropped. Default 2 h. */
  maxAgeMs: number;
  /** Watches across all histories. Default 500. */
  maxWatches: number;
  /** Upstream fetches per second across all loops. Default 5. */
  upstreamMaxRps: number;
}

export interface WatcherDeps {
  /** `signal` aborts when the watcher closes; implementations may ignore it. */
  fetchHistory(projectId: string, historyId: string, signal?: AbortSignal): Promise<History>;
  /** Render the message for one watch; the lead's function picks detail vs unfurl form from watch.hints. */
  render(watch: Watch, history: History, state: PollState): Message;
  deliver(watch: Watch, message: Message): Promise<DeliveryResult>;
  store: WatchStore;
  logger: Logger;
  now?: () => number;
  settings: WatchSettings;
}

export type WatchInput = Omit<Watch, "id" | "createdAt" | "lastDigest" | "notBefore"> & { initial?: History };

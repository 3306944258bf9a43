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
  /** Unfurls in one message of the links to one history, all re-unfurled by one chat.unfurl. */
  | { kind: "unfurl"; channel: string; ts: string; urls: string[] }
  /**
   * An ephemeral reply (Slack allows ≤ 5 uses within 30 min). `usesLeft` counts the uses still
   * available to the watcher; the render function sees it through `watch.location`, so when it
   * is 1 the message being rendered is the last one that can be sent (show "press Refresh").
   */
  | { kind: "response_url"; url: string; expiresAt: number; usesLeft: number };

/** Who asked for a message to be followed, and the channel it is in: what the quotas count. */
export interface Requester {
  userId: string;
  channelId: string;
}

/** The watches a new one would join: all of them, the requester's, and those in its channel. */
export interface WatchCounts {
  total: number;
  ofUser: number;
  inChannel: number;
}

/**
 * One message that follows one history. `Hints` say how the message is drawn (say, the detail or
 * the compact form); the code that asks for the watch chooses them, and the watcher only stores
 * them and hands them back to `render`. Code that never reads the hints takes a plain `Watch`.
 */
export interface Watch<Hints extends object = object> {
  id: string;
  projectId: string;
  historyId: string;
  location: MessageLocation;
  requester: Requester;
  /** Epoch ms. */
  createdAt: number;
  hints: Hints;
  /** Digest of the last content delivered, to skip unchanged updates. */
  lastDigest?: string;
  /** Epoch ms; set after a Slack 429 (Retry-After). */
  notBefore?: number;
}

export type WatchPatch = Partial<Pick<Watch, "lastDigest" | "notBefore" | "location">>;

/** Narrow, async, so a Redis implementation can follow. */
export interface WatchStore<Hints extends object> {
  add(watch: Watch<Hints>): Promise<void>;
  /** Updating a watch that is gone is a no-op. */
  update(id: string, patch: WatchPatch): Promise<void>;
  remove(id: string): Promise<void>;
  forHistory(projectId: string, historyId: string): Promise<Watch<Hints>[]>;
  count(): Promise<number>;
  /** What the quotas compare with their limits before `requester` adds a watch. */
  counts(requester: Requester): Promise<WatchCounts>;
  all(): Promise<Watch<Hints>[]>;
}

/**
 * What a message shows about the polling itself:
 * - live: the history is still running and was fetched just now;
 * - final: the history reached a terminal status (last update);
 * - stale: the last fetches failed; the content is from `lastSuccessAt`;
 * - expired: the watcher stopped watching this message (age or response_url limits); "press Refresh".
 */
export type PollState = { kind: "live" } | { kind: "final" } | { kind: "stale"; lastSuccessAt: Date; reason: string } | { kind: "expired" };

export type DeliveryResult =
  | { kind: "ok" }
  | { kind: "gone" }
  /** `heldBack`: our own edit budget said wait (routine with many messages), not Slack. */
  | { kind: "retry_after"; ms: number; heldBack?: true }
  | { kind: "failed"; reason: string; error?: unknown };

export interface WatchSettings {
  /** First and shortest poll interval. Default 5000. */
  intervalMs: number;
  /** Longest poll interval. Default 30000. */
  maxIntervalMs: number;
  /** A watch older than this gets one "expired" update and is dropped. Default 2 h. */
  maxAgeMs: number;
  /** Watches across all histories. Default 500. */
  maxWatches: number;
  /** Watches one user asked for, so no one takes every slot. Default 20. */
  maxWatchesPerUser: number;
  /** Watches in one channel. Default 50. */
  maxWatchesPerChannel: number;
  /** Upstream fetches per second across all loops. Default 5. */
  upstreamMaxRps: number;
}

/**
 * Which instance polls a history when several share the watch store: a loop runs only under the
 * lease on `history:<project>/<history>` (state/lease.ts implements it for Redis). Without it,
 * this process polls everything it holds watches of.
 */
export interface LoopOwnership {
  /** How often to look for watched histories no instance polls; undefined: never (one process). */
  readonly scanIntervalMs: number | undefined;
  acquire(name: string): Promise<boolean>;
  /** Held as of the last renewal; checked before every delivery. */
  holds(name: string): boolean;
  release(name: string): Promise<void>;
  onLost(listener: (name: string) => void): () => void;
}

export interface WatcherDeps<Hints extends object> {
  /** Default: this process owns every loop. */
  ownership?: LoopOwnership;
  /** `signal` aborts when the watcher closes; implementations may ignore it. */
  fetchHistory(projectId: string, historyId: string, signal?: AbortSignal): Promise<History>;
  /** The message one watch shows now, drawn as its `hints` say. */
  render(watch: Watch<Hints>, history: History, state: PollState): Message;
  deliver(watch: Watch<Hints>, message: Message): Promise<DeliveryResult>;
  store: WatchStore<Hints>;
  logger: Logger;
  now?: () => number;
  settings: WatchSettings;
}

export type WatchInput<Hints extends object> = Omit<Watch<Hints>, "id" | "createdAt" | "lastDigest" | "notBefore"> & { initial?: History };

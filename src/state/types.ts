/**
 * The state store: everything the app must not lose on restart, behind one narrow async interface
 * so that each implementation (memory for unit tests, SQLite by default, a shared one later) passes
 * one contract suite (test/state/contract.ts).
 */
import type { WatchStore } from "../watch/types.js";
import type { Leases } from "./lease.js";
import type { SharedBudget, SharedRate } from "./limits.js";

export type StateKind = "memory" | "sqlite" | "redis";

/** One line of the append-only audit trail: who did what to which thing. */
export interface AuditInput {
  /** Who acted: a Slack user id, or "app" for the app itself. */
  actor: string;
  /** What was done, a short machine-readable verb such as `deployment.stop`. */
  action: string;
  /** What it was done to, e.g. `41027/903344`. */
  subject?: string;
  /** Anything else worth keeping; stored as JSON. */
  detail?: Record<string, unknown>;
}

export interface AuditEntry extends AuditInput {
  /** Increasing: a later entry has a larger id. */
  id: number;
  /** Epoch ms. */
  at: number;
}

export interface AuditQuery {
  /** At most this many entries, newest first. Default 50, at most 1000. */
  limit?: number;
  /** Only entries older than this id (paging backwards). */
  beforeId?: number;
}

export interface ClaimOptions {
  durable?: boolean;
}

/** What `/healthz` says about the store. */
export interface StateHealth {
  kind: StateKind;
  /** False while writes fail (the app runs on, but what changes now may not survive a restart). */
  ok: boolean;
  /** The schema version of the database (SQLite). */
  schemaVersion?: number;
  /** Writes that failed since start. */
  writeFailures: number;
  /** The code of the last failed write (e.g. SQLITE_FULL), while writes fail. */
  lastWriteError?: string;
}

/** Rows removed by one prune batch. */
export interface PruneResult {
  seenKeys: number;
  watches: number;
}

/**
 * One channel's standing order for the deployments of one project (`/deploy-history subscribe`).
 * A channel has at most one subscription per project: subscribing again replaces it.
 */
export interface Subscription {
  channelId: string;
  projectId: string;
  /** The project's name when subscribed, for lists and for rules that name projects. */
  projectName: string;
  /** The workspace of the channel and of the subscriber. */
  teamId: string;
  /** Stage names (as typed); empty = every stage. */
  stages: string[];
  /** Only deployments that end failed, rejected, canceled or errored. */
  failuresOnly: boolean;
  /** Who subscribed: the user the access policy is asked about at every post. */
  createdBy: string;
  /** Epoch ms. */
  createdAt: number;
  /** The project's newest history when subscribed: it and older ones are never posted here. */
  since?: string;
  /** Whether the channel was shared with another organisation when subscribed. */
  externallyShared: boolean;
  /** Set when posting failed for good (bot removed, channel archived); no posts until subscribed again. */
  paused?: { reason: string; at: number };
}

/**
 * Subscriptions and, per project, the newest history the poller has seen (its cursor). `put`
 * rejects when the write fails (the subscriber should know); the others log and go on.
 */
export interface SubscriptionStore {
  /** Adds, or replaces the channel's subscription to the same project. */
  put(subscription: Subscription): Promise<void>;
  /** True when there was one to remove. */
  remove(channelId: string, projectId: string): Promise<boolean>;
  forChannel(channelId: string): Promise<Subscription[]>;
  forProject(projectId: string): Promise<Subscription[]>;
  all(): Promise<Subscription[]>;
  count(): Promise<number>;
  /** Pauses (or, with undefined, resumes) one subscription; a no-op when it is gone. */
  setPaused(channelId: string, projectId: string, paused: { reason: string; at: number } | undefined): Promise<void>;
  /** The newest history id the poller has seen of the project, if any. */
  cursor(projectId: string): Promise<string | undefined>;
  setCursor(projectId: string, historyId: string): Promise<void>;
}

export interface StateStore {
  readonly kind: StateKind;
  /** Channel subscriptions and the poller's cursors. */
  subscriptions(): SubscriptionStore;
  /** Who polls what when instances share the store (Redis); absent: one process, always the owner (lease.ts). */
  readonly leases?: Leases;
  /** Limits every instance shares (Redis); absent: each process keeps its own (limits.ts). */
  readonly limits?: {
    upstreamRate(perSecond: number): SharedRate;
    slackBudget(perMinute: number, botToken: string): SharedBudget;
  };
  /**
   * The followed messages. Hints are stored as JSON and handed back as stored: one caller (the
   * live updates) owns them and chooses their type.
   */
  watches<Hints extends object>(): WatchStore<Hints>;
  /**
   * Remembers `key` for `ttlMs`: true the first time (or once an earlier claim expired), false
   * while it is remembered. Check and set are one atomic step, so two deliveries of one event can
   * never both get true.
   *
   * `durable`: the claim is on disk before this resolves true (a write to production must not be
   * repeated after a crash); when it cannot be written, this rejects and the key stays unclaimed.
   */
  claimOnce(key: string, ttlMs: number, options?: ClaimOptions): Promise<boolean>;
  appendAudit(entry: AuditInput): Promise<AuditEntry>;
  /** Newest first. */
  listAudit(query?: AuditQuery): Promise<AuditEntry[]>;
  /**
   * Removes at most `limit` expired rows of each kind: claims past their expiry, and watches
   * created before `watchesCreatedBefore` (the watcher removes finished ones itself; these are
   * leftovers). Small batches, so a prune never holds the event loop for long.
   */
  prune(options: { now: number; watchesCreatedBefore: number; limit: number }): Promise<PruneResult>;
  health(): Promise<StateHealth>;
  close(): Promise<void>;
}

/** A state store that cannot be opened; the message is one line that names STATE_URL and the reason. */
export class StateError extends Error {
  override readonly name = "StateError";
}

export { DEFAULT_STATE_URL } from "../config.js";

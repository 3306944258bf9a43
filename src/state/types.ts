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

export interface StateStore {
  readonly kind: StateKind;
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
   */
  claimOnce(key: string, ttlMs: number): Promise<boolean>;
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

export const DEFAULT_STATE_URL = "file:./data/deploy-history.db";

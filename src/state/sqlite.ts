/**
 * The default state store: an embedded SQLite database (better-sqlite3) in WAL mode.
 *
 * - Watches are read from an in-memory mirror loaded at start and written through to the
 *   database: a tick's lookups cost what they cost in memory, and they keep working when a write
 *   fails (disk full, locked). One process owns the file, so the mirror is never stale.
 * - Claims (event ids, interactions) are decided in process (one synchronous check of the
 *   pending ones and the database, then set: atomic, as one process owns the file) and written
 *   behind, every CLAIM_FLUSH_MS in one transaction: a write per click or event cost 25 % of the
 *   throughput (bench/state.ts), a batch costs next to nothing. A kill -9 within those
 *   milliseconds of a first delivery forgets it; Slack's first retry comes seconds later. While
 *   writes fail, claims are kept in memory instead, so a retry is still ignored. A `durable` claim
 *   (a write to SourceDeploy) is written at once instead, and fails rather than fall back.
 * - A failed write is logged at most once a minute and reported by health(); nothing throws to
 *   the caller but appendAudit (an action that must be audited should know it was not).
 *
 * Opening fails with a StateError whose message is one line naming STATE_URL and the reason.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { LRUCache } from "lru-cache";
import type { Logger } from "../log.js";
import { MemoryWatchStore } from "../watch/memory-store.js";
import type { Requester, Watch, WatchCounts, WatchPatch, WatchStore } from "../watch/types.js";
import { MemorySubscriptionStore } from "./memory-subscriptions.js";
import { MIGRATIONS, type Migration } from "./migrations.js";
import {
  type AuditEntry,
  type AuditInput,
  type AuditQuery,
  type ClaimOptions,
  type PruneResult,
  StateError,
  type StateHealth,
  type StateStore,
  type Subscription,
  type SubscriptionStore,
} from "./types.js";
import { auditLimit, parseSubscription, parseWatch } from "./validate.js";

export interface SqliteStateOptions {
  /** The database file. */
  path: string;
  /** What the operator wrote in STATE_URL, for error messages. */
  url: string;
  logger: Logger;
  /** Epoch ms; Date.now by default. */
  now?: () => number;
  /** The schema this code knows; tests pass more to make a database "from a newer version". */
  migrations?: readonly Migration[];
}

/** A failed write is logged at most this often. */
const WRITE_FAILURE_LOG_MS = 60_000;
/** Claims wait at most this long to be written, in one transaction with the others. */
const CLAIM_FLUSH_MS = 50;
/** How long a write may wait for a lock held by another connection (a backup) before it fails. */
const BUSY_TIMEOUT_MS = 200;

export class SqliteStateStore implements StateStore {
  readonly kind = "sqlite" as const;
  private readonly db: Database.Database;
  private readonly logger: Logger;
  private readonly now: () => number;
  private readonly schemaVersion: number;
  private readonly watchStore: SqliteWatchStore;
  private readonly subscriptionStore: SqliteSubscriptionStore;
  /** Claims made while writes failed. */
  private readonly fallbackClaims = new LRUCache<string, true>({ max: 100_000 });
  /** Claims not written yet: key → expiry. */
  private pendingClaims = new Map<string, number>();
  private flushTimer: NodeJS.Timeout | undefined;
  private writeFailures = 0;
  private lastWriteError: string | undefined;
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private closed = false;
  private readonly statements: ReturnType<typeof prepare>;

  /** Opens (creating it and its directory when missing), migrates and loads the database; throws a StateError. */
  static open(options: SqliteStateOptions): SqliteStateStore {
    const fail = (reason: string): never => {
      throw new StateError(`STATE_URL (${options.url}): ${reason}`);
    };
    const dir = dirname(options.path);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (error) {
      fail(`cannot create the directory ${dir} (${codeOf(error)})`);
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(options.path);
      const migrations = options.migrations ?? MIGRATIONS;
      const version = migrate(db, migrations, options.url, options.logger);
      probeWrite(db);
      return new SqliteStateStore(db, version, options);
    } catch (error) {
      db?.close();
      if (error instanceof StateError) throw error;
      return fail(`cannot use the database file ${options.path}: ${reasonOf(error)}`);
    }
  }

  private constructor(db: Database.Database, schemaVersion: number, options: SqliteStateOptions) {
    this.db = db;
    this.schemaVersion = schemaVersion;
    this.logger = options.logger;
    this.now = options.now ?? Date.now;
    this.statements = prepare(db);
    this.watchStore = new SqliteWatchStore(this, this.statements);
    this.watchStore.load(this.logger);
    this.subscriptionStore = new SqliteSubscriptionStore(this, this.statements, this.now);
    this.subscriptionStore.load(this.logger);
  }

  subscriptions(): SubscriptionStore {
    return this.subscriptionStore;
  }

  watches<Hints extends object>(): WatchStore<Hints> {
    return this.watchStore as unknown as WatchStore<Hints>;
  }

  async claimOnce(key: string, ttlMs: number, options: ClaimOptions = {}): Promise<boolean> {
    const now = this.now();
    const pending = this.pendingClaims.get(key);
    if ((pending !== undefined && pending > now) || this.fallbackClaims.has(key)) return false;
    const stored = this.read(() => this.statements.claimedUntil.get(key) as { expires_at: number } | undefined);
    if (stored && stored.expires_at > now) return false;
    // Written now, in this synchronous step, so the check and the durable set stay one atomic step.
    if (options.durable === true) {
      if (this.write(() => this.statements.saveClaim.run(key, now + ttlMs)) === undefined) {
        throw new StateError(`state: the claim ${key} could not be written`);
      }
      return true;
    }
    this.pendingClaims.set(key, now + ttlMs);
    if (!this.flushTimer && !this.closed) {
      this.flushTimer = setTimeout(() => this.flushClaims(), CLAIM_FLUSH_MS);
      this.flushTimer.unref();
    }
    return true;
  }

  /** Writes the pending claims in one transaction; when that fails they are kept in memory. */
  flushClaims(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (this.pendingClaims.size === 0) return;
    const claims = this.pendingClaims;
    this.pendingClaims = new Map();
    const written = this.write(() =>
      this.db.transaction(() => {
        for (const [key, expiresAt] of claims) this.statements.saveClaim.run(key, expiresAt);
        return true;
      })(),
    );
    if (written !== undefined) return;
    const now = this.now();
    for (const [key, expiresAt] of claims) if (expiresAt > now) this.fallbackClaims.set(key, true, { ttl: expiresAt - now });
  }

  async appendAudit(input: AuditInput): Promise<AuditEntry> {
    const at = this.now();
    const detail = input.detail === undefined ? null : JSON.stringify(input.detail);
    try {
      const { lastInsertRowid } = this.statements.appendAudit.run(at, input.actor, input.action, input.subject ?? null, detail);
      this.writeSucceeded();
      return { ...structuredClone(input), id: Number(lastInsertRowid), at };
    } catch (error) {
      this.writeFailed(error);
      throw error;
    }
  }

  async listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    const rows = this.statements.listAudit.all(query.beforeId ?? Number.MAX_SAFE_INTEGER, auditLimit(query.limit)) as AuditRow[];
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actor: row.actor,
      action: row.action,
      ...(row.subject !== null ? { subject: row.subject } : {}),
      ...(row.detail !== null ? { detail: JSON.parse(row.detail) as Record<string, unknown> } : {}),
    }));
  }

  async prune({ now, watchesCreatedBefore, limit }: { now: number; watchesCreatedBefore: number; limit: number }): Promise<PruneResult> {
    this.flushClaims();
    const seenKeys = this.write(() => this.statements.pruneClaims.run(now, limit).changes) ?? 0;
    const ids = (this.statements.oldWatches.all(watchesCreatedBefore, limit) as { id: string }[]).map((row) => row.id);
    for (const id of ids) await this.watchStore.remove(id);
    return { seenKeys, watches: ids.length };
  }

  async health(): Promise<StateHealth> {
    return {
      kind: this.kind,
      ok: this.lastWriteError === undefined && !this.closed,
      schemaVersion: this.schemaVersion,
      writeFailures: this.writeFailures,
      ...(this.lastWriteError !== undefined ? { lastWriteError: this.lastWriteError } : {}),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.flushClaims();
    this.closed = true;
    this.db.close();
  }

  /** A read that must not throw (the claim fallback): undefined when it fails too. */
  private read<T>(run: () => T): T | undefined {
    try {
      return this.closed ? undefined : run();
    } catch {
      return undefined;
    }
  }

  /** Runs a write that the caller must know failed: logged like the others, then thrown. */
  writeOrThrow<T>(run: () => T): T {
    if (this.closed) throw new StateError("the state store is closed");
    try {
      const result = run();
      this.writeSucceeded();
      return result;
    } catch (error) {
      this.writeFailed(error);
      throw error;
    }
  }

  /** Runs a write; undefined (and logged, at most once a minute) when it fails. */
  write<T>(run: () => T): T | undefined {
    if (this.closed) return undefined;
    try {
      return this.writeOrThrow(run);
    } catch {
      return undefined; // writeOrThrow logged it
    }
  }

  private writeSucceeded(): void {
    if (this.lastWriteError === undefined) return;
    this.lastWriteError = undefined;
    this.logger.info({ writeFailures: this.writeFailures }, "state: writes to the database work again");
  }

  private writeFailed(error: unknown): void {
    this.writeFailures += 1;
    this.lastWriteError = codeOf(error);
    const now = this.now();
    if (now - this.lastLoggedAt < WRITE_FAILURE_LOG_MS) return;
    this.lastLoggedAt = now;
    this.logger.error(
      { err: error, writeFailures: this.writeFailures },
      "state: a write to the database failed; the app runs on, but changes may not survive a restart (logged at most once a minute)",
    );
  }
}

/** Watches: reads from the mirror, writes to both. */
class SqliteWatchStore implements WatchStore<object> {
  private readonly mirror = new MemoryWatchStore<object>();

  constructor(
    private readonly owner: SqliteStateStore,
    private readonly statements: ReturnType<typeof prepare>,
  ) {}

  /** Fills the mirror from the database; rows that are not watches are skipped (and counted in one warning). */
  load(logger: Logger): void {
    const rows = this.statements.allWatches.all() as { body: string }[];
    let skipped = 0;
    for (const { body } of rows) {
      const watch = parseWatch(body);
      if (watch) this.mirror.insert(watch);
      else skipped += 1;
    }
    if (skipped > 0) logger.warn({ skipped }, "state: stored watches that could not be read were skipped");
  }

  async add(watch: Watch): Promise<void> {
    await this.mirror.add(watch);
    this.save(watch);
  }

  async update(id: string, patch: WatchPatch): Promise<void> {
    await this.mirror.update(id, patch);
    const current = await this.mirror.get(id);
    if (current) this.save(current);
  }

  async remove(id: string): Promise<void> {
    await this.mirror.remove(id);
    this.owner.write(() => this.statements.removeWatch.run(id));
  }

  forHistory(projectId: string, historyId: string): Promise<Watch[]> {
    return this.mirror.forHistory(projectId, historyId);
  }

  count(): Promise<number> {
    return this.mirror.count();
  }

  counts(requester: Requester): Promise<WatchCounts> {
    return this.mirror.counts(requester);
  }

  all(): Promise<Watch[]> {
    return this.mirror.all();
  }

  private save(watch: Watch): void {
    this.owner.write(() =>
      this.statements.saveWatch.run(watch.id, watch.projectId, watch.historyId, watch.createdAt, JSON.stringify(watch)),
    );
  }
}

/**
 * Subscriptions and cursors: read from a mirror loaded at start (one process owns the file, and
 * the poller reads them at every tick), written through.
 */
class SqliteSubscriptionStore implements SubscriptionStore {
  private readonly mirror = new MemorySubscriptionStore();

  constructor(
    private readonly owner: SqliteStateStore,
    private readonly statements: ReturnType<typeof prepare>,
    private readonly now: () => number,
  ) {}

  load(logger: Logger): void {
    let skipped = 0;
    for (const { body } of this.statements.allSubscriptions.all() as { body: string }[]) {
      const subscription = parseSubscription(body);
      if (subscription) this.mirror.insert(subscription);
      else skipped += 1;
    }
    for (const row of this.statements.allCursors.all() as { project_id: string; history_id: string }[])
      void this.mirror.setCursor(row.project_id, row.history_id);
    if (skipped > 0) logger.warn({ skipped }, "state: stored subscriptions that could not be read were skipped");
  }

  async put(subscription: Subscription): Promise<void> {
    this.owner.writeOrThrow(() =>
      this.statements.saveSubscription.run(subscription.channelId, subscription.projectId, JSON.stringify(subscription)),
    );
    await this.mirror.put(subscription);
  }

  async remove(channelId: string, projectId: string): Promise<boolean> {
    const removed = await this.mirror.remove(channelId, projectId);
    this.owner.write(() => {
      this.statements.removeSubscription.run(channelId, projectId);
      this.statements.removeOrphanCursor.run(projectId, projectId);
    });
    return removed;
  }

  forChannel(channelId: string): Promise<Subscription[]> {
    return this.mirror.forChannel(channelId);
  }

  forProject(projectId: string): Promise<Subscription[]> {
    return this.mirror.forProject(projectId);
  }

  all(): Promise<Subscription[]> {
    return this.mirror.all();
  }

  count(): Promise<number> {
    return this.mirror.count();
  }

  async setPaused(channelId: string, projectId: string, paused: { reason: string; at: number } | undefined): Promise<void> {
    await this.mirror.setPaused(channelId, projectId, paused);
    const current = this.mirror.get(channelId, projectId);
    if (current) this.owner.write(() => this.statements.saveSubscription.run(channelId, projectId, JSON.stringify(current)));
  }

  cursor(projectId: string): Promise<string | undefined> {
    return this.mirror.cursor(projectId);
  }

  async setCursor(projectId: string, historyId: string): Promise<void> {
    await this.mirror.setCursor(projectId, historyId);
    this.owner.write(() => this.statements.saveCursor.run(projectId, historyId, this.now()));
  }
}

interface AuditRow {
  id: number;
  at: number;
  actor: string;
  action: string;
  subject: string | null;
  detail: string | null;
}

function prepare(db: Database.Database) {
  return {
    saveClaim: db.prepare("INSERT OR REPLACE INTO seen_keys (key, expires_at) VALUES (?, ?)"),
    claimedUntil: db.prepare("SELECT expires_at FROM seen_keys WHERE key = ?"),
    pruneClaims: db.prepare("DELETE FROM seen_keys WHERE key IN (SELECT key FROM seen_keys WHERE expires_at <= ? LIMIT ?)"),
    saveWatch: db.prepare("INSERT OR REPLACE INTO watches (id, project_id, history_id, created_at, body) VALUES (?, ?, ?, ?, ?)"),
    removeWatch: db.prepare("DELETE FROM watches WHERE id = ?"),
    allWatches: db.prepare("SELECT body FROM watches"),
    oldWatches: db.prepare("SELECT id FROM watches WHERE created_at < ? LIMIT ?"),
    saveSubscription: db.prepare("INSERT OR REPLACE INTO subscriptions (channel_id, project_id, body) VALUES (?, ?, ?)"),
    removeSubscription: db.prepare("DELETE FROM subscriptions WHERE channel_id = ? AND project_id = ?"),
    allSubscriptions: db.prepare("SELECT body FROM subscriptions"),
    removeOrphanCursor: db.prepare(
      "DELETE FROM subscription_cursors WHERE project_id = ? AND NOT EXISTS (SELECT 1 FROM subscriptions WHERE project_id = ?)",
    ),
    saveCursor: db.prepare("INSERT OR REPLACE INTO subscription_cursors (project_id, history_id, updated_at) VALUES (?, ?, ?)"),
    allCursors: db.prepare("SELECT project_id, history_id FROM subscription_cursors"),
    appendAudit: db.prepare("INSERT INTO audit (at, actor, action, subject, detail) VALUES (?, ?, ?, ?, ?)"),
    listAudit: db.prepare("SELECT id, at, actor, action, subject, detail FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?"),
  };
}

/**
 * WAL (readers never wait for the writer; a kill -9 loses no committed write), then the missing
 * migrations. A database from a newer version is refused: its schema may mean something else.
 * Returns the schema version.
 */
function migrate(db: Database.Database, migrations: readonly Migration[], url: string, logger: Logger): number {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  const mode = db.pragma("journal_mode = WAL", { simple: true }) as string;
  if (mode !== "wal") logger.warn({ journalMode: mode }, "state: the database could not switch to WAL mode");
  // In WAL mode NORMAL loses nothing when the process dies; only a power cut can lose the last commits.
  db.pragma("synchronous = NORMAL");
  db.pragma("cache_size = -32000");
  const current = db.pragma("user_version", { simple: true }) as number;
  const known = migrations.at(-1)?.version ?? 0;
  if (current > known)
    throw new StateError(
      `STATE_URL (${url}): the database has schema version ${current}, newer than this deploy-history knows (${known}); run the newer version or point STATE_URL at another file`,
    );
  for (const migration of migrations.filter((m) => m.version > current)) {
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    })();
    logger.info({ version: migration.version, what: migration.what }, "state: migrated the database");
  }
  return Math.max(current, known);
}

/** A file we can read but not write would otherwise fail only at the first write. */
function probeWrite(db: Database.Database): void {
  db.transaction(() => {
    db.prepare("INSERT OR REPLACE INTO seen_keys (key, expires_at) VALUES ('state:probe', 0)").run();
    db.prepare("DELETE FROM seen_keys WHERE key = 'state:probe'").run();
  })();
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : error instanceof Error ? error.name : "unknown error";
}

const REASONS: Record<string, string> = {
  SQLITE_NOTADB: "it is not a SQLite database",
  SQLITE_CORRUPT: "the database is corrupt",
  SQLITE_CANTOPEN: "cannot open it (does the directory exist and is it writable?)",
  SQLITE_READONLY: "it is read-only",
  SQLITE_READONLY_DIRECTORY: "its directory is read-only",
  SQLITE_PERM: "permission denied",
  SQLITE_IOERR: "an I/O error",
  SQLITE_BUSY: "it is locked by another process",
  SQLITE_LOCKED: "it is locked",
  SQLITE_FULL: "the disk is full",
};

function reasonOf(error: unknown): string {
  const code = codeOf(error);
  const known = REASONS[code] ?? Object.entries(REASONS).find(([prefix]) => code.startsWith(`${prefix}_`))?.[1];
  return known ? `${known} (${code})` : code;
}

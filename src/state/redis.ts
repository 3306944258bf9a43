/**
 * The shared state store on Redis (`STATE_URL=redis://…`), for two or more instances of the app.
 *
 * Keys, all under one prefix (`deploy-history:` by default):
 * - `watches` (hash id → JSON), `watches:where` (hash id → history), `watches:of:<project>/<history>`
 *   (set of ids), `watches:created` (sorted set by creation time, for pruning leftovers);
 * - `claim:<key>` (its expiry, with PX: Redis forgets it when it expires) and `claims` (sorted set
 *   by expiry, so a prune batch can count what it removes);
 * - `audit` (a stream, append-only; entry ids are `<n>-0` with `n` from `audit:seq`);
 * - `subs` (hash `<channel>/<project>` → JSON), `subs:of:<project>` and `subs:in:<channel>` (sets),
 *   `cursor:<project>` (the newest history the subscription poller has seen);
 * - `lease:<name>` and `lease:fence` (lease.ts), `limit:*` (limits.ts).
 *
 * Every change of more than one key is one Lua script, so it is atomic. Watches are read from
 * Redis on every lookup (no cache): another instance may add, edit or end a watch at any time.
 *
 * Redis trouble is not an outage: the client does not queue commands while disconnected (they
 * fail at once) and reconnects on its own. Meanwhile reads answer empty, writes are dropped (the
 * watcher loses its leases, so live updates pause), claims are decided in process (a retry sent
 * to the same instance is still dropped), and the trouble is logged at most once a minute. Only
 * `appendAudit` rejects: an action that must be audited should know.
 */
import { Redis } from "ioredis";
import { LRUCache } from "lru-cache";
import type { Logger } from "../log.js";
import { historyKey } from "../watch/memory-store.js";
import type { Requester, Watch, WatchCounts, WatchPatch, WatchStore } from "../watch/types.js";
import { RedisLeases } from "./lease.js";
import { type SharedBudget, type SharedRate, sharedSlackBudget, sharedUpstreamRate } from "./limits.js";
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

export const DEFAULT_REDIS_PREFIX = "deploy-history:";
/** Trouble with Redis is logged at most this often. */
const TROUBLE_LOG_MS = 60_000;
/** A command Redis has not answered by then fails (counted as trouble), so a stalled Redis never holds a lookup. */
const COMMAND_TIMEOUT_MS = 2_000;
/** How long start-up waits for Redis before giving up. */
const CONNECT_TIMEOUT_MS = 5_000;
/** Leftover watches expire with their keys after this long without a change (the prune removes them sooner). */
const WATCH_KEYS_TTL_MS = 7 * 24 * 60 * 60 * 1000;

export interface RedisStateOptions {
  /** The redis:// (or rediss://) URL. */
  url: string;
  logger: Logger;
  /** Epoch ms; Date.now by default (claims compare their stored expiry with it). */
  now?: () => number;
  /** Every key starts with it. Default `deploy-history:`. */
  prefix?: string;
  /** Lease period of the live-update loops (WATCH_LEASE_MS). Default 15 s. */
  leaseMs?: number;
}

const SCRIPTS = {
  /** KEYS: claim, claims; ARGV: now, expiresAt, ttlMs, member. 1 when claimed. */
  claim: {
    numberOfKeys: 2,
    lua: `
local held = redis.call('GET', KEYS[1])
if held and tonumber(held) > tonumber(ARGV[1]) then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[4])
return 1`,
  },
  /** KEYS: watches, where, created; ARGV: prefix of history sets, id, history, body, createdAt, ttlMs. */
  addWatch: {
    numberOfKeys: 3,
    lua: `
local old = redis.call('HGET', KEYS[2], ARGV[2])
if old and old ~= ARGV[3] then redis.call('SREM', ARGV[1] .. old, ARGV[2]) end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[4])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
redis.call('SADD', ARGV[1] .. ARGV[3], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[5], ARGV[2])
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[6]) end
redis.call('PEXPIRE', ARGV[1] .. ARGV[3], ARGV[6])
return 1`,
  },
  /** KEYS: watches; ARGV: id, body. Only a watch that is still there. */
  replaceWatch: {
    numberOfKeys: 1,
    lua: `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1`,
  },
  /** KEYS: watches, where, created; ARGV: prefix of history sets, id. */
  removeWatch: {
    numberOfKeys: 3,
    lua: `
local where = redis.call('HGET', KEYS[2], ARGV[2])
if where then redis.call('SREM', ARGV[1] .. where, ARGV[2]) end
redis.call('HDEL', KEYS[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[2])
redis.call('ZREM', KEYS[3], ARGV[2])
return where and 1 or 0`,
  },
  /** KEYS: history set, watches. The bodies of the history's watches. */
  watchesOf: {
    numberOfKeys: 2,
    lua: `
local ids = redis.call('SMEMBERS', KEYS[1])
if #ids == 0 then return {} end
return redis.call('HMGET', KEYS[2], unpack(ids))`,
  },
  /** KEYS: seq, audit; ARGV: at, actor, action, subject, detail ("" = none). The new id. */
  appendAudit: {
    numberOfKeys: 2,
    lua: `
local id = redis.call('INCR', KEYS[1])
redis.call('XADD', KEYS[2], id .. '-0', 'at', ARGV[1], 'actor', ARGV[2], 'action', ARGV[3], 'subject', ARGV[4], 'detail', ARGV[5])
return id`,
  },
  /** KEYS: subs, subs:of:<project>, subs:in:<channel>; ARGV: field, body, channel, project. */
  putSubscription: {
    numberOfKeys: 3,
    lua: `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[3])
redis.call('SADD', KEYS[3], ARGV[4])
return 1`,
  },
  /**
   * KEYS: subs, subs:of:<project>, subs:in:<channel>, cursor:<project>; ARGV: field, channel,
   * project. 1 when there was one. The project's last subscription takes its cursor along.
   */
  removeSubscription: {
    numberOfKeys: 4,
    lua: `
local removed = redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('SREM', KEYS[2], ARGV[2])
redis.call('SREM', KEYS[3], ARGV[3])
if redis.call('SCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[4]) end
return removed`,
  },
  /** KEYS: subs; ARGV: field, the body read, the new body. Replaces it only if nobody changed it meanwhile. */
  swapSubscription: {
    numberOfKeys: 1,
    lua: `
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
return 1`,
  },
  /**
   * KEYS: subs:in:<channel> or subs:of:<project>, subs; ARGV: "channel" or "project" (what ARGV[2]
   * is), the channel or project. The bodies of the subscriptions the set points at.
   */
  subscriptionsIn: {
    numberOfKeys: 2,
    lua: `
local members = redis.call('SMEMBERS', KEYS[1])
if #members == 0 then return {} end
local fields = {}
for i, member in ipairs(members) do
  if ARGV[1] == 'channel' then fields[i] = ARGV[2] .. '/' .. member else fields[i] = member .. '/' .. ARGV[2] end
end
return redis.call('HMGET', KEYS[2], unpack(fields))`,
  },
  /** KEYS: claims; ARGV: now, limit, prefix of claim keys. Removes expired claims; how many. */
  pruneClaims: {
    numberOfKeys: 1,
    lua: `
local keys = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
for _, key in ipairs(keys) do
  redis.call('ZREM', KEYS[1], key)
  local held = redis.call('GET', ARGV[3] .. key)
  if held and tonumber(held) <= tonumber(ARGV[1]) then redis.call('DEL', ARGV[3] .. key) end
end
return #keys`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptedRedis = Redis & Record<ScriptName, (...args: (string | number)[]) => Promise<unknown>>;

/** The client every part of the Redis store shares: fails fast while disconnected, reconnects on its own. */
export function createRedisClient(url: string): ScriptedRedis {
  const client = new Redis(url, {
    lazyConnect: true,
    // While disconnected, a command fails at once instead of waiting in a queue: a lookup must not
    // hang on a live-update bookkeeping call. Reconnecting goes on in the background.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
  for (const [name, { numberOfKeys, lua }] of Object.entries(SCRIPTS)) client.defineCommand(name, { numberOfKeys, lua });
  return client as ScriptedRedis;
}

/** The URL without its password, for messages (any STATE_URL; one without a password is left as written). */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (!parsed.password) return url;
    parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return url.replace(/\/\/[^@/]*@/, "//***@");
  }
}

/** Counts and logs Redis trouble (at most once a minute), and says when it is over. */
export class RedisTrouble {
  failures = 0;
  lastError: string | undefined;
  private lastLoggedAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  failed(error: unknown, what: string): void {
    this.failures += 1;
    this.lastError = codeOf(error);
    const now = this.now();
    if (now - this.lastLoggedAt < TROUBLE_LOG_MS) return;
    this.lastLoggedAt = now;
    this.logger.error(
      { err: error, failures: this.failures, what },
      "state: Redis is unreachable; lookups go on, live updates pause until it is back (logged at most once a minute)",
    );
  }

  recovered(): void {
    if (this.lastError === undefined) return;
    this.lastError = undefined;
    this.lastLoggedAt = Number.NEGATIVE_INFINITY;
    this.logger.info({ failures: this.failures }, "state: Redis is reachable again; live updates resume");
  }
}

export class RedisStateStore implements StateStore {
  readonly kind = "redis" as const;
  readonly leases: RedisLeases;
  private readonly watchStore: RedisWatchStore;
  private readonly subscriptionStore: RedisSubscriptionStore;
  /** Claims decided in process while Redis is unreachable. */
  private readonly fallbackClaims = new LRUCache<string, true>({ max: 100_000 });
  private closed = false;
  readonly limits = {
    upstreamRate: (perSecond: number): SharedRate => sharedUpstreamRate(this.client, this.prefix, perSecond),
    slackBudget: (perMinute: number, botToken: string): SharedBudget => sharedSlackBudget(this.client, this.prefix, perMinute, botToken),
  };

  /** Connects (failing with a StateError naming STATE_URL when Redis cannot be reached). */
  static async open(options: RedisStateOptions): Promise<RedisStateStore> {
    const client = createRedisClient(options.url);
    // Until it is connected once, a failure is the answer: start-up says so and stops.
    const retry = client.options.retryStrategy;
    client.options.retryStrategy = () => null;
    let firstError: unknown;
    const noteError = (error: unknown) => {
      firstError ??= error;
    };
    client.on("error", noteError);
    try {
      await client.connect();
      await client.ping();
    } catch (error) {
      client.on("error", () => undefined);
      client.disconnect();
      throw new StateError(`STATE_URL (${redactRedisUrl(options.url)}): cannot reach Redis (${codeOf(firstError ?? error)})`);
    } finally {
      client.off("error", noteError);
    }
    client.options.retryStrategy = retry;
    return new RedisStateStore(client, options);
  }

  private constructor(
    readonly client: ScriptedRedis,
    private readonly options: RedisStateOptions,
    readonly prefix = options.prefix ?? DEFAULT_REDIS_PREFIX,
    private readonly now = options.now ?? Date.now,
    readonly trouble = new RedisTrouble(options.logger.child({ component: "state" })),
  ) {
    client.on("error", (error: unknown) => this.trouble.failed(error, "connection"));
    client.on("ready", () => this.trouble.recovered());
    this.watchStore = new RedisWatchStore(client, prefix, this.trouble);
    this.subscriptionStore = new RedisSubscriptionStore(client, prefix, this.trouble);
    this.leases = new RedisLeases(client, { prefix, periodMs: options.leaseMs, trouble: this.trouble, logger: options.logger });
  }

  watches<Hints extends object>(): WatchStore<Hints> {
    return this.watchStore as unknown as WatchStore<Hints>;
  }

  subscriptions(): SubscriptionStore {
    return this.subscriptionStore;
  }

  /**
   * One script checks and sets, so two instances never both get true. A `durable` claim is the
   * same write (as durable as the Redis persistence the README asks for: AOF), but it is never
   * decided in process: without Redis it rejects, and nothing is done.
   */
  async claimOnce(key: string, ttlMs: number, options: ClaimOptions = {}): Promise<boolean> {
    const now = this.now();
    if (options.durable !== true && this.fallbackClaims.has(key)) return false;
    try {
      const claimed = await this.client.claim(this.key(`claim:${key}`), this.key("claims"), now, now + ttlMs, Math.ceil(ttlMs), key);
      this.trouble.recovered();
      return claimed === 1;
    } catch (error) {
      this.trouble.failed(error, "claim");
      if (options.durable === true) throw error;
      // Decided here alone: another instance may answer a retry too, but this one never twice.
      this.fallbackClaims.set(key, true, { ttl: Math.max(1, ttlMs) });
      return true;
    }
  }

  async appendAudit(input: AuditInput): Promise<AuditEntry> {
    const at = this.now();
    const detail = input.detail === undefined ? "" : JSON.stringify(input.detail);
    try {
      const id = Number(
        await this.client.appendAudit(this.key("audit:seq"), this.key("audit"), at, input.actor, input.action, input.subject ?? "", detail),
      );
      return { ...structuredClone(input), id, at };
    } catch (error) {
      this.trouble.failed(error, "audit");
      throw error;
    }
  }

  async listAudit(query: AuditQuery = {}): Promise<AuditEntry[]> {
    if (query.beforeId !== undefined && query.beforeId <= 1) return [];
    const end = query.beforeId === undefined ? "+" : String(Math.ceil(query.beforeId) - 1);
    const entries = await this.client.xrevrange(this.key("audit"), end, "-", "COUNT", auditLimit(query.limit));
    return entries.map(([id, fields]) => auditEntryOf(id, fields));
  }

  async prune({ now, watchesCreatedBefore, limit }: { now: number; watchesCreatedBefore: number; limit: number }): Promise<PruneResult> {
    try {
      const seenKeys = Number(await this.client.pruneClaims(this.key("claims"), now, limit, this.key("claim:")));
      const ids = await this.client.zrangebyscore(this.key("watches:created"), "-inf", `(${watchesCreatedBefore}`, "LIMIT", 0, limit);
      for (const id of ids) await this.watchStore.remove(id);
      return { seenKeys, watches: ids.length };
    } catch (error) {
      this.trouble.failed(error, "prune");
      return { seenKeys: 0, watches: 0 };
    }
  }

  async health(): Promise<StateHealth> {
    const connected = this.client.status === "ready";
    return {
      kind: this.kind,
      ok: connected && !this.closed,
      writeFailures: this.trouble.failures,
      ...(this.trouble.lastError !== undefined
        ? { lastWriteError: this.trouble.lastError }
        : !connected
          ? { lastWriteError: this.client.status }
          : {}),
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.leases.close();
    this.client.removeAllListeners("error");
    this.client.on("error", () => undefined);
    await this.client.quit().catch(() => this.client.disconnect());
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }
}

/** Watches in Redis, read on every lookup: another instance may change them at any time. */
class RedisWatchStore implements WatchStore<object> {
  constructor(
    private readonly client: ScriptedRedis,
    private readonly prefix: string,
    private readonly trouble: RedisTrouble,
  ) {}

  async add(watch: Watch): Promise<void> {
    const history = historyKey(watch.projectId, watch.historyId);
    await this.write("add watch", () =>
      this.client.addWatch(
        this.key("watches"),
        this.key("watches:where"),
        this.key("watches:created"),
        this.key("watches:of:"),
        watch.id,
        history,
        JSON.stringify(watch),
        watch.createdAt,
        WATCH_KEYS_TTL_MS,
      ),
    );
  }

  async update(id: string, patch: WatchPatch): Promise<void> {
    const body = await this.read("update watch", () => this.client.hget(this.key("watches"), id), null);
    const current = body === null ? undefined : parseWatch(body);
    if (!current) return;
    await this.write("update watch", () => this.client.replaceWatch(this.key("watches"), id, JSON.stringify({ ...current, ...patch })));
  }

  async remove(id: string): Promise<void> {
    await this.write("remove watch", () =>
      this.client.removeWatch(this.key("watches"), this.key("watches:where"), this.key("watches:created"), this.key("watches:of:"), id),
    );
  }

  async forHistory(projectId: string, historyId: string): Promise<Watch[]> {
    const bodies = await this.read(
      "watches of a history",
      () =>
        this.client.watchesOf(this.key(`watches:of:${historyKey(projectId, historyId)}`), this.key("watches")) as Promise<
          (string | null)[]
        >,
      [],
    );
    return parseAll(bodies);
  }

  count(): Promise<number> {
    return this.read("count watches", () => this.client.hlen(this.key("watches")), 0);
  }

  async counts({ userId, channelId }: Requester): Promise<WatchCounts> {
    const watches = await this.all();
    return {
      total: watches.length,
      ofUser: watches.filter((w) => w.requester.userId === userId).length,
      inChannel: watches.filter((w) => w.requester.channelId === channelId).length,
    };
  }

  async all(): Promise<Watch[]> {
    return parseAll(await this.read("all watches", () => this.client.hvals(this.key("watches")), []));
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  private read<T>(what: string, run: () => Promise<T>, otherwise: T): Promise<T> {
    return attempt(this.trouble, what, run, otherwise);
  }

  private async write(what: string, run: () => Promise<unknown>): Promise<void> {
    await this.read(what, run, undefined);
  }
}

function parseAll(bodies: readonly (string | null)[]): Watch[] {
  return bodies.flatMap((body) => {
    const watch = body === null ? undefined : parseWatch(body);
    return watch ? [watch] : [];
  });
}

function auditEntryOf(id: string, fields: string[]): AuditEntry {
  const map = new Map<string, string>();
  for (let i = 0; i + 1 < fields.length; i += 2) map.set(fields[i]!, fields[i + 1]!);
  const subject = map.get("subject") ?? "";
  const detail = map.get("detail") ?? "";
  return {
    id: Number(id.split("-")[0]),
    at: Number(map.get("at")),
    actor: map.get("actor") ?? "",
    action: map.get("action") ?? "",
    ...(subject !== "" ? { subject } : {}),
    ...(detail !== "" ? { detail: JSON.parse(detail) as Record<string, unknown> } : {}),
  };
}

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  return error instanceof Error ? error.message.slice(0, 120) : "unknown error";
}

/**
 * Channel subscriptions and the poller's cursors in Redis, read on every lookup. `put` rejects when
 * Redis cannot take it (the subscriber is told); the others log and go on, like the watches.
 */
class RedisSubscriptionStore implements SubscriptionStore {
  constructor(
    private readonly client: ScriptedRedis,
    private readonly prefix: string,
    private readonly trouble: RedisTrouble,
  ) {}

  async put(subscription: Subscription): Promise<void> {
    const { channelId, projectId } = subscription;
    try {
      await this.client.putSubscription(
        this.key("subs"),
        this.key(`subs:of:${projectId}`),
        this.key(`subs:in:${channelId}`),
        field(channelId, projectId),
        JSON.stringify(subscription),
        channelId,
        projectId,
      );
      this.trouble.recovered();
    } catch (error) {
      this.trouble.failed(error, "put subscription");
      throw error;
    }
  }

  async remove(channelId: string, projectId: string): Promise<boolean> {
    const removed = await this.read(
      "remove subscription",
      () =>
        this.client.removeSubscription(
          this.key("subs"),
          this.key(`subs:of:${projectId}`),
          this.key(`subs:in:${channelId}`),
          this.key(`cursor:${projectId}`),
          field(channelId, projectId),
          channelId,
          projectId,
        ),
      0,
    );
    return Number(removed) === 1;
  }

  forChannel(channelId: string): Promise<Subscription[]> {
    return this.inSet(`subs:in:${channelId}`, "channel", channelId);
  }

  forProject(projectId: string): Promise<Subscription[]> {
    return this.inSet(`subs:of:${projectId}`, "project", projectId);
  }

  async all(): Promise<Subscription[]> {
    return parseSubscriptions(await this.read("all subscriptions", () => this.client.hvals(this.key("subs")), []));
  }

  count(): Promise<number> {
    return this.read("count subscriptions", () => this.client.hlen(this.key("subs")), 0);
  }

  async setPaused(channelId: string, projectId: string, paused: { reason: string; at: number } | undefined): Promise<void> {
    const name = field(channelId, projectId);
    const body = await this.read("read subscription", () => this.client.hget(this.key("subs"), name), null);
    const current = body === null ? undefined : parseSubscription(body);
    if (body === null || current === undefined) return;
    const { paused: _old, ...rest } = current;
    const next: Subscription = paused === undefined ? rest : { ...rest, paused };
    await this.read("pause subscription", () => this.client.swapSubscription(this.key("subs"), name, body, JSON.stringify(next)), 0);
  }

  async cursor(projectId: string): Promise<string | undefined> {
    const value = await this.read("read cursor", () => this.client.get(this.key(`cursor:${projectId}`)), null);
    return value ?? undefined;
  }

  async setCursor(projectId: string, historyId: string): Promise<void> {
    await this.read("write cursor", () => this.client.set(this.key(`cursor:${projectId}`), historyId), undefined);
  }

  /** A channel's set holds its projects; a project's set holds its channels. */
  private async inSet(set: string, of: "channel" | "project", id: string): Promise<Subscription[]> {
    const bodies = await this.read(
      "subscriptions",
      () => this.client.subscriptionsIn(this.key(set), this.key("subs"), of, id) as Promise<(string | null)[]>,
      [],
    );
    return parseSubscriptions(bodies);
  }

  private key(name: string): string {
    return `${this.prefix}${name}`;
  }

  private read<T>(what: string, run: () => Promise<T>, otherwise: T): Promise<T> {
    return attempt(this.trouble, what, run, otherwise);
  }
}

/** Runs one Redis call; when Redis is unreachable it counts the trouble and answers `otherwise`. */
async function attempt<T>(trouble: RedisTrouble, what: string, run: () => Promise<T>, otherwise: T): Promise<T> {
  try {
    const result = await run();
    trouble.recovered();
    return result;
  } catch (error) {
    trouble.failed(error, what);
    return otherwise;
  }
}

function field(channelId: string, projectId: string): string {
  return `${channelId}/${projectId}`;
}

function parseSubscriptions(bodies: readonly (string | null)[]): Subscription[] {
  return bodies.flatMap((body) => {
    const subscription = body === null ? undefined : parseSubscription(body);
    return subscription ? [subscription] : [];
  });
}

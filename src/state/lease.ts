/**
 * Leases: which instance does a piece of background work (polls one followed history, or, for a
 * subscription poller, one subscribed project) while several instances share one state store.
 *
 * `Leases` is all a poller needs: `acquire(name)` before it starts, `holds(name)` before each
 * step that has an effect outside (it is renewed in the background), `release(name)` when it
 * stops, and `onLost` to stop at once when the lease goes to someone else. Names are free-form;
 * the watcher uses `history:<project>/<history>`, a subscription poller would use
 * `subscription:<project>`.
 *
 * - `SOLE_OWNER` (memory, SQLite: one process per store): every lease is always held.
 * - `RedisLeases`: `lease:<name>` holds a fencing token (increasing, from `lease:fence`), set
 *   with PX `periodMs` only when the key is free (one script); every third of the period each held lease is extended by a check-and-extend
 *   script that succeeds only while the key still holds our token. A lease not extended in time
 *   (Redis unreachable, the process paused or killed) is lost: the holder stops within a third of
 *   a period (`onLost`), and after the period anyone may take it. Pollers scan for work nobody
 *   holds every half period (`scanIntervalMs`), so a dead holder's work is taken over within two
 *   periods.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../log.js";

export interface Leases {
  /** False when there is one process per store (every lease is always held, nothing to scan). */
  readonly shared: boolean;
  /** How often a poller should look for work nobody holds; undefined when not shared. */
  readonly scanIntervalMs: number | undefined;
  /** Takes the lease on `name` if free (or confirms it is ours); true while held. */
  acquire(name: string): Promise<boolean>;
  /** Whether the lease is held now, as of the last renewal (no round trip). */
  holds(name: string): boolean;
  /** The fencing token of a held lease: a later holder always has a larger one. */
  token(name: string): number | undefined;
  /** Lets it go (at once, so another instance can take over without waiting for the period). */
  release(name: string): Promise<void>;
  /** Called with the name of every lease lost to expiry or to another holder; returns an unsubscribe. */
  onLost(listener: (name: string) => void): () => void;
  /** Releases every held lease and stops renewing. */
  close(): Promise<void>;
}

/** One process per store: every lease is held, always. */
export const SOLE_OWNER: Leases = {
  shared: false,
  scanIntervalMs: undefined,
  acquire: async () => true,
  holds: () => true,
  token: () => 0,
  release: async () => undefined,
  onLost: () => () => undefined,
  close: async () => undefined,
};

export const DEFAULT_LEASE_MS = 15_000;

/** KEYS: lease, fence; ARGV: period. The new token, or 0 when the lease is held. */
const ACQUIRE = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], token, 'PX', ARGV[1])
return token`;
const RENEW = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`;
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

interface Trouble {
  failed(error: unknown, what: string): void;
}

export interface RedisLeaseOptions {
  prefix: string;
  /** Default 15 s. */
  periodMs?: number | undefined;
  trouble: Trouble;
  logger: Logger;
}

type LeaseClient = Redis & {
  leaseAcquire(key: string, fence: string, ms: number): Promise<number>;
  leaseRenew(key: string, token: string, ms: number): Promise<number>;
  leaseRelease(key: string, token: string): Promise<number>;
};

export class RedisLeases implements Leases {
  readonly shared = true;
  readonly periodMs: number;
  private readonly client: LeaseClient;
  private readonly held = new Map<string, { token: number; renewedAt: number }>();
  private readonly listeners = new Set<(name: string) => void>();
  private readonly timer: NodeJS.Timeout;
  private renewing: Promise<void> = Promise.resolve();

  constructor(
    client: Redis,
    private readonly options: RedisLeaseOptions,
  ) {
    this.periodMs = options.periodMs ?? DEFAULT_LEASE_MS;
    client.defineCommand("leaseAcquire", { numberOfKeys: 2, lua: ACQUIRE });
    client.defineCommand("leaseRenew", { numberOfKeys: 1, lua: RENEW });
    client.defineCommand("leaseRelease", { numberOfKeys: 1, lua: RELEASE });
    this.client = client as LeaseClient;
    this.timer = setInterval(
      () => {
        // A failed round (or a throwing onLost listener) must not stop every later renewal.
        this.renewing = this.renewing
          .then(() => this.renewAll())
          .catch((error: unknown) => this.options.logger.warn({ err: error }, "lease: renewal failed"));
      },
      Math.max(1, Math.floor(this.periodMs / 3)),
    );
    this.timer.unref();
  }

  get scanIntervalMs(): number {
    return Math.max(1, Math.floor(this.periodMs / 2));
  }

  async acquire(name: string): Promise<boolean> {
    const old = this.held.get(name);
    if (old && this.holds(name)) return true;
    // Not renewed in time (Redis was unreachable): ours again only if nobody took it meanwhile.
    this.held.delete(name);
    try {
      const startedAt = performance.now();
      // One script: the token is drawn only when the lease is free, and set with it atomically.
      const token = Number(await this.client.leaseAcquire(this.key(name), this.key("fence"), this.periodMs));
      if (token > 0) {
        this.held.set(name, { token, renewedAt: startedAt });
        this.options.logger.debug({ lease: name, token }, "lease: acquired");
        return true;
      }
      if (old && (await this.client.leaseRenew(this.key(name), String(old.token), this.periodMs)) === 1) {
        this.held.set(name, { token: old.token, renewedAt: startedAt });
        return true;
      }
      return false;
    } catch (error) {
      this.options.trouble.failed(error, "lease");
      return false;
    }
  }

  holds(name: string): boolean {
    const lease = this.held.get(name);
    // A renewal that has not come back within the period may have failed: assume the worst.
    return lease !== undefined && performance.now() - lease.renewedAt < this.periodMs;
  }

  token(name: string): number | undefined {
    return this.held.get(name)?.token;
  }

  async release(name: string): Promise<void> {
    const lease = this.held.get(name);
    if (!lease) return;
    this.held.delete(name);
    try {
      await this.client.leaseRelease(this.key(name), String(lease.token));
    } catch {
      // It expires on its own.
    }
  }

  onLost(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.renewing;
    await Promise.all([...this.held.keys()].map((name) => this.release(name)));
  }

  private async renewAll(): Promise<void> {
    const names = [...this.held.keys()];
    if (names.length === 0) return;
    const pipeline = this.client.pipeline() as ReturnType<Redis["pipeline"]> & {
      leaseRenew(key: string, token: string, ms: number): unknown;
    };
    for (const name of names) pipeline.leaseRenew(this.key(name), String(this.held.get(name)!.token), this.periodMs);
    const startedAt = performance.now();
    let results: [Error | null, unknown][] | null = null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      this.options.trouble.failed(error, "lease renewal");
    }
    names.forEach((name, i) => {
      const [error, renewed] = results?.[i] ?? [new Error("no answer"), 0];
      if (!error && renewed === 1) {
        const lease = this.held.get(name);
        if (lease) lease.renewedAt = startedAt;
        return;
      }
      if (error) this.options.trouble.failed(error, "lease renewal");
      if (!error || !this.holds(name)) this.lose(name);
    });
  }

  private lose(name: string): void {
    if (!this.held.delete(name)) return;
    this.options.logger.info({ lease: name }, "lease: lost; another instance takes over");
    for (const listener of this.listeners) listener(name);
  }

  private key(name: string): string {
    return `${this.options.prefix}lease:${name}`;
  }
}

/**
 * Fair shares of SourceDeploy. Every upstream call of the app goes through one UpstreamLimiter
 * (wired below the cache, so answers from the cache cost nothing):
 *
 * - A call made for a user is charged to that user's token bucket: `perUserPerMinute` calls,
 *   refilled evenly over a minute (UPSTREAM_MAX_PER_USER_PER_MINUTE). A user whose bucket is empty
 *   is refused at once with `slow_down` (and told when to try again), never left waiting: one user
 *   cannot queue up the capacity everybody shares.
 * - All calls share `perSecond` (UPSTREAM_MAX_RPS). When it is spent, calls wait for their turn, and
 *   turns go round robin between callers; the app's own work (live polling) takes its turns as one
 *   more caller. A user's call so waits behind at most one call of each other active caller.
 *
 * The buckets are pure arithmetic on an injected clock; only the wait for a turn uses a timer.
 */
import { LRUCache } from "lru-cache";
import { SourceDeployError } from "./errors.js";
import type { CallOptions, History, HistorySummary, PageQuery, Project, ProjectQuery, SourceDeployApi } from "./model.js";

/** `capacity` tokens, refilled continuously at `perMs` tokens per millisecond. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly capacity: number,
    private readonly perMs: number,
    now: number,
  ) {
    this.tokens = capacity;
    this.updatedAt = now;
  }

  /** Takes one token if there is one. */
  take(now: number): boolean {
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** How long until a token is available; 0 when one is. */
  waitMs(now: number): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil((1 - this.tokens) / this.perMs);
  }

  private refill(now: number): void {
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.perMs);
    this.updatedAt = now;
  }
}

/** A rate every instance shares (UPSTREAM_MAX_RPS on Redis): ms to wait, 0 = go (taken). Never rejects. */
export interface SharedRate {
  take(): Promise<number>;
}

export interface LimiterOptions {
  /** When set, it is the shared rate (instead of this process's bucket); turns stay fair here. */
  shared?: SharedRate | undefined;
  /** Upstream calls per second for the whole app (UPSTREAM_MAX_RPS); also the largest burst. */
  perSecond: number;
  /** Upstream calls one user may cause per minute (UPSTREAM_MAX_PER_USER_PER_MINUTE); also their largest burst. */
  perUserPerMinute: number;
  /** Milliseconds on a monotonic clock (tests); default `performance.now`. */
  now?: () => number;
}

const MINUTE_MS = 60_000;
/** Users with a bucket kept; one untouched for a minute is full again, so dropping it loses nothing. */
const MAX_USERS = 10_000;
/** Whose turn it is when the app calls for itself (polling, the CLI): one caller among the users. */
const APP_WORK = Symbol("app work");

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export class UpstreamLimiter {
  private readonly now: () => number;
  private readonly perUserPerMinute: number;
  private readonly global: TokenBucket;
  private readonly users: LRUCache<string, TokenBucket>;
  /** Callers waiting for a turn, in turn order; each caller's own calls in arrival order. */
  private readonly waiting = new Map<string | symbol, Waiter[]>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly shared: SharedRate | undefined;
  private dispatching = false;

  constructor(options: LimiterOptions) {
    this.now = options.now ?? (() => performance.now());
    this.shared = options.shared;
    this.perUserPerMinute = options.perUserPerMinute;
    this.global = new TokenBucket(options.perSecond, options.perSecond / 1000, this.now());
    this.users = new LRUCache<string, TokenBucket>({
      max: MAX_USERS,
      ttl: MINUTE_MS,
      updateAgeOnGet: true,
      perf: { now: this.now },
      ttlResolution: 0,
    });
  }

  /** Charges one call to `caller`, or throws `slow_down` when their budget is spent. Nothing for the app's own calls. */
  admit(caller: string | undefined): void {
    if (caller === undefined) return;
    const now = this.now();
    let bucket = this.users.get(caller);
    if (!bucket) {
      bucket = new TokenBucket(this.perUserPerMinute, this.perUserPerMinute / MINUTE_MS, now);
      this.users.set(caller, bucket);
    }
    if (bucket.take(now)) return;
    const retryAfterMs = bucket.waitMs(now);
    throw new SourceDeployError("slow_down", "This user has made too many SourceDeploy calls in the last minute", { retryAfterMs });
  }

  /** Resolves when the shared rate allows one more call, taking turns with the other callers. */
  turn(caller: string | undefined): Promise<void> {
    if (this.closed) return Promise.reject(closedError());
    const key = caller ?? APP_WORK;
    return new Promise<void>((resolve, reject) => {
      const queue = this.waiting.get(key);
      if (queue) queue.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      this.dispatch();
    });
  }

  /** Refuses every waiting call (shutdown); later calls are refused too. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    const waiters = [...this.waiting.values()].flat();
    this.waiting.clear();
    for (const waiter of waiters) waiter.reject(closedError());
  }

  private dispatch(): void {
    if (this.shared) {
      void this.dispatchShared(this.shared);
      return;
    }
    while (this.waiting.size > 0) {
      const now = this.now();
      if (!this.global.take(now)) return this.wakeIn(this.global.waitMs(now));
      this.next();
    }
  }

  /** As dispatch, with the rate every instance shares: one asks at a time. */
  private async dispatchShared(shared: SharedRate): Promise<void> {
    if (this.dispatching) return;
    this.dispatching = true;
    try {
      while (this.waiting.size > 0 && !this.closed) {
        const wait = await shared.take();
        if (wait > 0) return this.wakeIn(wait);
        if (this.waiting.size > 0) this.next();
      }
    } finally {
      this.dispatching = false;
    }
  }

  /** The next caller in turn order gets its call. */
  private next(): void {
    const [key, queue] = this.waiting.entries().next().value as [string | symbol, Waiter[]];
    const next = queue.shift() as Waiter;
    // Re-inserting puts the caller at the back of the turn order.
    this.waiting.delete(key);
    if (queue.length > 0) this.waiting.set(key, queue);
    next.resolve();
  }

  private wakeIn(ms: number): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.dispatch();
      },
      Math.max(1, ms),
    );
    this.timer.unref();
  }
}

function closedError(): SourceDeployError {
  return new SourceDeployError("aborted", "The SourceDeploy request was cancelled: the app is shutting down");
}

/** Every call of `upstream` goes through `limiter`: charged to the user it is made for, then waiting for its turn. */
export class RateLimitedSourceDeploy implements SourceDeployApi {
  readonly description: string;

  constructor(
    private readonly upstream: SourceDeployApi,
    private readonly limiter: UpstreamLimiter,
  ) {
    this.description = upstream.description;
  }

  getHistory(projectId: string, historyId: string, options?: CallOptions): Promise<History> {
    return this.limited(options, (signal) => this.upstream.getHistory(projectId, historyId, signal));
  }

  listHistories(projectId: string, query?: PageQuery, options?: CallOptions): Promise<HistorySummary[]> {
    return this.limited(options, (signal) => this.upstream.listHistories(projectId, query, signal));
  }

  listProjects(query?: ProjectQuery, options?: CallOptions): Promise<Project[]> {
    return this.limited(options, (signal) => this.upstream.listProjects(query, signal));
  }

  /**
   * Not async on purpose: a caller over their budget is refused by a synchronous throw, before any
   * promise exists that another caller could join (CachingSourceDeploy shares calls in flight).
   */
  private limited<T>(options: CallOptions | undefined, call: (options: CallOptions | undefined) => Promise<T>): Promise<T> {
    this.limiter.admit(options?.onBehalfOf);
    const upstreamOptions = options?.signal ? { signal: options.signal } : undefined;
    return this.limiter.turn(options?.onBehalfOf).then(() => call(upstreamOptions));
  }
}

/** The same API with every call made on behalf of `caller` (see CallOptions.onBehalfOf). */
export function onBehalfOf(api: SourceDeployApi, caller: string): SourceDeployApi {
  return {
    description: api.description,
    getHistory: (projectId, historyId, options) => api.getHistory(projectId, historyId, { ...options, onBehalfOf: caller }),
    listHistories: (projectId, query, options) => api.listHistories(projectId, query, { ...options, onBehalfOf: caller }),
    listProjects: (query, options) => api.listProjects(query, { ...options, onBehalfOf: caller }),
  };
}

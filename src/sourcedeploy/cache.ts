/**
 * A caching, request-coalescing SourceDeployApi decorator.
 *
 * - Terminal histories never change again, so they are kept in an LRU (bounded by count and TTL).
 * - Concurrent identical calls share one upstream call (in-flight map, entry removed when the call
 *   settles, so a failure is never cached).
 * - Project lists are kept for a short time (default 60 s, LRU keyed by query): a name lookup, or
 *   an access check that needs a project's name, may walk several pages, and a burst of commands
 *   must not walk them again each time. A renamed or new project shows up within that time.
 * - History list pages are kept briefly (default 30 s, LRU) but served only to a caller that says
 *   how old a page may be (`PageQuery.maxAgeMs`, what a question in plain words asks with, see
 *   ask/scan.ts): concurrent and repeated questions about one project share their page reads.
 *   Every other caller (`<project>`'s 10 newest) gets a fresh page, as before.
 * - Non-terminal histories are never kept beyond that sharing.
 *
 * Returned objects may be shared between callers: treat them as immutable (the model is read-only
 * data; renderers are pure functions of it).
 */
import { LRUCache } from "lru-cache";
import { SourceDeployError } from "./errors.js";
import {
  type CallOptions,
  type History,
  type HistorySummary,
  isTerminalHistoryStatus,
  type PageQuery,
  type Project,
  type ProjectQuery,
  type SourceDeployApi,
} from "./model.js";

export interface CacheOptions {
  /** How many terminal histories to keep. Default 1000. */
  maxEntries?: number;
  /** How long a terminal history stays cached. Default 1 hour. */
  ttlMs?: number;
  /** How long a project list stays cached. Default 60 s. */
  projectListTtlMs?: number;
  /** How long a history list page is kept for callers that accept one that old. Default 30 s. */
  historyPageTtlMs?: number;
  /** Clock for TTL tracking (tests); default `performance.now`. */
  now?: () => number;
}

export interface CacheStats {
  /** getHistory calls answered from the LRU. */
  hits: number;
  /** getHistory calls that started an upstream call. */
  misses: number;
  /** Calls of any method that joined an upstream call already in flight. */
  shared: number;
}

export const DEFAULT_CACHE_MAX_ENTRIES = 1000;
export const DEFAULT_CACHE_TTL_MS = 60 * 60 * 1000;
export const DEFAULT_PROJECT_LIST_TTL_MS = 60 * 1000;
export const DEFAULT_HISTORY_PAGE_TTL_MS = 30 * 1000;
/** History list pages kept (project × page × size); 100 entries of ≤100 summaries each. */
const HISTORY_PAGE_MAX_ENTRIES = 500;
/** Distinct project-list queries kept (names filtered by, pages). */
const PROJECT_LIST_MAX_ENTRIES = 100;

export class CachingSourceDeploy implements SourceDeployApi {
  readonly description: string;
  private readonly histories: LRUCache<string, History>;
  private readonly projectLists: LRUCache<string, Project[]>;
  private readonly historyPages: LRUCache<string, { at: number; page: HistorySummary[] }>;
  private readonly now: () => number;
  private readonly pendingHistories = new Map<string, Promise<History>>();
  private readonly pendingLists = new Map<string, Promise<HistorySummary[]>>();
  private readonly pendingProjects = new Map<string, Promise<Project[]>>();
  private readonly counters: CacheStats = { hits: 0, misses: 0, shared: 0 };

  constructor(
    private readonly upstream: SourceDeployApi,
    options: CacheOptions = {},
  ) {
    this.description = upstream.description;
    const now = options.now;
    this.now = now ?? (() => performance.now());
    // An injected clock is read on every check (lru-cache otherwise caches its reading for 1 ms).
    const clock = now ? { perf: { now }, ttlResolution: 0 } : {};
    this.histories = new LRUCache<string, History>({
      max: positiveInt(options.maxEntries, DEFAULT_CACHE_MAX_ENTRIES),
      ttl: positiveInt(options.ttlMs, DEFAULT_CACHE_TTL_MS),
      ...clock,
    });
    this.projectLists = new LRUCache<string, Project[]>({
      max: PROJECT_LIST_MAX_ENTRIES,
      ttl: positiveInt(options.projectListTtlMs, DEFAULT_PROJECT_LIST_TTL_MS),
      ...clock,
    });
    this.historyPages = new LRUCache<string, { at: number; page: HistorySummary[] }>({
      max: HISTORY_PAGE_MAX_ENTRIES,
      ttl: positiveInt(options.historyPageTtlMs, DEFAULT_HISTORY_PAGE_TTL_MS),
      ...clock,
    });
  }

  async getHistory(projectId: string, historyId: string, options?: CallOptions): Promise<History> {
    const key = historyKey(projectId, historyId);
    const cached = this.histories.get(key);
    if (cached) {
      this.counters.hits += 1;
      return cached;
    }
    const call = this.share(this.pendingHistories, key, () => {
      const fetched = this.upstream.getHistory(projectId, historyId, upstreamOptions(options));
      this.counters.misses += 1;
      return fetched.then((history) => {
        if (isTerminalHistoryStatus(history.status)) this.histories.set(key, history);
        return history;
      });
    });
    return withCallerSignal(call, options?.signal, `history ${projectId}/${historyId}`);
  }

  async listHistories(projectId: string, query?: PageQuery, options?: CallOptions): Promise<HistorySummary[]> {
    const key = JSON.stringify([projectId, query?.pageNo ?? null, query?.pageSize ?? null]);
    const maxAgeMs = query?.maxAgeMs;
    const kept = maxAgeMs === undefined ? undefined : this.historyPages.get(key);
    if (kept && maxAgeMs !== undefined && this.now() - kept.at <= maxAgeMs) return kept.page;
    const sent =
      query === undefined
        ? undefined
        : {
            ...(query.pageNo !== undefined && { pageNo: query.pageNo }),
            ...(query.pageSize !== undefined && { pageSize: query.pageSize }),
          };
    const call = this.share(this.pendingLists, key, () =>
      this.upstream.listHistories(projectId, sent, upstreamOptions(options)).then((page) => {
        this.historyPages.set(key, { at: this.now(), page });
        return page;
      }),
    );
    return withCallerSignal(call, options?.signal, `histories of project ${projectId}`);
  }

  async listProjects(query?: ProjectQuery, options?: CallOptions): Promise<Project[]> {
    const key = JSON.stringify([query?.name ?? null, query?.pageNo ?? null, query?.pageSize ?? null]);
    const cached = this.projectLists.get(key);
    if (cached) return cached;
    const call = this.share(this.pendingProjects, key, () =>
      this.upstream.listProjects(query, upstreamOptions(options)).then((projects) => {
        this.projectLists.set(key, projects);
        return projects;
      }),
    );
    return withCallerSignal(call, options?.signal, "the project list");
  }

  stats(): CacheStats {
    return { ...this.counters };
  }

  /**
   * Joins the call in flight for `key`, or starts one. The upstream call gets no caller signal: it
   * is shared, so one caller giving up must not fail the others (each caller's own signal still
   * ends its own wait, see withCallerSignal); the upstream client has its own deadline. When
   * `start` throws synchronously (the rate limiter refusing a caller over their budget), nothing
   * is registered, so no other caller joins a call refused for someone else.
   */
  private share<T>(pending: Map<string, Promise<T>>, key: string, start: () => Promise<T>): Promise<T> {
    const existing = pending.get(key);
    if (existing) {
      this.counters.shared += 1;
      return existing;
    }
    const call: Promise<T> = start().finally(() => {
      if (pending.get(key) === call) pending.delete(key);
    });
    pending.set(key, call);
    return call;
  }
}

/** What the upstream call carries: whom it is made for, never the caller's signal (see share). */
function upstreamOptions(options: CallOptions | undefined): CallOptions | undefined {
  return options?.onBehalfOf === undefined ? undefined : { onBehalfOf: options.onBehalfOf };
}

function historyKey(projectId: string, historyId: string): string {
  return `${projectId}/${historyId}`;
}

function positiveInt(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Resolves like `call`, but rejects as the client does ("cancelled") as soon as `signal` aborts. */
function withCallerSignal<T>(call: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (!signal) return call;
  const cancelled = () => new SourceDeployError("aborted", `The SourceDeploy request for ${what} was cancelled`);
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener("abort", onAbort, { once: true });
    call.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/** Picks the SourceDeploy data source: the signed HTTP client, or the demo data without NCP keys. */
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { type CacheStats, CachingSourceDeploy } from "./cache.js";
import { type CallObserver, SourceDeployClient } from "./client.js";
import { DemoSourceDeploy } from "./demo.js";
import type { SourceDeployApi, SourceDeployWriteApi } from "./model.js";
import { RateLimitedSourceDeploy, type SharedRate, UpstreamLimiter } from "./rate-limit.js";

export interface SourceDeploySource {
  api: SourceDeployApi;
  /** Decisions, cancel and starting deployments: the client itself (never cached, never retried); absent with demo data. */
  write?: SourceDeployWriteApi;
  demo: boolean;
  /** Hits, misses and shared calls of the cache of finished histories (reported on /healthz). */
  cacheStats(): CacheStats;
  /** Tells `observer` of every call to the real API (metrics); demo data calls nobody. */
  observeCalls(observer: CallObserver): void;
  /** Closes the HTTP pool; with `graceMs`, calls still in flight after that long are cut off. */
  close(graceMs?: number): Promise<void>;
}

/**
 * Terminal histories are cached and concurrent fetches of one history share a call, for both sources.
 * Below the cache, every call to the real API is rate limited (UPSTREAM_MAX_RPS, shared fairly, and
 * UPSTREAM_MAX_PER_USER_PER_MINUTE per user); the demo data calls nobody, so it is not.
 */
export function createSourceDeploy(config: Config, logger: Logger, options: { sharedRate?: SharedRate } = {}): SourceDeploySource {
  const { credentials, apiUrl, regionCode, timeoutMs } = config.sourceDeploy;
  if (!credentials) {
    const cache = new CachingSourceDeploy(new DemoSourceDeploy(), config.historyCache);
    return { api: cache, demo: true, cacheStats: () => cache.stats(), observeCalls: () => undefined, close: async () => undefined };
  }
  const observers: CallObserver[] = [];
  const client = new SourceDeployClient({
    onCall: (operation, result, seconds) => {
      for (const observe of observers) observe(operation, result, seconds);
    },
    baseUrl: apiUrl,
    accessKey: credentials.accessKey,
    secretKey: credentials.secretKey,
    regionCode,
    timeoutMs,
    logger: logger.child({ component: "sourcedeploy" }),
  });
  const limiter = new UpstreamLimiter({
    perSecond: config.sourceDeploy.maxRequestsPerSecond,
    perUserPerMinute: config.sourceDeploy.maxCallsPerUserPerMinute,
    shared: options.sharedRate,
  });
  const cache = new CachingSourceDeploy(new RateLimitedSourceDeploy(client, limiter), config.historyCache);
  const close = (graceMs?: number) => {
    limiter.close();
    return client.close(graceMs);
  };
  const observeCalls = (observer: CallObserver) => void observers.push(observer);
  return { api: cache, write: client, demo: false, cacheStats: () => cache.stats(), observeCalls, close };
}

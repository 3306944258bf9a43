/** Picks the SourceDeploy data source: the signed HTTP client, or the demo data without NCP keys. */
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { type CacheStats, CachingSourceDeploy } from "./cache.js";
import { SourceDeployClient } from "./client.js";
import { DemoSourceDeploy } from "./demo.js";
import type { SourceDeployApi } from "./model.js";

export interface SourceDeploySource {
  api: SourceDeployApi;
  demo: boolean;
  /** Hits, misses and shared calls of the cache of finished histories (reported on /healthz). */
  cacheStats(): CacheStats;
  /** Closes the HTTP pool; with `graceMs`, calls still in flight after that long are cut off. */
  close(graceMs?: number): Promise<void>;
}

/** Terminal histories are cached and concurrent fetches of one history share a call, for both sources. */
export function createSourceDeploy(config: Config, logger: Logger): SourceDeploySource {
  const { credentials, apiUrl, regionCode, timeoutMs } = config.sourceDeploy;
  if (!credentials) {
    const cache = new CachingSourceDeploy(new DemoSourceDeploy(), config.historyCache);
    return { api: cache, demo: true, cacheStats: () => cache.stats(), close: async () => undefined };
  }
  const client = new SourceDeployClient({
    baseUrl: apiUrl,
    accessKey: credentials.accessKey,
    secretKey: credentials.secretKey,
    regionCode,
    timeoutMs,
    logger: logger.child({ component: "sourcedeploy" }),
  });
  const cache = new CachingSourceDeploy(client, config.historyCache);
  return { api: cache, demo: false, cacheStats: () => cache.stats(), close: (graceMs) => client.close(graceMs) };
}

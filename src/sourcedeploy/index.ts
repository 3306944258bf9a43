/** Picks the SourceDeploy data source: the signed HTTP client, or the demo data without NCP keys. */
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { SourceDeployClient } from "./client.js";
import { DemoSourceDeploy } from "./demo.js";
import { CachingSourceDeploy } from "./cache.js";
import type { SourceDeployApi } from "./model.js";

export interface SourceDeploySource {
  api: SourceDeployApi;
  demo: boolean;
  close(): Promise<void>;
}

/** Terminal histories are cached and concurrent fetches of one history share a call, for both sources. */
export function createSourceDeploy(config: Config, logger: Logger): SourceDeploySource {
  const { credentials, apiUrl, regionCode, timeoutMs } = config.sourceDeploy;
  const cached = (api: SourceDeployApi) => new CachingSourceDeploy(api, config.historyCache);
  if (!credentials) return { api: cached(new DemoSourceDeploy()), demo: true, close: async () => undefined };
  const client = new SourceDeployClient({
    baseUrl: apiUrl,
    accessKey: credentials.accessKey,
    secretKey: credentials.secretKey,
    regionCode,
    timeoutMs,
    logger: logger.child({ component: "sourcedeploy" }),
  });
  return { api: cached(client), demo: false, close: () => client.close() };
}

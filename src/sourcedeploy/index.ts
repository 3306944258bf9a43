/** Picks the SourceDeploy data source: the signed HTTP client, or the demo data without NCP keys. */
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import { SourceDeployClient } from "./client.js";
import { DemoSourceDeploy } from "./demo.js";
import type { SourceDeployApi } from "./model.js";

export interface SourceDeploySource {
  api: SourceDeployApi;
  demo: boolean;
  close(): Promise<void>;
}

export function createSourceDeploy(config: Config, logger: Logger): SourceDeploySource {
  const { credentials, apiUrl, regionCode, timeoutMs } = config.sourceDeploy;
  if (!credentials) return { api: new DemoSourceDeploy(), demo: true, close: async () => undefined };
  const client = new SourceDeployClient({
    baseUrl: apiUrl,
    accessKey: credentials.accessKey,
    secretKey: credentials.secretKey,
    regionCode,
    timeoutMs,
    logger: logger.child({ component: "sourcedeploy" }),
  });
  return { api: client, demo: false, close: () => client.close() };
}

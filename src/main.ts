/**
 * Process entry (`npm start`): config → SourceDeploy source → Slack app; graceful shutdown on
 * SIGTERM / SIGINT. Configuration problems print a readable message and exit 1, never a stack trace;
 * so does any other failure before the app has started (never exit 0 after an unhandled rejection).
 */
import { existsSync } from "node:fs";
import { type AccessPolicy, AccessPolicyError, loadAccessPolicy, OPEN_POLICY } from "./access/policy.js";
import { type Config, ConfigError, loadConfig } from "./config.js";
import { createLogger, type Logger, redactKey } from "./log.js";
import { type RunningSlackApp, startSlackApp } from "./slack/app.js";
import { slackMode, slackSetupChecklist } from "./slack/setup-check.js";
import { createSourceDeploy, type SourceDeploySource } from "./sourcedeploy/index.js";
import { connectStateStore, StateError, type StateStore, startPruning } from "./state/index.js";
import { DAY_MS } from "./state/prune.js";
import { redactRedisUrl } from "./state/redis.js";

const SHUTDOWN_GRACE_MS = 5_000;

function loadEnvFile(): void {
  if (process.env.NODE_ENV !== "test" && existsSync(".env")) process.loadEnvFile(".env");
}

function configOrExit(): Config {
  try {
    loadEnvFile();
    const config = loadConfig();
    const checklist = slackSetupChecklist(config);
    if (checklist) exit(checklist);
    return config;
  } catch (error) {
    if (error instanceof ConfigError) exit(error.message);
    exit(`deploy-history cannot start: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function policyOrExit(config: Config): Promise<AccessPolicy> {
  if (!config.accessPolicyPath) return OPEN_POLICY;
  try {
    return await loadAccessPolicy(config.accessPolicyPath);
  } catch (error) {
    exit(error instanceof AccessPolicyError ? error.message : `ACCESS_POLICY: ${String(error)}`);
  }
}

function exit(message: string): never {
  console.error(message);
  process.exit(1);
}

/** Scrubbed from every log line. The access key is no secret, but is only ever logged redacted (redactKey). */
function secretsOf(config: Config): string[] {
  const { slack, sourceDeploy } = config;
  return [
    slack.botToken,
    slack.appToken,
    slack.signingSecret,
    sourceDeploy.credentials?.secretKey,
    sourceDeploy.credentials?.accessKey,
    passwordIn(config.stateUrl),
  ].filter((s): s is string => s !== undefined);
}

/** The password of a redis:// STATE_URL, if any. */
function passwordIn(url: string): string | undefined {
  try {
    return /^rediss?:/.test(url) ? decodeURIComponent(new URL(url).password) || undefined : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Within the grace, in-flight requests finish or are told they were interrupted (RunningSlackApp.stop),
 * then the SourceDeploy pool gets what is left of the grace before its calls are cut off.
 */
function onShutdown(running: RunningSlackApp, source: SourceDeploySource, state: ClosableState, logger: Logger): void {
  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    const deadline = performance.now() + SHUTDOWN_GRACE_MS;
    const force = setTimeout(() => process.exit(0), SHUTDOWN_GRACE_MS * 2);
    force.unref();
    // Each step runs even when the one before failed: the state store must flush and let go of its leases.
    const step = (what: string, run: () => Promise<unknown>) => () =>
      run().catch((error: unknown) => logger.error({ err: error, step: what }, "shutdown: a step failed"));
    void step("slack", () => running.stop(SHUTDOWN_GRACE_MS))()
      .then(step("sourcedeploy", () => source.close(Math.max(0, deadline - performance.now()))))
      .then(step("state", () => state.close()))
      .finally(() => {
        logger.info("stopped");
        logger.flush();
        process.exit(0);
      });
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

interface ClosableState {
  store: StateStore;
  close(): Promise<void>;
}

/** Opens STATE_URL and starts pruning it; a store that cannot be opened stops start-up with its one line. */
async function stateOrExit(config: Config, logger: Logger): Promise<ClosableState> {
  let store: StateStore;
  try {
    store = await connectStateStore(config.stateUrl, logger, { leaseMs: config.stateLeaseMs });
  } catch (error) {
    logger.flush();
    exit(error instanceof StateError ? error.message : `STATE_URL (${redactRedisUrl(config.stateUrl)}): ${String(error)}`);
  }
  // A watch ends long before this; older rows are leftovers of a crash at the wrong moment.
  const stopPruning = startPruning(store, logger, { watchRetentionMs: config.watch.maxAgeMs + DAY_MS });
  return {
    store,
    close: async () => {
      await stopPruning().catch(() => undefined);
      await store.close().catch((error: unknown) => logger.warn({ err: error }, "state: closing the database failed"));
    },
  };
}

let started = false;

async function main(): Promise<void> {
  const config = configOrExit();
  const policy = await policyOrExit(config);
  const logger = createLogger({ level: config.logLevel, secrets: secretsOf(config) });
  process.on("unhandledRejection", (reason) => {
    logger.error({ err: reason }, "unhandled rejection");
    if (started) return;
    logger.flush();
    exit("deploy-history could not start: an unexpected error (see the log line above)");
  });
  const state = await stateOrExit(config, logger);
  // With Redis, UPSTREAM_MAX_RPS holds for all instances together.
  const sharedRate = state.store.limits?.upstreamRate(config.sourceDeploy.maxRequestsPerSecond);
  const source = createSourceDeploy(config, logger, sharedRate ? { sharedRate } : {});
  let running: RunningSlackApp;
  try {
    running = await startSlackApp(config, source, policy, logger, state.store);
  } catch (error) {
    logger.error({ err: error }, "start-up failed");
    logger.flush();
    exit(`deploy-history could not start: ${error instanceof Error ? error.message : String(error)}`);
  }
  logger.info(
    {
      mode: slackMode(config),
      port: running.port,
      locale: config.locale,
      timeZone: config.timeZone,
      sourceDeploy: source.demo ? "demo data" : config.sourceDeploy.apiUrl,
      ...(config.sourceDeploy.credentials ? { accessKey: redactKey(config.sourceDeploy.credentials.accessKey) } : {}),
    },
    `deploy-history started in ${running.mode === "socket" ? "Socket Mode" : "HTTP mode"} on port ${running.port}${source.demo ? " with demo data (no NCP keys)" : ""}`,
  );
  onShutdown(running, source, state, logger);
  await running.ready.catch((error: unknown) => {
    logger.error({ err: error }, "start-up failed");
    logger.flush();
    exit(`deploy-history could not start: ${error instanceof Error ? error.message : String(error)}`);
  });
  started = true;
}

main().catch((error: unknown) => {
  // Errors with a message of their own are reported above; this is the one for the unexpected.
  console.error(`deploy-history could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

/**
 * The Bolt app: Socket Mode when SLACK_APP_TOKEN is set, HTTP mode otherwise (`POST /slack/events`
 * for commands, events and interactivity, `GET /healthz`). Listeners live in listeners/ and stay
 * thin; everything they need comes from the ListenerContext.
 *
 * The HTTP server is ours, not Bolt's (http-server.ts: body, time and connection limits); in HTTP mode
 * it hands `POST /slack/events` to Bolt's HTTPReceiver, which checks signatures and dispatches.
 */

import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { App, HTTPReceiver, webApi } from "@slack/bolt";
import type { AccessPolicy } from "../access/policy.js";
import type { Config } from "../config.js";
import type { Logger } from "../log.js";
import type { SourceDeploySource } from "../sourcedeploy/index.js";
import { interruptible } from "../sourcedeploy/interruptible.js";
import { MemoryStateStore } from "../state/memory.js";
import type { StateStore } from "../state/types.js";
import { boltLogger } from "./bolt-logger.js";
import { createListenerContext } from "./context.js";
import { createLimitedServer, listen, MAX_BODY_BYTES, stopListening } from "./http-server.js";
import { dropReplayedInteractions, REPLAY_WINDOW_MS } from "./interaction-replays.js";
import { registerListeners } from "./listeners/index.js";
import { type AppMetrics, createMetrics, surfaceOf } from "./metrics.js";
import { slackErrorCode } from "./safely.js";
import { type SlackMode, slackMode } from "./setup-check.js";
import { quietWebLogger, slackApiUrl } from "./slack-api.js";

export interface RunningSlackApp {
  mode: SlackMode;
  port: number;
  /** Resolves once Slack has accepted the bot token (auth.test); rejects with a readable reason. */
  ready: Promise<void>;
  /**
   * Stops accepting requests and lets in-flight work finish; work still waiting for SourceDeploy
   * near the end of `graceMs` is interrupted (its user is told to try again). Resolves within `graceMs`.
   */
  stop(graceMs: number): Promise<void>;
}

const HEALTH_PATH = "/healthz";
const METRICS_PATH = "/metrics";
const EVENTS_PATH = "/slack/events";
/** The part of the shutdown grace kept for interrupted work to send its "interrupted" answer. */
const INTERRUPT_RESERVE_MS = 2_000;

export async function startSlackApp(
  config: Config,
  source: SourceDeploySource,
  policy: AccessPolicy,
  logger: Logger,
  state: StateStore = new MemoryStateStore(),
): Promise<RunningSlackApp> {
  const mode = slackMode(config);
  const inFlight = new Set<Promise<unknown>>();
  const startedAt = Date.now();
  // auth.test runs while the app starts listening; access checks wait for it, start-up does not.
  const installingTeam = installingWorkspace(config);
  // Aborted when the shutdown grace runs short: every SourceDeploy call a listener still waits for ends at once.
  const interrupt = new AbortController();
  const api = interruptible(source.api, interrupt.signal);
  const ctx = createListenerContext({
    config,
    api,
    demo: source.demo,
    policy,
    installingTeam,
    logger,
    state,
    ...(source.write ? { write: source.write } : {}),
    // Called only once requests arrive, when `app` below exists.
    listGroupMembers: async (usergroup) => (await app.client.usergroups.users.list({ usergroup })).users ?? [],
  });
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const health = (_req: IncomingMessage, res: ServerResponse) => {
    const status = async () => {
      const { rss, heapUsed } = process.memoryUsage();
      return {
        status: "ok",
        mode,
        demo: source.demo,
        inFlight: inFlight.size,
        uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
        rssBytes: rss,
        heapUsedBytes: heapUsed,
        eventLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e4) / 100,
        live: await ctx.live.stats(),
        subscriptions: await ctx.subscriptions.stats(),
        state: await state.health(),
        historyCache: source.cacheStats(),
      };
    };
    status().then(
      (body) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body)),
      () => res.writeHead(500, { "content-type": "application/json" }).end('{"status":"error"}'),
    );
  };
  const port = config.slack.port;
  const bolt = boltLogger(logger);
  const receiver =
    mode === "http"
      ? new HTTPReceiver({
          signingSecret: config.slack.signingSecret ?? "",
          endpoints: EVENTS_PATH,
          logger: bolt,
          bodyLimit: MAX_BODY_BYTES,
        })
      : undefined;
  const app = new App({
    token: config.slack.botToken,
    logger: bolt,
    clientOptions: { slackApiUrl: slackApiUrl(config) },
    // No listener reads conversation state; Bolt's store would run on every request.
    convoStore: false,
    ...(receiver ? { receiver } : { socketMode: true, appToken: config.slack.appToken }),
  });
  const metrics = config.metricsEnabled
    ? createMetrics({
        live: () => ctx.live.stats(),
        subscriptions: () => ctx.subscriptions.stats(),
        historyCache: () => source.cacheStats(),
      })
    : undefined;
  if (metrics) source.observeCalls((operation, result, seconds) => metrics.upstreamCall(operation, result, seconds));
  const server = createLimitedServer(config.http, routes(health, receiver?.requestListener, metrics && scrapeMetrics(metrics)), logger);

  app.use(async ({ body, next }) => {
    const started = performance.now();
    const work = next();
    inFlight.add(work);
    let outcome: "ok" | "error" = "ok";
    try {
      await work;
    } catch (error) {
      outcome = "error";
      throw error;
    } finally {
      inFlight.delete(work);
      metrics?.requestHandled(surfaceOf(body), outcome, (performance.now() - started) / 1000);
      // Every listener awaits all its work, so this line says the request is done: tests wait for it.
      logger.debug({ event: "request.handled", ...requestKind(body) }, "request handled");
    }
  });
  app.use(dropRetriedEvents(logger, state));
  app.use(dropReplayedInteractions(logger, { firstSeen: (key) => state.claimOnce(`interaction:${key}`, REPLAY_WINDOW_MS) }));
  app.error(async (error) => {
    logger.error({ err: error }, "unhandled listener error");
  });

  registerListeners(app, ctx);
  // Messages followed before a restart carry on (the state store kept their watches).
  await ctx.live.resume();
  // Subscribed projects are polled again from their stored cursors.
  await ctx.subscriptions.start();

  await listen(server, port);
  if (mode === "socket") {
    try {
      await connectSocketMode(app);
    } catch (error) {
      server.close();
      throw error;
    }
  }

  const ready = installingTeam.then((team) => {
    logger.info(
      {
        installingTeam: team,
        teams: policy.teams ? [...policy.teams] : "installing workspace only",
        rules: policy.rules.length,
        default: policy.defaultDecision,
      },
      "access policy",
    );
  });
  return {
    mode,
    port,
    ready,
    async stop(graceMs) {
      const deadline = performance.now() + graceMs;
      const left = () => Math.max(0, deadline - performance.now());
      const closed = stopListening(server);
      if (mode === "socket") {
        await withTimeout(app.stop(), left()).catch((error: unknown) =>
          logger.warn({ err: error }, "closing the Socket Mode connection failed"),
        );
      }
      await withTimeout(Promise.allSettled([...inFlight]), left() - Math.min(INTERRUPT_RESERVE_MS, graceMs / 2));
      if (inFlight.size > 0) logger.info({ inFlight: inFlight.size }, "interrupting requests still in flight at shutdown");
      interrupt.abort();
      await withTimeout(Promise.allSettled([...inFlight]), left());
      await withTimeout(ctx.subscriptions.close(), left());
      await withTimeout(ctx.live.close(), left());
      server.closeAllConnections();
      await withTimeout(closed, left());
      loopDelay.disable();
    },
  };
}

/**
 * `/healthz` for anyone; `/metrics` when METRICS_ENABLED; in HTTP mode `POST /slack/events` for Bolt
 * (which verifies Slack's signature); 404 otherwise.
 */
function routes(health: RequestListener, slackEvents: RequestListener | undefined, metrics: RequestListener | undefined): RequestListener {
  return (req, res) => {
    const path = (req.url ?? "").split("?")[0];
    if (path === HEALTH_PATH && req.method === "GET") health(req, res);
    else if (metrics && path === METRICS_PATH && req.method === "GET") metrics(req, res);
    else if (slackEvents && path === EVENTS_PATH && req.method === "POST") slackEvents(req, res);
    else res.writeHead(404, { "content-length": "0" }).end();
  };
}

function scrapeMetrics(metrics: AppMetrics): RequestListener {
  return (_req, res) => {
    metrics.scrape().then(
      (text) => res.writeHead(200, { "content-type": metrics.contentType }).end(text),
      () => res.writeHead(500, { "content-length": "0" }).end(),
    );
  };
}

/** Opens the Socket Mode connection with SLACK_APP_TOKEN: say so when Slack rejects it. */
async function connectSocketMode(app: App): Promise<void> {
  try {
    await app.start();
  } catch (error) {
    const code = slackErrorCode(error);
    if (code === undefined) throw error;
    const reason = `Slack rejected SLACK_APP_TOKEN (${code}); generate an app-level token with connections:write again (Basic Information → App-Level Tokens)`;
    throw new Error(reason, { cause: error });
  }
}

/** The workspace the bot token belongs to; requests from other workspaces are refused by default. */
async function installingWorkspace(config: Config): Promise<string | undefined> {
  const client = new webApi.WebClient(config.slack.botToken, {
    slackApiUrl: slackApiUrl(config),
    retryConfig: { retries: 2 },
    logger: quietWebLogger,
  });
  try {
    return (await client.auth.test()).team_id;
  } catch (error) {
    const code = slackErrorCode(error);
    const reason = code
      ? `Slack rejected SLACK_BOT_TOKEN (${code}); copy the Bot User OAuth Token again`
      : "cannot reach the Slack Web API";
    throw new Error(reason, { cause: error });
  }
}

/** How long an event id is remembered: twice Slack's five-minute signature window, as for interactions. */
export const EVENT_ID_TTL_MS = 10 * 60 * 1000;

/**
 * Slack retries an event it thinks we missed; the first delivery is usually still being answered.
 * Event ids are claimed in the state store for ten minutes, so a retry never produces a second
 * reply, not even one that arrives after a restart.
 */
function dropRetriedEvents(logger: Logger, state: StateStore) {
  return async ({ body, next, context }: { body: unknown; next: () => Promise<void>; context: { retryNum?: number } }) => {
    const eventId = (body as { event_id?: unknown }).event_id;
    if (typeof eventId === "string" && !(await state.claimOnce(`event:${eventId}`, EVENT_ID_TTL_MS))) {
      logger.info({ eventId, retryNum: context.retryNum }, "duplicate event delivery ignored");
      return;
    }
    await next();
  };
}

/** What a request was, for the "request handled" line: a command, an event type or an interaction type. */
function requestKind(body: unknown): { kind: string; eventId?: string } {
  const {
    command,
    type,
    event,
    event_id: eventId,
  } = body as { command?: unknown; type?: unknown; event?: { type?: unknown }; event_id?: unknown };
  if (typeof command === "string") return { kind: "command" };
  if (type === "event_callback") return { kind: `event ${String(event?.type)}`, ...(typeof eventId === "string" ? { eventId } : {}) };
  return { kind: String(type) };
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref();
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

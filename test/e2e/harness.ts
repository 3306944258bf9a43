/**
 * End-to-end harness: signed Slack request builders, and a runner that starts the built app
 * (`node dist/server.mjs`, as `npm start` does) against local fakes on 127.0.0.1.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHmac } from "node:crypto";
import { once } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { type FakeSlack, type RecordedCall, startFakeSlack } from "../fakes/slack-fake.js";
import { type FakeSourceDeploy, type FakeSourceDeployOptions, startFakeSourceDeploy } from "../fakes/sourcedeploy-fake.js";
import { GENEROUS_TIMEOUT_MS, waitUntil } from "../support/wait.js";
import {
  findLeaks,
  type Leak,
  logTexts,
  SecretLeakError,
  secretsOf,
  slackCallTexts,
  sourceDeployRequestTexts,
  TEST_ACCESS_KEY,
  TEST_BOT_TOKEN,
  TEST_SECRET_KEY,
  TEST_SIGNING_SECRET,
} from "./secrets.js";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** What `npm start` runs: the bundled server (see scripts/bundle.mjs). */
export const APP_ENTRY = "dist/server.mjs";
export const FORM = "application/x-www-form-urlencoded";
export const JSON_TYPE = "application/json";

// The test secrets live in secrets.ts (the scan's list); re-exported here for the tests.
export { TEST_ACCESS_KEY, TEST_APP_TOKEN, TEST_BOT_TOKEN, TEST_SECRET_KEY, TEST_SIGNING_SECRET } from "./secrets.js";

// ---------------------------------------------------------------------------------------------
// Signing

export interface SignedHeaders extends Record<string, string> {
  "content-type": string;
  "x-slack-signature": string;
  "x-slack-request-timestamp": string;
}

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

export function slackSignature(body: string, signingSecret: string, timestamp: number): string {
  return `v0=${createHmac("sha256", signingSecret).update(`v0:${timestamp}:${body}`).digest("hex")}`;
}

/** Headers Slack sends with a request: `v0=` HMAC-SHA256 of `v0:{timestamp}:{body}`. */
export function signSlackRequest(
  body: string,
  signingSecret: string,
  timestamp: number = nowSeconds(),
  contentType: string = FORM,
): SignedHeaders {
  return {
    "content-type": contentType,
    "x-slack-signature": slackSignature(body, signingSecret, timestamp),
    "x-slack-request-timestamp": String(timestamp),
  };
}

// ---------------------------------------------------------------------------------------------
// Slack payload builders (shapes as Slack sends them)

export const DEFAULTS = {
  teamId: "T0TEST",
  teamDomain: "test-team",
  userId: "U0ALICE",
  userName: "alice",
  channelId: "C0DEPLOYS",
  channelName: "deploys",
  apiAppId: "A0DEPLOYHIST",
  triggerId: "13345224609.738474920.8088930838d88f008e0",
} as const;

export interface SlashCommandOptions {
  text: string;
  responseUrl: string;
  userId?: string;
  channelId?: string;
  teamId?: string;
  triggerId?: string;
  command?: string;
}

/** A slash command, form-encoded like Slack sends it. */
export function slashCommandBody(o: SlashCommandOptions): string {
  return new URLSearchParams({
    token: "deprecated-verification-token",
    team_id: o.teamId ?? DEFAULTS.teamId,
    team_domain: DEFAULTS.teamDomain,
    channel_id: o.channelId ?? DEFAULTS.channelId,
    channel_name: DEFAULTS.channelName,
    user_id: o.userId ?? DEFAULTS.userId,
    user_name: DEFAULTS.userName,
    command: o.command ?? "/deploy-history",
    text: o.text,
    api_app_id: DEFAULTS.apiAppId,
    is_enterprise_install: "false",
    response_url: o.responseUrl,
    trigger_id: o.triggerId ?? DEFAULTS.triggerId,
  }).toString();
}

export interface EnvelopeOptions {
  teamId?: string;
  eventId?: string;
  eventTime?: number;
}

let eventCounter = 0;

/** An `event_callback` envelope (Events API, JSON). */
export function eventBody(event: Record<string, unknown>, o: EnvelopeOptions = {}): string {
  const teamId = o.teamId ?? DEFAULTS.teamId;
  return JSON.stringify({
    token: "deprecated-verification-token",
    team_id: teamId,
    api_app_id: DEFAULTS.apiAppId,
    event,
    type: "event_callback",
    event_id: o.eventId ?? `Ev0TEST${String(++eventCounter).padStart(6, "0")}`,
    event_time: o.eventTime ?? nowSeconds(),
    authorizations: [{ enterprise_id: null, team_id: teamId, user_id: "UBOT", is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
    event_context: `4-test-${eventCounter}`,
  });
}

/** The `url_verification` handshake Slack sends when the Request URL is saved. */
export function urlVerificationBody(challenge: string): string {
  return JSON.stringify({ token: "deprecated-verification-token", challenge, type: "url_verification" });
}

export interface LinkSharedOptions {
  links: { url: string; domain: string }[];
  channel: string;
  messageTs: string;
  /** `conversations_history` (posted message) or `composer` (preview while typing). */
  source?: "conversations_history" | "composer";
  unfurlId?: string;
  user?: string;
  threadTs?: string;
}

/** A `link_shared` event (pass it to `eventBody`). */
export function linkSharedEvent(o: LinkSharedOptions): Record<string, unknown> {
  return {
    type: "link_shared",
    channel: o.channel,
    is_bot_user_member: true,
    user: o.user ?? DEFAULTS.userId,
    message_ts: o.messageTs,
    ...(o.threadTs !== undefined ? { thread_ts: o.threadTs } : {}),
    unfurl_id: o.unfurlId ?? `C0TEST.${o.messageTs}.unfurl`,
    source: o.source ?? "conversations_history",
    links: o.links,
    event_ts: o.messageTs,
  };
}

export interface AppMentionOptions {
  text: string;
  channel?: string;
  ts?: string;
  threadTs?: string;
  user?: string;
}

/** An `app_mention` event (pass it to `eventBody`); `text` should start with `<@UBOT>`. */
export function appMentionEvent(o: AppMentionOptions): Record<string, unknown> {
  const ts = o.ts ?? "1700000100.000100";
  return {
    type: "app_mention",
    user: o.user ?? DEFAULTS.userId,
    text: o.text,
    ts,
    channel: o.channel ?? DEFAULTS.channelId,
    event_ts: ts,
    ...(o.threadTs !== undefined ? { thread_ts: o.threadTs } : {}),
  };
}

export interface BlockActionOptions {
  actionId: string;
  value?: string;
  responseUrl?: string;
  channelId?: string;
  messageTs?: string;
  userId?: string;
  teamId?: string;
  triggerId?: string;
  /** Set for an action inside a modal: the container becomes the view. */
  viewId?: string;
  privateMetadata?: string;
  blockId?: string;
  /** Actions on ephemeral messages carry no `message`. */
  isEphemeral?: boolean;
}

let interactionCounter = 0;

/**
 * An interactivity `block_actions` payload, form-encoded as `payload=<json>`. Like Slack, every call
 * makes a new click, with its own trigger_id and action_ts; sending one body again is a replay.
 */
export function blockActionBody(o: BlockActionOptions): string {
  const click = ++interactionCounter;
  const teamId = o.teamId ?? DEFAULTS.teamId;
  const userId = o.userId ?? DEFAULTS.userId;
  const channelId = o.channelId ?? DEFAULTS.channelId;
  const messageTs = o.messageTs ?? "1700000000.000100";
  const action = {
    type: "button",
    action_id: o.actionId,
    block_id: o.blockId ?? "actions",
    text: { type: "plain_text", text: o.actionId, emoji: true },
    ...(o.value !== undefined ? { value: o.value } : {}),
    action_ts: `${nowSeconds()}.${String(click).padStart(6, "0")}`,
  };
  const inView = o.viewId !== undefined;
  const payload = {
    type: "block_actions",
    user: { id: userId, username: DEFAULTS.userName, name: DEFAULTS.userName, team_id: teamId },
    api_app_id: DEFAULTS.apiAppId,
    token: "deprecated-verification-token",
    container: inView
      ? { type: "view", view_id: o.viewId }
      : { type: "message", message_ts: messageTs, channel_id: channelId, is_ephemeral: o.isEphemeral ?? false },
    trigger_id: o.triggerId ?? `${click}.${DEFAULTS.triggerId}`,
    team: { id: teamId, domain: DEFAULTS.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    ...(inView
      ? {
          view: {
            id: o.viewId,
            team_id: teamId,
            type: "modal",
            callback_id: "deploy_history_targets",
            private_metadata: o.privateMetadata ?? "",
            hash: "1700000000.abcdef",
            blocks: [],
            state: { values: {} },
          },
        }
      : {
          channel: { id: channelId, name: DEFAULTS.channelName },
          ...(o.isEphemeral ? {} : { message: { type: "message", ts: messageTs, user: "UBOT", bot_id: "BBOT", text: "", blocks: [] } }),
        }),
    state: { values: {} },
    ...(o.responseUrl !== undefined ? { response_url: o.responseUrl } : {}),
    actions: [action],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

// ---------------------------------------------------------------------------------------------
// Running the app

export interface AppResponse {
  status: number;
  headers: Headers;
  text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: unknown;
}

export interface SignOptions {
  timestamp?: number;
  signingSecret?: string;
}

export interface RunningApp {
  url: string;
  port: number;
  pid: number | undefined;
  /** stdout and stderr lines, in arrival order. */
  logs: string[];
  /** The log lines that are JSON objects (pino writes one per line on stdout). */
  parsedLogs(): Record<string, unknown>[];
  waitForLog(predicate: (entry: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** How many requests the app has finished handling: its "request handled" lines (LOG_LEVEL=debug, as startStack sets). */
  handledCount(): number;
  /**
   * Runs `send` (which sends `count` requests) and resolves with its result once the app has
   * finished handling that many more requests: everything it does for them (replies, log lines)
   * has happened, so a test can then assert that something did NOT happen.
   */
  handled<T>(send: () => Promise<T>, count?: number, timeoutMs?: number): Promise<T>;
  get(path: string): Promise<AppResponse>;
  post(path: string, body: string, headers?: Record<string, string>): Promise<AppResponse>;
  /** Signs with SLACK_SIGNING_SECRET (or `options.signingSecret`) and POSTs to /slack/events. */
  postSigned(body: string, contentType?: string, options?: SignOptions): Promise<AppResponse>;
  /** Undefined while running. */
  exitStatus(): ExitStatus | undefined;
  /**
   * Stops the process, then (on the first call) scans its output for the secrets it was given and
   * throws a SecretLeakError if any line contains one.
   */
  stop(signal?: NodeJS.Signals): Promise<ExitStatus>;
}

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface StartAppOptions {
  env: Record<string, string | undefined>;
  /** Fixed port; a free one on 127.0.0.1 by default. */
  port?: number;
  healthTimeoutMs?: number | undefined;
  /** Script to run, relative to the repo root; APP_ENTRY (what `npm start` runs) by default. */
  entry?: string;
}

/**
 * Each app gets a database of its own in a temporary folder (removed when it stops), unless the
 * test sets STATE_URL: apps running side by side must not share event ids or watches.
 */
function ownStateUrl(env: Record<string, string | undefined>): { url?: string; cleanup: () => void } {
  if ("STATE_URL" in env) return { cleanup: () => undefined };
  const dir = mkdtempSync(join(tmpdir(), "deploy-history-e2e-"));
  return { url: `file:${join(dir, "state.db")}`, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const STARTUP_TIMEOUT_MS = 15_000;
/** Longer than the app's own shutdown (5 s grace, 10 s backstop), so a test sees how the app exits, not this kill. */
const KILL_AFTER_MS = 15_000;

export async function freePort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * The environment the app sees: PATH, HOME and NODE_ENV=test (so a developer's `.env` is not
 * loaded), STATE_URL=memory: (so no run writes a database into the checkout; startApp gives each
 * app a file of its own), then `env`; unset values are left out.
 */
export function cleanEnv(env: Record<string, string | undefined>): Record<string, string> {
  const merged: Record<string, string | undefined> = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: "test",
    STATE_URL: "memory:",
    ...env,
  };
  return Object.fromEntries(Object.entries(merged).filter((entry): entry is [string, string] => entry[1] !== undefined));
}

export function parseLogLines(lines: readonly string[]): Record<string, unknown>[] {
  return lines.flatMap((line) => {
    if (!line.startsWith("{")) return [];
    try {
      const value: unknown = JSON.parse(line);
      return typeof value === "object" && value !== null && !Array.isArray(value) ? [value as Record<string, unknown>] : [];
    } catch {
      return [];
    }
  });
}

async function toResponse(res: Response): Promise<AppResponse> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

function collectLines(child: ChildProcess, onLine: (line: string) => void): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on("line", onLine);
  }
}

/** The line src/slack/app.ts writes once a request's listeners have all finished. */
const isHandledLine = (line: string): boolean => line.startsWith("{") && line.includes('"event":"request.handled"');

/** Resolves once the process has exited and its stdout/stderr are closed (every line collected). */
function closedPromise(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once("close", () => resolve()));
}

function exitPromise(child: ChildProcess): Promise<ExitStatus> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once("exit", (code, signal) => resolve({ code, signal }));
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitHealthy(url: string, exited: () => ExitStatus | undefined, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const status = exited();
    if (status) throw new Error(`exited before it was healthy (code ${status.code}, signal ${status.signal})`);
    try {
      const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  throw new Error(`GET /healthz did not answer 200 within ${timeoutMs} ms`);
}

/** Starts `node dist/server.mjs` (what `npm start` runs) from the repo root (build first) and waits for GET /healthz → 200. */
export async function startApp(options: StartAppOptions): Promise<RunningApp> {
  const port = options.port ?? (await freePort());
  const state = ownStateUrl(options.env);
  const env = cleanEnv({ STATE_URL: state.url, ...options.env, PORT: String(port) });
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [options.entry ?? APP_ENTRY], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  const logs: string[] = [];
  let handledCount = 0;
  collectLines(child, (line) => {
    logs.push(line);
    if (isHandledLine(line)) handledCount += 1;
  });
  // Parsed once per line: waits poll the log often, and a live test's debug log grows long.
  const parsed: Record<string, unknown>[] = [];
  let linesParsed = 0;
  const parsedLogs = (): Record<string, unknown>[] => {
    if (linesParsed < logs.length) {
      const end = logs.length;
      parsed.push(...parseLogLines(logs.slice(linesParsed, end)));
      linesParsed = end;
    }
    return parsed.slice();
  };
  let exit: ExitStatus | undefined;
  const exited = exitPromise(child).then((status) => {
    state.cleanup();
    return (exit = status);
  });
  const closed = closedPromise(child);
  child.on("error", (error) => logs.push(`[harness] spawn error: ${error.message}`));

  try {
    await waitHealthy(url, () => exit, options.healthTimeoutMs ?? STARTUP_TIMEOUT_MS);
  } catch (error) {
    if (!exit) {
      child.kill("SIGKILL");
      await exited;
    }
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`app did not start: ${reason}\n--- app output ---\n${logs.join("\n")}`, { cause: error });
  }

  const post = async (path: string, body: string, headers: Record<string, string> = {}) =>
    toResponse(await fetch(`${url}${path}`, { method: "POST", body, headers, signal: AbortSignal.timeout(10_000) }));

  const stopProcess = async (signal: NodeJS.Signals): Promise<ExitStatus> => {
    if (exit) return exit;
    child.kill(signal);
    const timer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
    const status = await exited;
    clearTimeout(timer);
    return status;
  };

  let scanned = false;
  const stop = async (signal: NodeJS.Signals = "SIGTERM"): Promise<ExitStatus> => {
    const status = await stopProcess(signal);
    if (scanned) return status;
    scanned = true;
    await Promise.race([closed, sleep(1000)]);
    const leaks = findLeaks(logTexts(logs), secretsOf(options.env));
    if (leaks.length > 0) throw new SecretLeakError(leaks);
    return status;
  };

  const waitForLog = async (predicate: (entry: Record<string, unknown>) => boolean, timeoutMs = GENEROUS_TIMEOUT_MS) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = parsedLogs().find(predicate);
      if (found) return found;
      if (Date.now() >= deadline) throw new Error(`no matching log line within ${timeoutMs} ms\n--- app output ---\n${logs.join("\n")}`);
      await sleep(10);
    }
  };

  return {
    url,
    port,
    pid: child.pid,
    logs,
    parsedLogs,
    waitForLog,
    handledCount: () => handledCount,
    handled: async (send, count = 1, timeoutMs = GENEROUS_TIMEOUT_MS) => {
      const target = handledCount + count;
      const result = await send();
      await waitUntil(
        () => handledCount >= target,
        `the app to finish handling ${count} request(s) (a "request handled" log line each)`,
        timeoutMs,
      );
      return result;
    },
    get: async (path) => toResponse(await fetch(`${url}${path}`, { signal: AbortSignal.timeout(10_000) })),
    post,
    postSigned: (body, contentType = FORM, sign = {}) => {
      const secret = sign.signingSecret ?? options.env.SLACK_SIGNING_SECRET;
      if (secret === undefined) throw new Error("postSigned needs SLACK_SIGNING_SECRET in the app env or options.signingSecret");
      return post("/slack/events", body, signSlackRequest(body, secret, sign.timestamp ?? nowSeconds(), contentType));
    },
    exitStatus: () => exit,
    stop,
  };
}

// ---------------------------------------------------------------------------------------------
// The whole stack: fake SourceDeploy + fake Slack + the app wired to both

export interface StackOptions {
  /** Extra env for the app, merged over the wiring below (a value of undefined removes a key). */
  env?: Record<string, string | undefined>;
  /** Options for the fake SourceDeploy; the keys default to the TEST_ ones. */
  sourceDeploy?: FakeSourceDeployOptions;
  healthTimeoutMs?: number;
  entry?: string;
}

export interface Stack {
  app: RunningApp;
  slack: FakeSlack;
  sourceDeploy: FakeSourceDeploy;
  /** The env the app was started with. */
  env: Record<string, string | undefined>;
  /**
   * Stops the app and both fakes, then scans the app's output and every payload that reached the
   * fakes for secrets (see secrets.ts); a leak throws a SecretLeakError listing where.
   */
  stop(): Promise<ExitStatus>;
}

export function stackEnv(
  slack: Pick<FakeSlack, "apiUrl">,
  sourceDeploy: Pick<FakeSourceDeploy, "url" | "accessKey" | "secretKey">,
): Record<string, string> {
  return {
    SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
    SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
    SLACK_API_URL: `${slack.apiUrl}/`,
    SOURCEDEPLOY_API_URL: sourceDeploy.url,
    NCP_ACCESS_KEY: sourceDeploy.accessKey,
    NCP_SECRET_KEY: sourceDeploy.secretKey,
    SOURCEDEPLOY_TIMEOUT_MS: "3000",
    LOCALE: "en",
    TIME_ZONE: "UTC",
    LOG_LEVEL: "debug",
  };
}

/** Starts both fakes and the app wired to them; if any part fails, what started is stopped. */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const sourceDeploy = await startFakeSourceDeploy({ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY, ...options.sourceDeploy });
  let slack: FakeSlack | undefined;
  try {
    slack = await startFakeSlack();
    const env = { ...stackEnv(slack, sourceDeploy), ...options.env };
    const app = await startApp({ env, healthTimeoutMs: options.healthTimeoutMs, entry: options.entry });
    const { slack: fakeSlack, callsSeen } = keepingCalls(slack);
    return {
      app,
      slack: fakeSlack,
      sourceDeploy,
      env,
      stop: async () => {
        let exit: ExitStatus | undefined;
        let logLeaks: readonly Leak[] = [];
        try {
          exit = await app.stop();
        } catch (error) {
          if (!(error instanceof SecretLeakError)) throw error;
          logLeaks = error.leaks;
          exit = app.exitStatus();
        } finally {
          await Promise.all([fakeSlack.close(), sourceDeploy.close()]);
        }
        const payloads = [...slackCallTexts(callsSeen()), ...sourceDeployRequestTexts(sourceDeploy.requests)];
        const leaks = [...logLeaks, ...findLeaks(payloads, secretsOf(env))];
        if (leaks.length > 0) throw new SecretLeakError(leaks);
        return exit ?? { code: null, signal: null };
      },
    };
  } catch (error) {
    await Promise.all([slack?.close(), sourceDeploy.close()]);
    throw error;
  }
}

/** The fake Slack, but `reset()` keeps what it forgets for the secrets scan at stop. */
function keepingCalls(slack: FakeSlack): { slack: FakeSlack; callsSeen: () => RecordedCall[] } {
  const forgotten: RecordedCall[] = [];
  const reset = () => {
    forgotten.push(...slack.calls());
    slack.reset();
  };
  return { slack: { ...slack, reset }, callsSeen: () => [...forgotten, ...slack.calls()] };
}

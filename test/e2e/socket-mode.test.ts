/**
 * The real app (dist/main.js, as `npm start` runs it) in Socket Mode — the README's local quick
 * start — against the fake Slack, a fake Socket Mode endpoint and the fake SourceDeploy.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "../fakes/slack-fake.js";
import { type FakeSocketMode, startFakeSocketMode } from "../fakes/socket-mode-fake.js";
import { type FakeSourceDeploy, startFakeSourceDeploy } from "../fakes/sourcedeploy-fake.js";
import { waitUntil } from "../support/wait.js";
import {
  APP_ENTRY,
  appMentionEvent,
  blockActionBody,
  cleanEnv,
  eventBody,
  JSON_TYPE,
  REPO_ROOT,
  type RunningApp,
  slashCommandBody,
  stackEnv,
  startApp,
  TEST_ACCESS_KEY,
  TEST_APP_TOKEN,
  TEST_SECRET_KEY,
} from "./harness.js";
import { findLeaks, type Leak, SecretLeakError, secretsOf, slackCallTexts, sourceDeployRequestTexts } from "./secrets.js";

/** A slash command as Socket Mode delivers it: the HTTP form fields, as a JSON object. */
function slashCommandPayload(text: string, responseUrl: string): Record<string, unknown> {
  return Object.fromEntries(new URLSearchParams(slashCommandBody({ text, responseUrl })));
}

/** An `event_callback` body, as the payload of an `events_api` envelope. */
function eventPayload(event: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(eventBody(event)) as Record<string, unknown>;
}

/** A `block_actions` payload, unwrapped from the form's `payload` field. */
function blockActionPayload(options: Parameters<typeof blockActionBody>[0]): Record<string, unknown> {
  const payload = new URLSearchParams(blockActionBody(options)).get("payload");
  return JSON.parse(payload ?? "{}") as Record<string, unknown>;
}

let sourceDeploy: FakeSourceDeploy;
let slack: FakeSlack;
let socket: FakeSocketMode;
let app: RunningApp;
let env: Record<string, string | undefined>;
let stopped: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;

/** Stops the app once (its own scan covers the log lines), then scans what reached the fakes. */
async function stopAndScan() {
  stopped ??= app.stop("SIGTERM");
  let logLeaks: readonly Leak[] = [];
  const exit = await stopped.catch((error: unknown) => {
    if (!(error instanceof SecretLeakError)) throw error;
    logLeaks = error.leaks;
    return app.exitStatus() ?? { code: null, signal: null };
  });
  const overTheSocket = socket
    .received()
    .map((message, index) => ({ where: `socket message ${index + 1}`, text: JSON.stringify(message) }));
  const payloads = [...slackCallTexts(slack.calls()), ...sourceDeployRequestTexts(sourceDeploy.requests), ...overTheSocket];
  const leaks = [...logLeaks, ...findLeaks(payloads, secretsOf(env))];
  if (leaks.length > 0) throw new SecretLeakError(leaks);
  return exit;
}

beforeAll(async () => {
  sourceDeploy = await startFakeSourceDeploy({ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY });
  slack = await startFakeSlack();
  socket = await startFakeSocketMode(slack, { appToken: TEST_APP_TOKEN });
  env = { ...stackEnv(slack, sourceDeploy), SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: TEST_APP_TOKEN };
  app = await startApp({ env });
  await socket.waitForConnection();
});

afterAll(async () => {
  try {
    if (app && !app.exitStatus()) await app.stop("SIGKILL").catch(() => undefined);
  } finally {
    await Promise.all([socket?.close(), slack?.close(), sourceDeploy?.close()]);
  }
});

describe("Socket Mode", () => {
  it("starts without a signing secret, connecting with the app token as bearer", async () => {
    const line = await app.waitForLog((l) => typeof l.msg === "string" && l.msg.includes("started"));
    expect(line).toMatchObject({ mode: "socket" });
    expect(String(line.msg)).toContain("Socket Mode");
    expect(socket.appTokenPresented).toBe(true);
    expect(socket.connections).toBe(1);
    expect(slack.calls("auth.test").length).toBeGreaterThan(0);
  });

  it("serves /healthz on PORT and no HTTP events endpoint", async () => {
    const health = await app.get("/healthz");
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: "ok", mode: "socket" });
    expect((await app.post("/slack/events", "{}", { "content-type": JSON_TYPE })).status).toBe(404);
  });

  it("acks a slash command before answering it, then answers once through response_url", async () => {
    // The answer waits 500 ms for SourceDeploy, so an ack that waited for the answer would come after it.
    sourceDeploy.queueFault({ kind: "delay", ms: 500, path: /\/history\/903344$/ });
    const answers = () => slack.calls("response_url").filter((c) => c.id === "sm-cmd");
    let answeredBeforeAck = true;
    try {
      await app.handled(async () => {
        await socket.send({ type: "slash_commands", payload: slashCommandPayload("41027 903344", slack.responseUrl("sm-cmd")) });
        answeredBeforeAck = answers().length > 0;
      });
    } finally {
      sourceDeploy.clearFaults();
    }
    expect(answeredBeforeAck).toBe(false);
    expect(answers()).toHaveLength(1);
    expect(answers()[0]!.body).toMatchObject({ response_type: "ephemeral" });
    expect(JSON.stringify(answers()[0]!.body.blocks)).toContain("web-02");
  });

  it("acks an app_mention event and replies in its thread", async () => {
    const mention = appMentionEvent({ text: "<@UBOT> 41027 903344", ts: "1700000500.000100", channel: "C0TEST" });
    await socket.send({ type: "events_api", payload: eventPayload(mention) });
    const [reply] = await slack.waitFor((c) => c.method === "chat.postMessage" && c.body.thread_ts === "1700000500.000100");
    expect(reply!.body).toMatchObject({ channel: "C0TEST" });
    expect(String(reply!.body.text)).toContain("903344");
  });

  it("acks a Refresh click and replaces the message through response_url", async () => {
    const payload = blockActionPayload({
      actionId: "history_refresh",
      value: "41027:904611",
      responseUrl: slack.responseUrl("sm-refresh"),
      isEphemeral: true,
    });
    await socket.send({ type: "interactive", payload });
    const [post] = await slack.waitFor((c) => c.method === "response_url" && c.id === "sm-refresh");
    expect(post!.body).toMatchObject({ replace_original: true });
    expect(JSON.stringify(post!.body)).toContain("904611");
  });

  it("reconnects when Slack asks it to, and keeps answering on the new connection", async () => {
    const opensBefore = socket.opens;
    socket.disconnect("refresh_requested");
    // The client waits its ping timeout (5 s) before it reconnects.
    await socket.waitForConnection({ accepted: 2, timeoutMs: 15_000 });
    expect(socket.opens).toBe(opensBefore + 1);
    expect(socket.connections).toBe(1);
    await socket.send({ type: "slash_commands", payload: slashCommandPayload("41027 903344", slack.responseUrl("sm-again")) });
    const [post] = await slack.waitFor((c) => c.method === "response_url" && c.id === "sm-again");
    expect(JSON.stringify(post!.body.blocks)).toContain("web-02");
  }, 20_000);

  it("the leak scan would catch the app token", () => {
    const leaks = findLeaks([{ where: "a log line", text: `bearer ${TEST_APP_TOKEN}` }], secretsOf(env));
    expect(leaks.map((l) => l.secret)).toContain("TEST_APP_TOKEN");
  });

  it("closes the connection and exits 0 on SIGTERM, with no secret in its output or payloads", async () => {
    const exit = await stopAndScan();
    expect(exit).toEqual({ code: 0, signal: null });
    expect(app.parsedLogs().some((l) => l.msg === "stopped")).toBe(true);
    await waitUntil(() => socket.connections === 0, "the Socket Mode connection to close");
  });
});

/** Runs the app to its exit (asynchronously, so the fakes in this process keep answering). */
function runToExit(
  env: Record<string, string | undefined>,
  timeoutMs = 15_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [APP_ENTRY], { cwd: REPO_ROOT, env: cleanEnv(env), stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString("utf8")));
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve) => {
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("Socket Mode with an app token Slack rejects", () => {
  let result: { code: number | null; stdout: string; stderr: string };
  let fakes: { slack: FakeSlack; socket: FakeSocketMode; sourceDeploy: FakeSourceDeploy } | undefined;

  beforeAll(async () => {
    const sd = await startFakeSourceDeploy({ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY });
    const fakeSlack = await startFakeSlack();
    // The fake accepts only another token, so the app's apps.connections.open gets invalid_auth.
    const fakeSocket = await startFakeSocketMode(fakeSlack, { appToken: "xapp-1-A0DEPLOYHIST-9999-another-token" });
    fakes = { slack: fakeSlack, socket: fakeSocket, sourceDeploy: sd };
    result = await runToExit({ ...stackEnv(fakeSlack, sd), SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: TEST_APP_TOKEN });
  });

  afterAll(async () => {
    await Promise.all([fakes?.socket.close(), fakes?.slack.close(), fakes?.sourceDeploy.close()]);
  });

  it("exits 1 without a stack trace, never printing the token", () => {
    expect(fakes?.slack.calls("apps.connections.open")[0]?.error).toBe("invalid_auth");
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("invalid_auth");
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(`${result.stdout}${result.stderr}`).not.toContain(TEST_APP_TOKEN);
  });

  it("says which token to fix, as it does for a rejected bot token", () => {
    expect(result.stderr).toContain("SLACK_APP_TOKEN");
  });
});

/**
 * Faults end to end: the built app against the fakes, one stack for the file. For every upstream or
 * Slack fault the user sees one clear message (or, for an unfurl, nothing), the log has exactly one
 * warn/error line with the reason, and the process keeps serving. Every case uses a fresh history id
 * and path-scoped faults, because finished histories are cached.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RecordedCall } from "../fakes/slack-fake.js";
import type { Fault } from "../fakes/sourcedeploy-fake.js";
import { messageProblems } from "../support/block-kit.js";
import { readFixture } from "../support/fixtures.js";
import {
  appMentionEvent,
  eventBody,
  JSON_TYPE,
  linkSharedEvent,
  nowSeconds,
  type Stack,
  signSlackRequest,
  slashCommandBody,
  startApp,
  startStack,
  TEST_APP_TOKEN,
  TEST_BOT_TOKEN,
  TEST_SECRET_KEY,
  TEST_SIGNING_SECRET,
} from "./harness.js";
import { findLeaks, logTexts, SecretLeakError, secretsOf, slackCallTexts, sourceDeployRequestTexts } from "./secrets.js";

const fixture = (name: string): Record<string, unknown> => readFixture<Record<string, unknown>>(name);

type LogLine = Record<string, unknown>;
type Reply = { text: string; blocks: unknown[] };

const PROJECT = "41027";
const MESSAGES = {
  unavailable: /^⚠️ SourceDeploy is unavailable right now; please try again later\.$/,
  rateLimited: /^⚠️ SourceDeploy is receiving too many requests right now; please try again in a minute\.$/,
  slow: /^⚠️ SourceDeploy is slow right now, try again\.$/,
  unreadable: /^⚠️ SourceDeploy sent a response I couldn't read\.$/,
};

let stack: Stack;
let counter = 0;
let freshId = 951_000;

const allText = (value: unknown) => JSON.stringify(value);

/** A finished history under a new id (a copy of server-fail.json, optionally changed). */
function freshHistory(change: (body: Record<string, unknown>) => void = () => undefined): string {
  const id = String(++freshId);
  const body = { ...fixture("server-fail.json"), id: Number(id) };
  change(body);
  stack.sourceDeploy.setHistory(PROJECT, id, body);
  return id;
}

const historyPath = (id: string) => new RegExp(`/project/${PROJECT}/history/${id}$`);
const upstreamRequests = (id: string) => stack.sourceDeploy.requests.filter((r) => historyPath(id).test(r.path));

function queue(id: string, fault: Fault, times: number): void {
  stack.sourceDeploy.queueFault(...Array.from({ length: times }, () => ({ ...fault, path: historyPath(id) })));
}

/** Posts a signed slash command and waits until the app has handled it; returns its response_url post. */
async function command(text: string) {
  const id = `fault-cmd-${++counter}`;
  const res = await stack.app.handled(() => stack.app.postSigned(slashCommandBody({ text, responseUrl: stack.slack.responseUrl(id) })));
  const [post] = await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id);
  return { id, res, body: post!.body as Reply };
}

const responsePosts = (id: string) => stack.slack.calls("response_url").filter((c) => c.id === id);
const isProblem = (line: LogLine) => line.level === "warn" || line.level === "error" || line.level === "fatal";
const mentions = (line: LogLine, needle: string) => new RegExp(`\\b${needle}\\b`).test(JSON.stringify(line));
const problemLinesAbout = (needle: string) => stack.app.parsedLogs().filter((l) => isProblem(l) && mentions(l, needle));
const problemLinesSince = (mark: number) => stack.app.parsedLogs().slice(mark).filter(isProblem);
const errCode = (line: LogLine | undefined) => (line?.err as { code?: unknown } | undefined)?.code;

async function expectStillServing(): Promise<void> {
  expect((await stack.app.get("/healthz")).status).toBe(200);
}

/** An index into the app's log lines: only lines after it belong to the case that took it. */
const logMark = () => stack.app.parsedLogs().length;

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  if (!stack) return;
  const logs = stack.app.parsedLogs();
  const exit = await stack.stop();
  expect(logs.filter((l) => l.msg === "unhandled rejection")).toEqual([]);
  expect(logs.filter((l) => l.level === "fatal" || l.level === 60)).toEqual([]);
  expect(exit).toEqual({ code: 0, signal: null });
});

beforeEach(() => {
  stack.sourceDeploy.clearFaults();
});

describe("upstream faults answer a slash command with one specific message and one log line", () => {
  const status = (code: number, headers?: Record<string, string>): Fault => ({
    kind: "status",
    status: code,
    ...(headers ? { headers } : {}),
  });

  it.each([
    ["HTTP 500 (not retried)", status(500), 1, MESSAGES.unavailable, "unavailable"],
    ["HTTP 502, retried twice", status(502), 3, MESSAGES.unavailable, "unavailable"],
    ["HTTP 503, retried twice", status(503), 3, MESSAGES.unavailable, "unavailable"],
    ["HTTP 504, retried twice", status(504), 3, MESSAGES.unavailable, "unavailable"],
    ["429 without Retry-After, three times", status(429), 3, MESSAGES.rateLimited, "rate_limited"],
    ["a connection reset, three times", { kind: "reset" } as Fault, 3, MESSAGES.unavailable, "unavailable"],
    ["truncated JSON, three times", { kind: "truncated" } as Fault, 3, MESSAGES.unavailable, "unavailable"],
    ["a 20 MB body", { kind: "huge", bytes: 20_000_000 } as Fault, 1, MESSAGES.unreadable, "invalid_response"],
  ])("%s", async (_name, fault, times, message, code) => {
    const id = freshHistory();
    queue(id, fault, times);
    const { id: postId, body } = await command(`${PROJECT} ${id}`);
    expect(body.text).toMatch(message);
    expect(allText(body.blocks)).not.toMatch(/at .*\.js:\d+|Error:/);
    const lines = problemLinesAbout(id);
    expect(lines).toHaveLength(1);
    expect(errCode(lines[0])).toBe(code);
    expect(responsePosts(postId)).toHaveLength(1);
    expect(upstreamRequests(id)).toHaveLength(times);
    await expectStillServing();
  });

  it("429 with Retry-After: 1 waits a second, then the user gets the history", async () => {
    const id = freshHistory();
    queue(id, status(429, { "retry-after": "1" }), 1);
    const { id: postId, body } = await command(`${PROJECT} ${id}`);
    expect(body.text).toContain(id);
    expect(allText(body.blocks)).toContain("web-02");
    expect(messageProblems(body)).toEqual([]);
    const [first, second, ...rest] = upstreamRequests(id);
    expect(rest).toHaveLength(0);
    expect(second!.time - first!.time).toBeGreaterThanOrEqual(1000);
    expect(problemLinesAbout(id)).toEqual([]);
    expect(responsePosts(postId)).toHaveLength(1);
    await expectStillServing();
  });

  it("a 30-second stall answers 'slow' at the client deadline, long before the stall ends", async () => {
    const id = freshHistory();
    stack.sourceDeploy.setFault({ kind: "delay", ms: 30_000, path: historyPath(id) });
    const { id: postId, res, body } = await command(`${PROJECT} ${id}`);
    stack.sourceDeploy.setFault(undefined);
    expect(res.status).toBe(200);
    expect(body.text).toMatch(MESSAGES.slow);
    const lines = problemLinesAbout(id);
    expect(lines).toHaveLength(1);
    expect(errCode(lines[0])).toBe("timeout");
    expect(responsePosts(postId)).toHaveLength(1);
    await expectStillServing();
  });
});

describe("a changed upstream schema", () => {
  const configOf = (body: Record<string, unknown>) => (body.config as Record<string, unknown>[])[0]!;

  async function expectRendered(id: string): Promise<Reply> {
    const { id: postId, body } = await command(`${PROJECT} ${id}`);
    expect(body.text).toContain(id);
    expect(messageProblems(body)).toEqual([]);
    expect(problemLinesAbout(id)).toEqual([]);
    expect(responsePosts(postId)).toHaveLength(1);
    return body;
  }

  it("renders a body with unknown extra fields everywhere", async () => {
    const id = freshHistory((body) => {
      body.rollback = { enabled: true, reason: "new in v2" };
      body.labels = ["a", "b"];
      configOf(body).canaryConfig = { steps: [10, 50, 100] };
      const targets = configOf(body).targets as Record<string, unknown>[];
      targets[0]!.agentVersion = "2.1.0";
      (targets[0]!.step as Record<string, unknown>).verify = "success";
    });
    const body = await expectRendered(id);
    for (const server of ["web-01", "web-02", "web-03"]) expect(allText(body.blocks)).toContain(server);
  });

  it("renders a body without config, with no target sections", async () => {
    const id = freshHistory((body) => delete body.config);
    const body = await expectRendered(id);
    expect(allText(body.blocks)).not.toMatch(/web-0\d/);
  });

  it("renders a body whose targets are null", async () => {
    const id = freshHistory((body) => (configOf(body).targets = null));
    const body = await expectRendered(id);
    expect(allText(body.blocks)).not.toMatch(/web-0\d/);
  });

  it("answers a body without an id with 'couldn't read' and one log line", async () => {
    const id = freshHistory((body) => delete body.id);
    const { id: postId, body } = await command(`${PROJECT} ${id}`);
    expect(body.text).toMatch(MESSAGES.unreadable);
    const lines = problemLinesAbout(id);
    expect(lines).toHaveLength(1);
    expect(errCode(lines[0])).toBe("invalid_response");
    expect(responsePosts(postId)).toHaveLength(1);
    await expectStillServing();
  });
});

describe("Slack Web API faults", () => {
  let mentionTs = 1_700_050_000;

  function mentionBody(text: string, eventId?: string): { ts: string; body: string } {
    const ts = `${++mentionTs}.000100`;
    return { ts, body: eventBody(appMentionEvent({ text: `<@UBOT> ${text}`, ts, channel: "C0FAULTS" }), eventId ? { eventId } : {}) };
  }
  /** Posts a mention and waits until the app has handled it. */
  async function mention(text: string): Promise<{ ts: string }> {
    const { ts, body } = mentionBody(text);
    expect((await stack.app.handled(() => stack.app.postSigned(body, JSON_TYPE))).status).toBe(200);
    return { ts };
  }
  const repliesTo = (ts: string) => stack.slack.calls("chat.postMessage").filter((c) => c.body.thread_ts === ts);
  const delivered = (calls: RecordedCall[]) => calls.filter((c) => c.status === 200 && c.error === undefined);

  it("a rate-limited chat.postMessage (HTTP 429, Retry-After: 1) still delivers the reply once, after the wait", async () => {
    stack.slack.rateLimitNext("chat.postMessage", 1);
    const { ts } = await mention("help");
    const calls = repliesTo(ts);
    const limited = calls.filter((c) => c.status === 429);
    expect(limited).toHaveLength(1);
    expect(delivered(calls)).toHaveLength(1);
    expect(delivered(calls)[0]!.time - limited[0]!.time).toBeGreaterThanOrEqual(1000);
    await expectStillServing();
  });

  it.each(["invalid_auth", "channel_not_found"])(
    "chat.postMessage failing with %s: no crash, one warn line with the Slack error",
    async (error) => {
      const mark = logMark();
      stack.slack.failNext("chat.postMessage", { error });
      const { ts } = await mention("help");
      const lines = problemLinesSince(mark);
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: "warn", err: { slackError: error } });
      expect(repliesTo(ts)).toHaveLength(1);
      await expectStillServing();
    },
  );

  it("an expired response_url (404) for a slash command: one warn line, no crash", async () => {
    const mark = logMark();
    const id = `fault-expired-${++counter}`;
    stack.slack.expireResponseUrl(id);
    await stack.app.handled(() => stack.app.postSigned(slashCommandBody({ text: "help", responseUrl: stack.slack.responseUrl(id) })));
    const [post] = await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id);
    expect(post!.status).toBe(404);
    const lines = problemLinesSince(mark);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: "warn", send: "respond" });
    expect(responsePosts(id)).toHaveLength(1);
    await expectStillServing();
  });

  it("a response_url answering 429 once (Retry-After: 1): the reply is posted again after the wait, no warn line", async () => {
    const mark = logMark();
    const id = `fault-limited-${++counter}`;
    stack.slack.rateLimitNext("response_url", 1);
    await stack.app.handled(() => stack.app.postSigned(slashCommandBody({ text: "help", responseUrl: stack.slack.responseUrl(id) })));
    const posts = responsePosts(id);
    expect(posts.map((p) => p.status)).toEqual([429, 200]);
    expect(posts[1]!.time - posts[0]!.time).toBeGreaterThanOrEqual(1000);
    expect(posts[1]!.body).toEqual(posts[0]!.body);
    expect(problemLinesSince(mark)).toEqual([]);
  });

  it("an event retried with X-Slack-Retry-Num: 1 (same event_id) gets no second reply", async () => {
    const { ts, body } = mentionBody("help", `Ev0FAULTRETRY${++counter}`);
    const retry = {
      ...signSlackRequest(body, TEST_SIGNING_SECRET, nowSeconds(), JSON_TYPE),
      "x-slack-retry-num": "1",
      "x-slack-retry-reason": "http_timeout",
    };
    // The app acks at once, so the retry arrives while the first delivery is still being answered.
    const answers = await stack.app.handled(
      async () => [await stack.app.postSigned(body, JSON_TYPE), await stack.app.post("/slack/events", body, retry)],
      2,
    );
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    expect(repliesTo(ts)).toHaveLength(1);
  });
});

describe("unfurls", () => {
  const link = (id: string) => `https://console.ncloud.com/sourcedeploy/project/${PROJECT}/history/${id}`;
  const unfurlsIn = (channel: string) => stack.slack.calls("chat.unfurl").filter((c) => c.body.channel === channel);

  it("a link whose history cannot be fetched (503 ×3) is not unfurled; one warn line", async () => {
    const id = freshHistory();
    queue(id, { kind: "status", status: 503 }, 3);
    const event = linkSharedEvent({
      channel: "C0UNFURLFAIL",
      messageTs: "1700060000.000100",
      links: [{ url: link(id), domain: "console.ncloud.com" }],
    });
    expect((await stack.app.handled(() => stack.app.postSigned(eventBody(event), JSON_TYPE))).status).toBe(200);
    const lines = problemLinesAbout(id);
    expect(lines).toHaveLength(1);
    expect(errCode(lines[0])).toBe("unavailable");
    expect(unfurlsIn("C0UNFURLFAIL")).toHaveLength(0);
    await expectStillServing();
  });

  it("100 concurrent unfurls of one never-fetched finished history: 1 upstream request, 100 chat.unfurl calls", async () => {
    const id = freshHistory();
    const channel = "C0MANYUNFURLS";
    const events = Array.from({ length: 100 }, (_, i) =>
      eventBody(
        linkSharedEvent({
          channel,
          messageTs: `1700070000.${String(i).padStart(6, "0")}`,
          links: [{ url: link(id), domain: "console.ncloud.com" }],
        }),
      ),
    );
    const answers = await stack.app.handled(
      () => Promise.all(events.map((body) => stack.app.postSigned(body, JSON_TYPE))),
      events.length,
      30_000,
    );
    expect(answers.map((a) => a.status)).toEqual(events.map(() => 200));
    const calls = unfurlsIn(channel);
    expect(calls).toHaveLength(100);
    expect(new Set(calls.map((c) => c.body.ts)).size).toBe(100);
    for (const call of calls) expect(Object.keys(call.body.unfurls as object)).toEqual([link(id)]);
    expect(upstreamRequests(id)).toHaveLength(1);
    await expectStillServing();
  }, 40_000);
});

describe("the secrets scan every e2e stack runs when it stops", () => {
  const secrets = secretsOf({});

  it("finds a secret in a leaking log line, names it and masks it in the excerpt", () => {
    const lines = ['{"level":"info","msg":"started"}', `{"level":"warn","msg":"upstream failed","key":"${TEST_SECRET_KEY}"}`];
    const leaks = findLeaks(logTexts(lines), secrets);
    expect(leaks).toEqual([
      { secret: "TEST_SECRET_KEY", where: "app output line 2", excerpt: expect.stringContaining("«TEST_SECRET_KEY»") },
    ]);
    expect(leaks[0]!.excerpt).not.toContain(TEST_SECRET_KEY);
    expect(findLeaks(logTexts([`token=${TEST_APP_TOKEN}`, `sig ${TEST_SIGNING_SECRET}`]), secrets).map((l) => l.secret)).toEqual([
      "TEST_APP_TOKEN",
      "TEST_SIGNING_SECRET",
    ]);
    expect(findLeaks(logTexts(['{"msg":"token [redacted]"}']), secrets)).toEqual([]);
  });

  it("scans Slack bodies and response_url headers, but not Web API headers nor auth.test's token field", () => {
    const call = (method: string, body: Record<string, unknown>, headers: Record<string, string> = {}): RecordedCall => ({
      method,
      body,
      headers,
      time: 0,
      status: 200,
    });
    const bearer = { authorization: `Bearer ${TEST_BOT_TOKEN}` };
    expect(
      findLeaks(
        slackCallTexts([call("auth.test", { token: TEST_BOT_TOKEN }, bearer), call("chat.postMessage", { text: "hi" }, bearer)]),
        secrets,
      ),
    ).toEqual([]);
    const leaking = [
      call("chat.postMessage", { token: TEST_BOT_TOKEN }),
      call("response_url", { text: "ok" }, bearer),
      call("auth.test", { team: TEST_SECRET_KEY }),
    ];
    expect(findLeaks(slackCallTexts(leaking), secrets).map((l) => `${l.secret} ${l.where}`)).toEqual([
      "TEST_BOT_TOKEN slack chat.postMessage body",
      "TEST_BOT_TOKEN response_url ? headers",
      "TEST_SECRET_KEY slack auth.test body",
    ]);
  });

  it("scans SourceDeploy paths and headers except the signature, access-key and timestamp headers", () => {
    const request = (path: string, headers: Record<string, string>) => ({ method: "GET", path, headers, time: 0, authOk: true });
    const clean = request("/api/v1/project/1/history/2", {
      "x-ncp-apigw-signature-v2": TEST_SECRET_KEY,
      "x-ncp-iam-access-key": "AK",
      "x-ncp-apigw-timestamp": "1",
    });
    expect(findLeaks(sourceDeployRequestTexts([clean]), secrets)).toEqual([]);
    const leaking = [
      request(`/api/v1/project?projectName=${TEST_SECRET_KEY}`, {}),
      request("/api/v1/project", { "x-debug": TEST_SIGNING_SECRET }),
    ];
    expect(findLeaks(sourceDeployRequestTexts(leaking), secrets).map((l) => l.secret)).toEqual(["TEST_SECRET_KEY", "TEST_SIGNING_SECRET"]);
  });

  it("also looks for the secret values an app was started with, ignoring values too short to be distinctive", () => {
    const env = { SLACK_BOT_TOKEN: "xoxb-custom-token-42", SLACK_SIGNING_SECRET: "s", NCP_SECRET_KEY: TEST_SECRET_KEY, LOCALE: "en" };
    expect(secretsOf(env).map((s) => s.name)).toEqual([
      "TEST_SECRET_KEY",
      "TEST_BOT_TOKEN",
      "TEST_SIGNING_SECRET",
      "TEST_APP_TOKEN",
      "TEST_ACCESS_KEY",
      "SLACK_BOT_TOKEN",
    ]);
    expect(findLeaks(logTexts(["says xoxb-custom-token-42", "s s s"]), secretsOf(env)).map((l) => l.secret)).toEqual(["SLACK_BOT_TOKEN"]);
  });

  describe("wired into the harness", () => {
    // A stand-in for the app: serves /healthz, then leaks what LEAK says (a log line or a Slack call).
    const LEAKY_APP = `
      import http from "node:http";
      const server = http.createServer((req, res) => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
      server.listen(Number(process.env.PORT), "127.0.0.1", async () => {
        if (process.env.LEAK === "log") console.log(JSON.stringify({ level: "warn", msg: "oops " + process.env.NCP_SECRET_KEY }));
        if (process.env.LEAK === "slack") {
          await fetch(process.env.SLACK_API_URL + "chat.postMessage", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ channel: "C1", text: "oops " + process.env.SLACK_SIGNING_SECRET }) });
        }
      });
      process.on("SIGTERM", () => server.close(() => process.exit(0)));
    `;
    let dir: string;
    let entry: string;
    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), "deploy-history-leaky-"));
      entry = join(dir, "leaky-app.mjs");
      writeFileSync(entry, LEAKY_APP);
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("RunningApp.stop() fails when the app logged a secret, and passes when it did not", async () => {
      const leaky = await startApp({ env: { NCP_SECRET_KEY: TEST_SECRET_KEY, LEAK: "log" }, entry });
      await leaky.waitForLog((l) => l.msg !== undefined);
      const failure = await leaky.stop().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SecretLeakError);
      expect((failure as SecretLeakError).leaks.map((l) => l.secret)).toEqual(["TEST_SECRET_KEY"]);
      expect((failure as Error).message).not.toContain(TEST_SECRET_KEY);

      const quiet = await startApp({ env: { NCP_SECRET_KEY: TEST_SECRET_KEY }, entry });
      await expect(quiet.stop()).resolves.toEqual({ code: 0, signal: null });
    });

    it("Stack.stop() fails when a secret reached the fake Slack, even after slack.reset()", async () => {
      const leaky = await startStack({ entry, env: { LEAK: "slack" } });
      await leaky.slack.waitFor("chat.postMessage");
      leaky.slack.reset();
      const failure = await leaky.stop().catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(SecretLeakError);
      expect((failure as SecretLeakError).leaks).toEqual([
        expect.objectContaining({ secret: "TEST_SIGNING_SECRET", where: "slack chat.postMessage body" }),
      ]);
    });
  });
});

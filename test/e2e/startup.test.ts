/** Start-up, demo mode and shutdown of the real entry point (dist/server.mjs, as `npm start` runs it). */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "../fakes/slack-fake.js";
import { waitUntil } from "../support/wait.js";
import {
  APP_ENTRY,
  cleanEnv,
  REPO_ROOT,
  type RunningApp,
  slashCommandBody,
  startApp,
  TEST_ACCESS_KEY,
  TEST_BOT_TOKEN,
  TEST_SECRET_KEY,
  TEST_SIGNING_SECRET,
} from "./harness.js";

function runMain(env: Record<string, string>) {
  return spawnSync(process.execPath, [join(REPO_ROOT, APP_ENTRY)], {
    cwd: REPO_ROOT,
    env: cleanEnv(env),
    encoding: "utf8",
    timeout: 10_000,
  });
}

describe("start-up without Slack tokens", () => {
  it("exits non-zero with a checklist, not a stack trace", () => {
    const result = runMain({});
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("SLACK_BOT_TOKEN");
    expect(result.stderr).toContain("SLACK_SIGNING_SECRET");
    expect(result.stderr).toContain("manifest.yml");
    expect(result.stderr).toContain("SLACK_APP_TOKEN");
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });

  it.each([
    ["NCP_SECRET_KEY", "ncp secret with a space"],
    ["SOURCEDEPLOY_API_URL", "http://user:pw@127.0.0.1:9/api/v1"],
    ["SOURCEDEPLOY_API_URL", "http://127.0.0.1:9/api/v1?x=1"],
  ])("finding 12: a bad %s exits 1 naming it, never 0 after an unhandled rejection", (variable, value) => {
    const env = { SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, NCP_ACCESS_KEY: TEST_ACCESS_KEY };
    const result = runMain({ ...env, NCP_SECRET_KEY: TEST_SECRET_KEY, [variable]: value });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(variable);
    expect(`${result.stdout}${result.stderr}`).not.toContain(value);
    expect(`${result.stdout}${result.stderr}`).not.toContain("unhandled rejection");
  });

  it("names every bad variable and never prints a secret's value", () => {
    const result = runMain({ SLACK_BOT_TOKEN: "not-a-bot-token-SECRET", NCP_SECRET_KEY: "ncp-secret-VALUE", LOCALE: "fr" });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/SLACK_BOT_TOKEN[\s\S]*NCP_ACCESS_KEY|NCP_ACCESS_KEY[\s\S]*SLACK_BOT_TOKEN/);
    expect(result.stderr).toContain("LOCALE");
    expect(result.stderr).not.toContain("not-a-bot-token-SECRET");
    expect(result.stderr).not.toContain("ncp-secret-VALUE");
  });
});

describe("demo mode (no NCP keys)", () => {
  let slack: FakeSlack;
  let app: RunningApp;
  beforeAll(async () => {
    slack = await startFakeSlack();
    app = await startApp({
      env: { SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, SLACK_API_URL: `${slack.apiUrl}/`, LOCALE: "en" },
    });
  });
  afterAll(async () => {
    await slack.close();
  });

  it("logs one start line with mode, port, locale, endpoint and 'demo data'", () => {
    const start = app.parsedLogs().find((l) => typeof l.msg === "string" && l.msg.startsWith("deploy-history started"));
    expect(start).toMatchObject({ mode: "http", port: app.port, locale: "en", sourceDeploy: "demo data" });
  });

  it.each([
    ["41027", "903344", "web-02"],
    ["41027", "904611", "web-04"],
    ["41027", "903501", "shop-api-green-7f3a"],
    ["41100", "904120", "catalog-svc"],
    ["41152", "904388", "storefront-web"],
  ])("answers the README's sample %s %s", async (projectId, historyId, expected) => {
    const id = `demo-${projectId}-${historyId}`;
    await app.postSigned(slashCommandBody({ text: `${projectId} ${historyId}`, responseUrl: slack.responseUrl(id) }));
    const [post] = await slack.waitFor((c) => c.method === "response_url" && c.id === id);
    const json = JSON.stringify(post!.body);
    expect(json).toContain(historyId);
    expect(json).toContain(expected);
    expect(json.toLowerCase()).toContain("demo");
  });

  it("reports demo mode on /healthz and stops with exit 0 on SIGTERM", async () => {
    const health = await app.get("/healthz");
    expect(health.json).toMatchObject({ status: "ok", mode: "http", demo: true });
    expect(await app.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    expect(app.parsedLogs().some((l) => l.msg === "stopped")).toBe(true);
  });
});

describe("the NCP access key in logs", () => {
  it("issue 10: the start-up line names the access key only redacted, and no line holds the whole key", async () => {
    const { startStack } = await import("./harness.js");
    const stack = await startStack();
    try {
      const start = await stack.app.waitForLog((l) => typeof l.msg === "string" && l.msg.startsWith("deploy-history started"));
      expect(start).toMatchObject({ accessKey: `${TEST_ACCESS_KEY.slice(0, 4)}…` });
      expect(stack.app.logs.filter((line) => line.includes(TEST_ACCESS_KEY))).toEqual([]);
    } finally {
      await stack.stop();
    }
  });
});

describe("graceful shutdown", () => {
  it("finishes an answer in flight when SIGTERM arrives, then exits 0", async () => {
    const { startStack } = await import("./harness.js");
    const stack = await startStack();
    try {
      stack.sourceDeploy.setFault({ kind: "delay", ms: 800 });
      const res = await stack.app.postSigned(slashCommandBody({ text: "41027 903344", responseUrl: stack.slack.responseUrl("inflight") }));
      expect(res.status).toBe(200);
      await waitUntil(() => stack.sourceDeploy.requests.length > 0, "the answer's upstream request (held 800 ms) to be in flight");
      const exit = await stack.app.stop("SIGTERM");
      expect(exit).toEqual({ code: 0, signal: null });
      expect(stack.slack.calls("response_url").filter((c) => c.id === "inflight")).toHaveLength(1);
    } finally {
      await stack.stop();
    }
  });

  it("finding 13: answers a command whose upstream stalls with 'interrupted' on SIGTERM, then exits 0", async () => {
    const { startStack } = await import("./harness.js");
    // The client's deadline is longer than the grace, so only the shutdown can end the answer.
    const stack = await startStack({ env: { SOURCEDEPLOY_TIMEOUT_MS: "60000" } });
    try {
      stack.sourceDeploy.setFault({ kind: "delay", ms: 60_000 });
      const res = await stack.app.postSigned(slashCommandBody({ text: "41027 903344", responseUrl: stack.slack.responseUrl("stalled") }));
      expect(res.status).toBe(200);
      await waitUntil(() => stack.sourceDeploy.requests.length > 0, "the answer's upstream request (stalled) to be in flight");
      const signalled = Date.now();
      const exit = await stack.app.stop("SIGTERM");
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(15_000);
      const answers = stack.slack.calls("response_url").filter((c) => c.id === "stalled");
      expect(answers).toHaveLength(1);
      expect(answers[0]!.body).toMatchObject({ response_type: "ephemeral" });
      expect(JSON.stringify(answers[0]!.body)).toContain("interrupted");
    } finally {
      await stack.stop();
    }
  });
});

import { createHmac } from "node:crypto";
import { existsSync } from "node:fs";
import http from "node:http";
import { isValidSlackRequest, verifySlackRequest } from "@slack/bolt";
import { WebClient } from "@slack/web-api";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { decodeBody, type FakeSlack, startFakeSlack } from "../fakes/slack-fake.js";
import {
  APP_ENTRY,
  blockActionBody,
  cleanEnv,
  eventBody,
  freePort,
  linkSharedEvent,
  parseLogLines,
  REPO_ROOT,
  signSlackRequest,
  slashCommandBody,
  startApp,
  startStack,
  TEST_BOT_TOKEN,
  TEST_SECRET_KEY,
  TEST_SIGNING_SECRET,
  urlVerificationBody,
} from "./harness.js";

describe("signSlackRequest", () => {
  const body = "token=x&text=123%20456";

  it("matches an independently computed v0 HMAC-SHA256", () => {
    const headers = signSlackRequest(body, "s3cret", 1_700_000_000);
    const expected = createHmac("sha256", "s3cret").update("v0:1700000000:token=x&text=123%20456").digest("hex");
    expect(headers["x-slack-signature"]).toBe(`v0=${expected}`);
    expect(headers["x-slack-request-timestamp"]).toBe("1700000000");
    expect(headers["content-type"]).toBe("application/x-www-form-urlencoded");
  });

  it("is accepted by Bolt's own verifier, and rejected for another secret or a changed body", () => {
    const ts = Math.floor(Date.now() / 1000);
    const headers = signSlackRequest(body, TEST_SIGNING_SECRET, ts);
    const verify = (secret: string, b: string) => ({
      signingSecret: secret,
      body: b,
      headers: { "x-slack-signature": headers["x-slack-signature"], "x-slack-request-timestamp": ts },
    });
    expect(() => verifySlackRequest(verify(TEST_SIGNING_SECRET, body))).not.toThrow();
    expect(isValidSlackRequest(verify("other-secret", body))).toBe(false);
    expect(isValidSlackRequest(verify(TEST_SIGNING_SECRET, `${body}&x=1`))).toBe(false);
  });

  it("defaults the timestamp to now, in seconds", () => {
    vi.useFakeTimers({ now: Date.parse("2026-03-08T10:00:00.900Z"), toFake: ["Date"] });
    try {
      expect(signSlackRequest(body, "s")["x-slack-request-timestamp"]).toBe(String(Date.parse("2026-03-08T10:00:00Z") / 1000));
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("payload builders", () => {
  it("slashCommandBody is form-encoded with the fields Slack sends", () => {
    const form = new URLSearchParams(
      slashCommandBody({ text: "12 345 & <x>", responseUrl: "http://127.0.0.1:1/response/a", userId: "U1", channelId: "C1", teamId: "T1" }),
    );
    expect(Object.fromEntries(form)).toMatchObject({
      command: "/deploy-history",
      text: "12 345 & <x>",
      response_url: "http://127.0.0.1:1/response/a",
      user_id: "U1",
      channel_id: "C1",
      team_id: "T1",
    });
    for (const key of ["token", "team_domain", "channel_name", "user_name", "api_app_id", "trigger_id"]) expect(form.get(key)).toBeTruthy();
  });

  it("eventBody wraps an event in an event_callback envelope with unique event ids", () => {
    const event = linkSharedEvent({
      links: [{ url: "https://console.ncloud.com/x", domain: "console.ncloud.com" }],
      channel: "COMPOSER",
      messageTs: "U1-abc",
      source: "composer",
      unfurlId: "UF1",
    });
    const a = JSON.parse(eventBody(event, { teamId: "T9" })) as Record<string, unknown>;
    const b = JSON.parse(eventBody(event)) as Record<string, unknown>;
    expect(a).toMatchObject({
      type: "event_callback",
      team_id: "T9",
      event: { type: "link_shared", channel: "COMPOSER", message_ts: "U1-abc", source: "composer", unfurl_id: "UF1" },
    });
    expect(a.event_id).not.toBe(b.event_id);
    expect(JSON.parse(eventBody(event, { eventId: "Ev1" }))).toMatchObject({ event_id: "Ev1" });
    expect(JSON.parse(urlVerificationBody("chal"))).toEqual({ token: expect.any(String), challenge: "chal", type: "url_verification" });
  });

  it("blockActionBody sends payload=<json> for a message or a view container", () => {
    const onMessage = JSON.parse(
      new URLSearchParams(
        blockActionBody({ actionId: "refresh", value: "1:2", responseUrl: "http://r", channelId: "C1", messageTs: "1.2" }),
      ).get("payload") ?? "",
    );
    expect(onMessage).toMatchObject({
      type: "block_actions",
      container: { type: "message", channel_id: "C1", message_ts: "1.2" },
      channel: { id: "C1" },
      message: { ts: "1.2" },
      response_url: "http://r",
      actions: [{ action_id: "refresh", value: "1:2", type: "button" }],
    });
    const inModal = JSON.parse(
      new URLSearchParams(blockActionBody({ actionId: "more", viewId: "V1", privateMetadata: '{"p":1}' })).get("payload") ?? "",
    );
    expect(inModal).toMatchObject({ container: { type: "view", view_id: "V1" }, view: { id: "V1", private_metadata: '{"p":1}' } });
    expect(inModal).not.toHaveProperty("channel");
  });
});

describe("fake Slack", () => {
  let slack: FakeSlack;
  let client: WebClient;
  beforeEach(async () => {
    slack = await startFakeSlack();
    client = new WebClient(TEST_BOT_TOKEN, { slackApiUrl: `${slack.apiUrl}/`, retryConfig: { retries: 0 } });
  });
  afterEach(async () => {
    await slack.close();
  });

  it("listens on 127.0.0.1 only", () => {
    expect(new URL(slack.apiUrl).hostname).toBe("127.0.0.1");
  });

  it("answers auth.test like a bot installation", async () => {
    const res = await client.auth.test();
    expect(res).toMatchObject({ ok: true, user_id: "UBOT", bot_id: "BBOT", team_id: "T0TEST" });
  });

  it("decodes a WebClient form body, JSON-valued fields back to objects", async () => {
    const blocks = [{ type: "section", text: { type: "mrkdwn", text: "*hi*" } }];
    const res = await client.chat.postMessage({ channel: "C1", text: "[not json] hi", blocks, thread_ts: "1.1" });
    expect(res).toMatchObject({ ok: true, channel: "C1", ts: expect.stringMatching(/^\d+\.\d+$/) });
    const [call] = slack.calls("chat.postMessage");
    expect(call?.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    expect(call?.headers.authorization).toBe(`Bearer ${TEST_BOT_TOKEN}`);
    expect(call?.body).toMatchObject({ channel: "C1", text: "[not json] hi", blocks, thread_ts: "1.1" });
  });

  it("decodes chat.unfurl's unfurls and views.open's view", async () => {
    const unfurls = { "https://x/1": { blocks: [{ type: "divider" }] } };
    await client.chat.unfurl({ channel: "C1", ts: "1.2", unfurls });
    const view = { type: "modal" as const, title: { type: "plain_text" as const, text: "T" }, blocks: [] };
    const opened = await client.views.open({ trigger_id: "t", view });
    expect(slack.calls("chat.unfurl")[0]?.body.unfurls).toEqual(unfurls);
    expect(slack.calls("views.open")[0]?.body.view).toEqual(view);
    expect(opened.view?.id).toMatch(/^V/);
  });

  it("decodes JSON bodies", async () => {
    const res = await fetch(`${slack.apiUrl}/chat.postEphemeral`, {
      method: "POST",
      headers: { "content-type": "application/json; charset=utf-8" },
      body: JSON.stringify({ channel: "C2", user: "U1", text: "t", blocks: [{ type: "divider" }] }),
    });
    expect(await res.json()).toMatchObject({ ok: true, message_ts: expect.any(String) });
    expect(slack.calls("chat.postEphemeral")[0]?.body).toEqual({ channel: "C2", user: "U1", text: "t", blocks: [{ type: "divider" }] });
  });

  it("answers the other supported methods and unknown_method for the rest", async () => {
    await expect(client.chat.update({ channel: "C1", ts: "1.5", text: "x" })).resolves.toMatchObject({ ok: true, ts: "1.5" });
    await expect(
      client.views.update({ view_id: "V9", view: { type: "modal", title: { type: "plain_text", text: "T" }, blocks: [] } }),
    ).resolves.toMatchObject({
      view: { id: "V9" },
    });
    await expect(client.conversations.info({ channel: "C7" })).resolves.toMatchObject({
      channel: { id: "C7", is_shared: false, is_ext_shared: false },
    });
    await expect(client.users.info({ user: "U1" })).rejects.toMatchObject({ data: { ok: false, error: "unknown_method" } });
    expect(slack.calls().map((c) => c.method)).toEqual(["chat.update", "views.update", "conversations.info", "users.info"]);
  });

  it("failNext fails only the next call of that method", async () => {
    slack.failNext("chat.unfurl", { error: "cannot_unfurl_url" });
    slack.failNext("chat.unfurl", { error: "invalid_auth" });
    const unfurl = () => client.chat.unfurl({ channel: "C1", ts: "1.2", unfurls: {} });
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
    await expect(unfurl()).rejects.toMatchObject({ data: { error: "cannot_unfurl_url" } });
    await expect(unfurl()).rejects.toMatchObject({ data: { error: "invalid_auth" } });
    await expect(unfurl()).resolves.toMatchObject({ ok: true });
    expect(slack.calls("chat.unfurl").map((c) => c.error ?? "ok")).toEqual(["cannot_unfurl_url", "invalid_auth", "ok"]);
  });

  it("rateLimitNext answers 429 with Retry-After, then recovers", async () => {
    slack.rateLimitNext("chat.postMessage", 7);
    const limited = new WebClient(TEST_BOT_TOKEN, { slackApiUrl: `${slack.apiUrl}/`, rejectRateLimitedCalls: true });
    await expect(limited.chat.postMessage({ channel: "C1", text: "x" })).rejects.toMatchObject({
      code: "slack_webapi_rate_limited_error",
      retryAfter: 7,
    });
    await expect(limited.chat.postMessage({ channel: "C1", text: "x" })).resolves.toMatchObject({ ok: true });
    expect(slack.calls("chat.postMessage").map((c) => c.status)).toEqual([429, 200]);
  });

  it("records response_url posts by id, and answers 404 once expired", async () => {
    const post = (id: string, body: unknown) =>
      fetch(slack.responseUrl(id), { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const ok = await post("abc", { response_type: "ephemeral", text: "hi", replace_original: false });
    expect(ok.status).toBe(200);
    slack.expireResponseUrl("old");
    const gone = await post("old", { text: "late" });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toMatchObject({ ok: false, error: "expired_url" });
    expect(slack.calls("response_url")).toMatchObject([
      { method: "response_url", id: "abc", body: { response_type: "ephemeral", text: "hi", replace_original: false }, status: 200 },
      { method: "response_url", id: "old", status: 404 },
    ]);
  });

  it("waitFor resolves when a matching call arrives later", async () => {
    const waiting = slack.waitFor((c) => c.method === "chat.postMessage" && c.body.channel === "C3");
    await client.chat.postMessage({ channel: "C2", text: "no" });
    setTimeout(() => void client.chat.postMessage({ channel: "C3", text: "yes" }), 20);
    const calls = await waiting;
    expect(calls.map((c) => c.body.text)).toEqual(["yes"]);
    await expect(slack.waitFor("chat.postMessage", 10)).resolves.toHaveLength(2);
  });

  it("waitFor rejects cleanly on timeout, naming what it saw but not the token", async () => {
    await client.auth.test();
    const error = await slack.waitFor("chat.unfurl", 50).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/timed out after 50 ms.*chat\.unfurl.*auth\.test/);
    expect((error as Error).message).not.toContain("xoxb-");
  });

  it("reset forgets calls and queued faults", async () => {
    slack.failNext("auth.test", { error: "invalid_auth" });
    await client.chat.postMessage({ channel: "C1", text: "x" });
    slack.reset();
    expect(slack.calls()).toEqual([]);
    await expect(client.auth.test()).resolves.toMatchObject({ ok: true });
  });

  it("respondWith overrides a method's success answer", async () => {
    slack.respondWith("conversations.info", (call) => ({ channel: { id: call.body.channel, is_ext_shared: true } }));
    await expect(client.conversations.info({ channel: "C5" })).resolves.toMatchObject({
      ok: true,
      channel: { id: "C5", is_ext_shared: true },
    });
  });

  it("close() ends even with a keep-alive connection open", async () => {
    const agent = new http.Agent({ keepAlive: true });
    await new Promise<void>((resolve, reject) => {
      const req = http.request(`${slack.apiUrl}/auth.test`, { method: "POST", agent }, (res) => {
        res.resume();
        res.on("end", () => resolve());
      });
      req.on("error", reject);
      req.end();
    });
    await slack.close();
    agent.destroy();
    await expect(fetch(`${slack.apiUrl}/auth.test`, { method: "POST" })).rejects.toThrow();
  });
});

describe("decodeBody", () => {
  it("keeps text fields as strings and undecodable JSON-looking values as they are", () => {
    expect(decodeBody("text=%5B1%5D&blocks=%5B1%5D&x=%7Bbroken", "application/x-www-form-urlencoded")).toEqual({
      text: "[1]",
      blocks: [1],
      x: "{broken",
    });
    expect(decodeBody("", undefined)).toEqual({});
    expect(decodeBody("not json", "application/json")).toEqual({ _raw: "not json" });
  });
});

describe("app runner helpers", () => {
  it("cleanEnv passes PATH, HOME, NODE_ENV=test and STATE_URL=memory: plus the given env, never the parent's SLACK_/NCP_ variables", () => {
    const saved = { ...process.env };
    process.env.SLACK_BOT_TOKEN = "xoxb-parent";
    process.env.NCP_SECRET_KEY = "parent-secret";
    try {
      const env = cleanEnv({ LOCALE: "en", SKIP: undefined });
      expect(env).toMatchObject({ LOCALE: "en", PATH: process.env.PATH, NODE_ENV: "test", STATE_URL: "memory:" });
      expect(Object.keys(env).every((k) => ["PATH", "HOME", "NODE_ENV", "STATE_URL", "LOCALE"].includes(k))).toBe(true);
    } finally {
      process.env = saved;
    }
  });

  it("freePort gives a port on 127.0.0.1 that can be listened on", async () => {
    const port = await freePort();
    const server = http.createServer();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(port).toBeGreaterThan(0);
  });

  it("parseLogLines keeps JSON object lines only", () => {
    expect(parseLogLines(['{"level":30,"msg":"a"}', "plain", "[1]", "{bad"])).toEqual([{ level: 30, msg: "a" }]);
  });
});

const ENTRY = APP_ENTRY;
const built = existsSync(`${REPO_ROOT}${ENTRY}`);

describe.skipIf(!built)("startApp / startStack smoke (needs a build)", () => {
  it("runs the built app wired to both fakes: health, url_verification, signatures, a command end to end, SIGTERM", async () => {
    const stack = await startStack({ entry: ENTRY });
    const { app, slack, sourceDeploy } = stack;
    let stopped = false;
    try {
      expect((await app.get("/healthz")).status).toBe(200);
      expect(app.parsedLogs().length).toBeGreaterThan(0);

      const challenge = await app.postSigned(urlVerificationBody("ch4llenge"), "application/json");
      expect(challenge.json).toEqual({ challenge: "ch4llenge" });
      const forged = await app.postSigned(urlVerificationBody("x"), "application/json", { signingSecret: "wrong" });
      expect(forged.status).toBe(401);
      const stale = await app.postSigned(urlVerificationBody("x"), "application/json", { timestamp: Math.floor(Date.now() / 1000) - 600 });
      expect(stale.status).toBe(401);

      const command = await app.postSigned(slashCommandBody({ text: "41027 903344", responseUrl: slack.responseUrl("cmd-1") }));
      expect(command.status).toBe(200);
      const [reply] = await slack.waitFor((c) => c.method === "response_url" && c.id === "cmd-1", 10_000);
      expect(reply?.body.blocks).toEqual(expect.any(Array));
      expect(sourceDeploy.requests.some((r) => r.authOk && r.path.endsWith("/project/41027/history/903344"))).toBe(true);

      const exit = await stack.stop();
      stopped = true;
      expect(exit.signal === "SIGTERM" || exit.code === 0).toBe(true);
      const output = app.logs.join("\n");
      for (const secret of [TEST_SIGNING_SECRET, TEST_BOT_TOKEN, TEST_SECRET_KEY]) expect(output).not.toContain(secret);
    } finally {
      if (!stopped) await stack.stop();
    }
  });

  it("fails with the app's output when the configuration is invalid", async () => {
    await expect(
      startApp({ env: { SLACK_BOT_TOKEN: "not-a-token", SLACK_SIGNING_SECRET: "s" }, entry: ENTRY, healthTimeoutMs: 10_000 }),
    ).rejects.toThrow(/app did not start[\s\S]*SLACK_BOT_TOKEN/);
  });
});

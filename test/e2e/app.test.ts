/**
 * The real app (dist/server.mjs, as `npm start` runs it) in HTTP mode against the fake Slack and the
 * signature-checking fake SourceDeploy, driven by signed Slack requests.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RecordedCall } from "../fakes/slack-fake.js";
import { messageProblems, modalProblems } from "../support/block-kit.js";
import { readFixture } from "../support/fixtures.js";
import {
  appMentionEvent,
  blockActionBody,
  DEFAULTS,
  eventBody,
  JSON_TYPE,
  linkSharedEvent,
  nowSeconds,
  type Stack,
  signSlackRequest,
  slashCommandBody,
  startStack,
  TEST_SIGNING_SECRET,
} from "./harness.js";

const fixture = (name: string): unknown => readFixture(name);

let stack: Stack;
let counter = 0;

const allText = (value: unknown) => JSON.stringify(value);
const sections = (blocks: unknown[]) => blocks.filter((b) => (b as { type: string }).type === "section").map(allText);
const responsePosts = (id: string) => stack.slack.calls("response_url").filter((c) => c.id === id);

async function historyCacheStats(): Promise<{ hits: number; misses: number; shared: number }> {
  return ((await stack.app.get("/healthz")).json as { historyCache: { hits: number; misses: number; shared: number } }).historyCache;
}

/**
 * Posts a signed slash command and waits until the app has handled it; returns its one
 * response_url post, and whether that post had already arrived when the ack came back.
 */
async function command(text: string) {
  const id = `cmd-${++counter}`;
  let answeredBeforeAck = false;
  const res = await stack.app.handled(async () => {
    const ack = await stack.app.postSigned(slashCommandBody({ text, responseUrl: stack.slack.responseUrl(id) }));
    answeredBeforeAck = responsePosts(id).length > 0;
    return ack;
  });
  const [post] = await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id);
  return {
    res,
    answeredBeforeAck,
    post: post!,
    body: post!.body as { text: string; blocks: unknown[]; response_type?: string; replace_original?: boolean },
  };
}

async function expectStillServing() {
  expect((await stack.app.get("/healthz")).status).toBe(200);
}

beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  const health = (await stack.app.get("/healthz")).json as { rssBytes: number };
  console.log(`app RSS after the e2e suite: ${(health.rssBytes / 2 ** 20).toFixed(1)} MiB`);
  const exit = await stack?.stop();
  expect(exit).toEqual({ code: 0, signal: null });
});
beforeEach(() => {
  stack.sourceDeploy.clearFaults();
});

describe("/deploy-history", () => {
  it("acks and answers 41027 903344 through response_url with a section per target", async () => {
    const { res, body } = await command("41027 903344");
    expect(res.status).toBe(200);
    expect(body.response_type).toBe("ephemeral");
    expect(messageProblems(body)).toEqual([]);
    const targetSections = sections(body.blocks).filter((s) => /\*web-0\d\*/.test(s));
    for (const server of ["web-01", "web-02", "web-03"]) expect(targetSections.filter((s) => s.includes(`*${server}*`))).toHaveLength(1);
    expect(targetSections).toHaveLength(3);
    expect(allText(body.blocks)).toContain("history_share");
  });

  it("gives the same history for a link and for a project name, fetched once (a finished history is cached)", async () => {
    const byIds = await command("41027 903344");
    const cacheBefore = await historyCacheStats();
    const byLink = await command(`<https://console.ncloud.com/sourcedeploy/project/41027/history/903344|history>`);
    const byName = await command("shop-api 903344");
    expect(byLink.body.text).toBe(byIds.body.text);
    expect(byName.body.text).toBe(byIds.body.text);
    expect(byName.body.blocks).toEqual(byIds.body.blocks);
    const cacheAfter = await historyCacheStats();
    expect(cacheAfter.hits - cacheBefore.hits).toBe(2);
    expect(cacheAfter.misses).toBe(cacheBefore.misses);
  });

  it("lists a project's recent histories and answers `latest` with the newest", async () => {
    const list = await command("shop-api");
    expect(allText(list.body.blocks)).toMatch(/904611[\s\S]*903501[\s\S]*903344/);
    const latest = await command("41027 latest");
    expect(latest.body.text).toContain("904611");
  });

  it("answers help, projects and a friendly usage message that escapes what it echoes", async () => {
    expect((await command("help")).body.text.length).toBeGreaterThan(0);
    const projects = await command("projects cat");
    expect(allText(projects.body.blocks)).toContain("catalog-svc");
    const bad = await command("<!channel> what is this");
    expect(allText(bad.body.blocks)).not.toContain("<!channel>");
    expect(allText(bad.body.blocks)).toContain("&lt;!channel&gt;");
  });

  /** A fresh finished history, so no cached copy hides the fault under test. */
  let freshId = 900_100;
  function freshHistory(): string {
    const id = String(++freshId);
    stack.sourceDeploy.setHistory(41027, id, { ...(fixture("server-fail.json") as object), id: Number(id) });
    return id;
  }

  it.each([
    [
      "upstream 401",
      { kind: "status" as const, status: 401, body: { error: { errorCode: "200", message: "Authentication Failed" } } },
      1,
      /check NCP_ACCESS_KEY/,
    ],
    [
      "upstream 403",
      { kind: "status" as const, status: 403, body: { error: { errorCode: "210", message: "Permission Denied" } } },
      1,
      /not allowed/,
    ],
    ["upstream 503 three times", { kind: "status" as const, status: 503 }, 3, /unavailable/],
  ])("turns %s into one specific message", async (_name, fault, times, expected) => {
    const id = freshHistory();
    stack.sourceDeploy.queueFault(...Array.from({ length: times }, () => ({ ...fault, path: new RegExp(`/history/${id}$`) })));
    const { body, post } = await command(`41027 ${id}`);
    expect(body.text).toMatch(expected);
    expect(allText(body)).not.toMatch(/at .*\.js:\d+|Error:/);
    expect(responsePosts(post.id!)).toHaveLength(1);
    await expectStillServing();
  });

  it("says which history was not found", async () => {
    const { body } = await command("41027 999999");
    expect(body.text).toMatch(/History 41027\/999999 was not found/);
  });

  it("acks at once and answers a 30-second upstream stall with 'slow' at the client deadline", async () => {
    const id = freshHistory();
    stack.sourceDeploy.setFault({ kind: "delay", ms: 30_000, path: new RegExp(`/history/${id}$`) });
    const { res, answeredBeforeAck, body } = await command(`41027 ${id}`);
    stack.sourceDeploy.setFault(undefined);
    expect(res.status).toBe(200);
    expect(answeredBeforeAck).toBe(false); // the ack did not wait for the (at least 3 s) answer
    expect(body.text).toMatch(/slow right now/);
    await expectStillServing();
  });
});

describe("link unfurls", () => {
  const history1 = "https://console.ncloud.com/sourcedeploy/project/41027/history/903344";
  const history2 = `${"https://vpcsourcedeploy.apigw.ntruss.com/api/v1"}/project/41100/history/904120`;
  const unrelated = "https://console.ncloud.com/dashboard";

  it("unfurls exactly the history links, in one chat.unfurl keyed by the exact URLs", async () => {
    stack.slack.reset();
    const event = linkSharedEvent({
      channel: "C0TEST",
      messageTs: "1700000200.000100",
      links: [history1, history2, unrelated].map((url) => ({ url, domain: new URL(url).hostname })),
    });
    expect((await stack.app.handled(() => stack.app.postSigned(eventBody(event), JSON_TYPE))).status).toBe(200);
    const [call] = await stack.slack.waitFor("chat.unfurl");
    const body = call!.body as { channel: string; ts: string; unfurls: Record<string, { blocks: unknown[] }> };
    expect(Object.keys(body.unfurls).sort()).toEqual([history1, history2].sort());
    expect(body).toMatchObject({ channel: "C0TEST", ts: "1700000200.000100" });
    for (const unfurl of Object.values(body.unfurls)) {
      expect(unfurl.blocks.length).toBeLessThanOrEqual(8);
      expect(messageProblems({ text: "x", blocks: unfurl.blocks })).toEqual([]);
    }
    expect(stack.slack.calls("chat.unfurl")).toHaveLength(1);
  });

  it("uses unfurl_id and source for composer previews", async () => {
    stack.slack.reset();
    const event = linkSharedEvent({
      channel: "COMPOSER",
      messageTs: "Uxxxxxxx-909b5454-75f8-4ac4-b325-1b40e230bbd8",
      source: "composer",
      unfurlId: "C123456.123456789.987501.1b90fa1278528ce6e2f6c5c2bfa1abc9a41d57d02b29d173f40399c9ffdecf4b",
      links: [{ url: history1, domain: "console.ncloud.com" }],
    });
    await stack.app.postSigned(eventBody(event), JSON_TYPE);
    const [call] = await stack.slack.waitFor("chat.unfurl");
    expect(call!.body).toMatchObject({ source: "composer", unfurl_id: expect.stringMatching(/^C123456\./) });
    expect(call!.body).not.toHaveProperty("ts");
  });

  it("leaves unrelated links alone: no call at all", async () => {
    stack.slack.reset();
    await stack.app.handled(() =>
      stack.app.postSigned(
        eventBody(linkSharedEvent({ channel: "C0TEST", messageTs: "1.2", links: [{ url: unrelated, domain: "console.ncloud.com" }] })),
        JSON_TYPE,
      ),
    );
    expect(stack.slack.calls("chat.unfurl")).toHaveLength(0);
  });

  it("still unfurls the others when one history cannot be fetched, and survives cannot_unfurl_url", async () => {
    stack.slack.reset();
    const missing = "https://console.ncloud.com/sourcedeploy/project/41027/history/1";
    await stack.app.postSigned(
      eventBody(
        linkSharedEvent({
          channel: "C0TEST",
          messageTs: "1.3",
          links: [
            { url: missing, domain: "console.ncloud.com" },
            { url: history1, domain: "console.ncloud.com" },
          ],
        }),
      ),
      JSON_TYPE,
    );
    const [call] = await stack.slack.waitFor("chat.unfurl");
    expect(Object.keys((call!.body as { unfurls: object }).unfurls)).toEqual([history1]);
    await stack.app.waitForLog((l) => l.msg === "history link not unfurled");

    stack.slack.failNext("chat.unfurl", { error: "cannot_unfurl_url" });
    await stack.app.postSigned(
      eventBody(linkSharedEvent({ channel: "C0TEST", messageTs: "1.4", links: [{ url: history1, domain: "console.ncloud.com" }] })),
      JSON_TYPE,
    );
    const line = await stack.app.waitForLog((l) => (l.err as { slackError?: unknown } | undefined)?.slackError === "cannot_unfurl_url");
    expect(line.level).toBe("warn");
    await expectStillServing();
  });
});

describe("mentions", () => {
  it("replies in the thread of the mention, visible to the channel", async () => {
    stack.slack.reset();
    await stack.app.postSigned(
      eventBody(appMentionEvent({ text: "<@UBOT> 41027 903344", ts: "1700000300.000200", channel: "C0TEST" })),
      JSON_TYPE,
    );
    const [call] = await stack.slack.waitFor("chat.postMessage");
    expect(call!.body).toMatchObject({ channel: "C0TEST", thread_ts: "1700000300.000200" });
    expect(String((call!.body as { text: string }).text)).toContain("903344");
  });

  it("answers a retried event delivery only once", async () => {
    stack.slack.reset();
    const body = eventBody(appMentionEvent({ text: "<@UBOT> help", ts: "1700000301.000200" }), { eventId: "Ev0RETRY" });
    await stack.app.handled(async () => {
      await stack.app.postSigned(body, JSON_TYPE);
      await stack.app.post("/slack/events", body, retryHeaders(body));
    }, 2);
    expect(stack.slack.calls("chat.postMessage")).toHaveLength(1);
  });
});

function retryHeaders(body: string): Record<string, string> {
  return {
    ...signSlackRequest(body, TEST_SIGNING_SECRET, nowSeconds(), JSON_TYPE),
    "x-slack-retry-num": "1",
    "x-slack-retry-reason": "http_timeout",
  };
}

describe("buttons", () => {
  /** Clicks and waits until the app has handled the click. */
  async function click(actionId: string, value: string, extra: { isEphemeral?: boolean; viewId?: string } = {}) {
    const id = `act-${++counter}`;
    const res = await stack.app.handled(() =>
      stack.app.postSigned(blockActionBody({ actionId, value, responseUrl: stack.slack.responseUrl(id), ...extra })),
    );
    expect(res.status).toBe(200);
    return id;
  }

  it("Refresh replaces the original with the newer state of a running history", async () => {
    const running = fixture("server-inprogress.wrapped.json") as {
      result: { status: string; config: { targets: { status: string }[] }[] };
    };
    stack.sourceDeploy.setHistory(41027, 904611, running);
    const first = await command("41027 904611");
    expect(allText(first.body.blocks)).toContain("history_refresh");

    const finished = structuredClone(running);
    finished.result.status = "success";
    for (const target of finished.result.config[0]!.targets) target.status = "success";
    stack.sourceDeploy.setHistory(41027, 904611, finished);
    const id = await click("history_refresh", "41027:904611", { isEphemeral: true });
    const [post] = await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id);
    const body = post!.body as { replace_original: boolean; blocks: unknown[]; text: string };
    expect(body.replace_original).toBe(true);
    expect(body.text).not.toBe(first.body.text);
    expect(allText(body.blocks)).not.toContain("history_refresh");
  });

  it("Share posts the detail in the channel as a bot message, without a Share button", async () => {
    stack.slack.reset();
    const id = await click("history_share", "41027:903344", { isEphemeral: true });
    const [post] = await stack.slack.waitFor("chat.postMessage");
    expect(post!.body).toMatchObject({ channel: DEFAULTS.channelId });
    expect(allText(post!.body)).toContain("web-02");
    expect(allText(post!.body)).not.toContain("history_share");
    expect(responsePosts(id)).toHaveLength(0);
  });

  it("Share falls back to an in_channel response when the bot may not post there", async () => {
    stack.slack.failNext("chat.postMessage", { error: "not_in_channel" });
    const id = await click("history_share", "41027:903344", { isEphemeral: true });
    const [post] = await stack.slack.waitFor((c: RecordedCall) => c.method === "response_url" && c.id === id);
    expect(post!.body).toMatchObject({ response_type: "in_channel" });
    expect(allText(post!.body)).toContain("web-02");
  });

  it("Details answers a list entry with the detail", async () => {
    const id = await click("history_details:1", "41027:903501");
    const [post] = await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id);
    expect(allText(post!.body)).toContain("903501");
  });

  it("Show all targets opens a modal of at most 100 blocks; paging updates it", async () => {
    stack.slack.reset();
    await click("history_show_targets", "41027:903344");
    const [open] = await stack.slack.waitFor("views.open");
    const view = (open!.body as { view: { blocks: unknown[] } }).view;
    expect(view.blocks.length).toBeLessThanOrEqual(100);
    expect(modalProblems(view)).toEqual([]);
    expect(allText(view)).toContain("web-03");

    await click("targets_page_next", "41027:903344:1", { viewId: "V0TEST" });
    const [update] = await stack.slack.waitFor("views.update");
    expect(update!.body).toMatchObject({ view_id: "V0TEST" });
  });

  it("finding 14: the same signed Share click sent three times posts once; each replay is acked and logged", async () => {
    stack.slack.reset();
    const share = blockActionBody({
      actionId: "history_share",
      value: "41027:903344",
      responseUrl: stack.slack.responseUrl(`act-${++counter}`),
      isEphemeral: true,
    });
    const signed = signSlackRequest(share, TEST_SIGNING_SECRET);
    const send = () => stack.app.post("/slack/events", share, signed);
    const answers = await stack.app.handled(async () => [await send(), await send(), await send()], 3);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(stack.slack.calls("chat.postMessage")).toHaveLength(1);
    const replays = stack.app.parsedLogs().filter((l) => l.msg === "replayed interaction ignored");
    expect(replays).toHaveLength(2);
    expect(replays[0]).toMatchObject({ level: "info", type: "block_actions", userId: DEFAULTS.userId, actions: ["history_share"] });
  });

  it("acks the Open in console url button, and ignores a button with a forged value", async () => {
    await click("history_open_console", "41027:903344");
    const before = stack.sourceDeploy.requests.length;
    await click("history_refresh", "1/../2:903344");
    await stack.app.waitForLog((l) => l.msg === "button with an unreadable value ignored");
    expect(stack.sourceDeploy.requests.length).toBe(before);
  });
});

describe("request verification", () => {
  it("rejects a bad signature and a 10-minute-old timestamp with 401, reaching no fake", async () => {
    stack.slack.reset();
    const before = stack.sourceDeploy.requests.length;
    // A history nobody asked for before, so that a forged request that got through would reach SourceDeploy.
    const body = slashCommandBody({ text: "41027 999001", responseUrl: stack.slack.responseUrl("forged") });
    const handledBefore = stack.app.handledCount();
    expect((await stack.app.postSigned(body, undefined, { signingSecret: "not-the-secret" })).status).toBe(401);
    expect((await stack.app.postSigned(body, undefined, { timestamp: nowSeconds() - 600 })).status).toBe(401);
    // A genuine request after them: once it is handled, the forged ones had every chance to show.
    await stack.app.handled(() =>
      stack.app.postSigned(slashCommandBody({ text: "help", responseUrl: stack.slack.responseUrl("genuine") })),
    );
    expect(stack.app.handledCount()).toBe(handledBefore + 1);
    // Messages of earlier tests about running deployments may still be updated meanwhile; only
    // what the forged requests would have caused counts.
    expect(stack.slack.calls().filter((c) => c.id === "forged")).toEqual([]);
    expect(stack.slack.calls().filter((c) => c.id === "genuine")).toHaveLength(1);
    expect(stack.sourceDeploy.requests.slice(before).filter((r) => r.path.includes("999001"))).toEqual([]);
  });
});

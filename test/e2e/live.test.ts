/**
 * Live progress end to end: the real app follows running deployments and edits its messages as
 * the fake SourceDeploy's state advances, with a short poll interval.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../fakes/slack-fake.js";
import { messageProblems } from "../support/block-kit.js";
import { readFixture } from "../support/fixtures.js";
import { JSON_TYPE, appMentionEvent, blockActionBody, eventBody, linkSharedEvent, slashCommandBody, startStack, type Stack } from "./harness.js";

const PROJECT = "41027";
const FIXTURE = readFixture<{ result: Record<string, unknown> & { config: { targets: Record<string, unknown>[] }[] } }>(
  "server-inprogress.wrapped.json",
);
const TARGET_STATUSES = ["standby", "pre", "deploy", "post", "success"];

/** Step `step` of a 4-target sequential deployment: each target goes standby → pre → deploy → post → success in turn. */
function stateAt(historyId: string, step: number): unknown {
  const targets = FIXTURE.result.config[0]!.targets.map((target, index) => {
    const phase = Math.max(0, Math.min(4, step - index * 4));
    return { ...target, status: TARGET_STATUSES[phase], step: {}, time: {} };
  });
  const done = targets.every((t) => t.status === "success");
  return {
    result: {
      ...FIXTURE.result,
      id: historyId,
      status: done ? "success" : "inprogress",
      endTime: done ? 1772978900000 : null,
      config: [{ ...FIXTURE.result.config[0], targets }],
    },
  };
}
const LAST_STEP = 16;

let stack: Stack;
let counter = 0;

/** Clicks Share on the history; returns the ts of the bot message the app posted. */
async function share(historyId: string): Promise<string> {
  const before = stack.slack.calls("chat.postMessage").length;
  await stack.app.postSigned(blockActionBody({ actionId: "history_share", value: `${PROJECT}:${historyId}`, responseUrl: stack.slack.responseUrl(`live-${++counter}`), isEphemeral: true }));
  await stack.slack.waitFor(() => stack.slack.calls("chat.postMessage").length > before);
  return String(stack.slack.calls("chat.postMessage")[before]!.response?.ts);
}

const updatesOf = (ts: string) => stack.slack.calls("chat.update").filter((c) => (c.body as { ts: string }).ts === ts);
const progressOf = (call: RecordedCall) => (JSON.stringify(call.body).match(/▰/g) ?? []).length;
const historyRequests = (historyId: string) => stack.sourceDeploy.requests.filter((r) => r.path.endsWith(`/history/${historyId}`));
const live = async () => ((await stack.app.get("/healthz")).json as { live: { watches: number; loops: number } }).live;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(25);
  }
}

beforeAll(async () => {
  stack = await startStack({ env: { WATCH_INTERVAL_MS: "200", WATCH_MAX_INTERVAL_MS: "400", UPSTREAM_MAX_RPS: "50", SLACK_UPDATES_PER_MINUTE: "100000" } });
});
afterAll(async () => {
  await stack?.stop();
});

describe("live progress", () => {
  it("edits a shared message as the deployment advances, ends with a final update, then forgets it", async () => {
    const historyId = "905001";
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 0));
    stack.slack.reset();
    const ts = await share(historyId);
    const first = stack.slack.calls("chat.postMessage")[0]!.body as { blocks: unknown[] };
    expect(JSON.stringify(first.blocks)).toContain("history_refresh");
    await waitUntil(async () => (await live()).watches === 1, 3000);

    for (let step = 1; step <= LAST_STEP; step++) {
      await sleep(180);
      stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, step));
    }
    await stack.slack.waitFor((c) => c.method === "chat.update" && JSON.stringify(c.body).includes("succeeded") && !JSON.stringify(c.body).includes("history_refresh"), 10_000);
    await waitUntil(async () => (await live()).watches === 0, 5000);

    const updates = updatesOf(ts);
    expect(updates.length).toBeGreaterThanOrEqual(3);
    const progress = updates.slice(0, -1).map(progressOf); // the final update has no progress bar
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(new Set(progress).size).toBeGreaterThan(2);
    for (let i = 1; i < updates.length; i++) expect(JSON.stringify(updates[i]!.body.blocks)).not.toBe(JSON.stringify(updates[i - 1]!.body.blocks));
    const last = updates.at(-1)!.body as { text: string; blocks: unknown[] };
    expect(messageProblems(last)).toEqual([]);
    expect(JSON.stringify(last.blocks)).not.toContain("history_refresh");
    expect(await live()).toEqual({ watches: 0, loops: 0 });

    const settled = updatesOf(ts).length;
    await sleep(600);
    expect(updatesOf(ts).length).toBe(settled);
  });

  it("sends no update while nothing changes", async () => {
    const historyId = "905002";
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 2));
    stack.slack.reset();
    await share(historyId);
    await waitUntil(async () => (await live()).watches >= 1, 3000);
    await sleep(1200);
    expect(stack.slack.calls("chat.update")).toHaveLength(0);
  });

  it("polls once per tick for 50 messages following one history", async () => {
    const historyId = "905003";
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 5));
    stack.slack.reset();
    const watchesBefore = (await live()).watches;
    for (let i = 0; i < 50; i++) await share(historyId);
    await waitUntil(async () => (await live()).watches >= watchesBefore + 50, 5000);
    const windowStart = Date.now();
    await sleep(2000);
    const polls = historyRequests(historyId).filter((r) => r.time >= windowStart);
    expect(polls.length).toBeGreaterThanOrEqual(3);
    expect(polls.length).toBeLessThanOrEqual(11);
    for (let i = 1; i < polls.length; i++) expect(polls[i]!.time - polls[i - 1]!.time).toBeGreaterThanOrEqual(150);
  });

  it("stops following a deleted message while the others go on, and honours Retry-After", async () => {
    const historyId = "905004";
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 1));
    stack.slack.reset();
    const gone = await share(historyId);
    const kept = await share(historyId);
    stack.slack.respondWith("chat.update", (call) => ((call.body as { ts: string }).ts === gone ? { ok: false, error: "message_not_found" } : {}));
    try {
      stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 2));
      await stack.slack.waitFor((c) => c.method === "chat.update" && (c.body as { ts: string }).ts === kept, 3000);
      await waitUntil(() => updatesOf(gone).length === 1, 3000);

      stack.slack.rateLimitNext("chat.update", 1);
      stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 3));
      const [limited] = await stack.slack.waitFor((c) => c.method === "chat.update" && c.status === 429, 3000);
      const [next] = await stack.slack.waitFor((c) => c.method === "chat.update" && c.status === 200 && c.time > limited!.time, 5000);
      expect(next!.time - limited!.time).toBeGreaterThanOrEqual(950);
      expect((next!.body as { ts: string }).ts).toBe(kept);
      expect(updatesOf(gone)).toHaveLength(1);
    } finally {
      stack.slack.respondWith("chat.update", () => ({}));
    }
  });
});


describe("Slack rate limits", () => {
  it("pauses every chat.update after one 429, not only the message that got it", async () => {
    const [first, second] = ["905010", "905011"];
    for (const id of [first, second]) stack.sourceDeploy.setHistory(PROJECT, id, stateAt(id, 1));
    stack.slack.reset();
    await share(first);
    await share(second);
    await waitUntil(async () => (await live()).watches >= 2, 3000);
    stack.slack.rateLimitNext("chat.update", 1);
    for (const id of [first, second]) stack.sourceDeploy.setHistory(PROJECT, id, stateAt(id, 2));
    const [limited] = await stack.slack.waitFor((c) => c.method === "chat.update" && c.status === 429, 3000);
    await waitUntil(() => stack.slack.calls("chat.update").filter((c) => c.status === 200).length >= 2, 5000);
    const later = stack.slack.calls("chat.update").filter((c) => c.time > limited!.time);
    expect(later.length).toBeGreaterThanOrEqual(2);
    for (const call of later) expect(call.time - limited!.time).toBeGreaterThanOrEqual(950);
  });
});

describe("Slack update budget", () => {
  it("edits at most SLACK_UPDATES_PER_MINUTE messages a minute, then sends what is current once there is room", async () => {
    const small = await startStack({ env: { WATCH_INTERVAL_MS: "200", WATCH_MAX_INTERVAL_MS: "400", UPSTREAM_MAX_RPS: "50", SLACK_UPDATES_PER_MINUTE: "2" } });
    try {
      const ids = ["905020", "905021", "905022"];
      for (const id of ids) small.sourceDeploy.setHistory(PROJECT, id, stateAt(id, 1));
      for (const id of ids) {
        await small.app.postSigned(blockActionBody({ actionId: "history_share", value: `${PROJECT}:${id}`, responseUrl: small.slack.responseUrl(`b-${id}`), isEphemeral: true }));
      }
      await small.slack.waitFor(() => small.slack.calls("chat.postMessage").length === 3);
      await sleep(300);
      for (const id of ids) small.sourceDeploy.setHistory(PROJECT, id, stateAt(id, 2));
      await small.slack.waitFor(() => small.slack.calls("chat.update").length >= 2, 3000);
      await sleep(1500);
      expect(small.slack.calls("chat.update")).toHaveLength(2);
      const line = small.app.parsedLogs().find((l) => l.level === "error" || l.msg === "unhandled rejection");
      expect(line).toBeUndefined();
    } finally {
      await small.stop();
    }
  });
});

describe("live progress on other surfaces", () => {
  it("updates a private reply through its response_url at most 4 more times, the last asking for Refresh", async () => {
    const historyId = "905005";
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 0));
    const id = `cmd-live-${++counter}`;
    await stack.app.postSigned(slashCommandBody({ text: `${PROJECT} ${historyId}`, responseUrl: stack.slack.responseUrl(id) }));
    await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id);
    for (let step = 1; step <= 8; step++) {
      await sleep(250);
      stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, step));
    }
    await waitUntil(() => stack.slack.calls("response_url").filter((c) => c.id === id).length === 5, 5000);
    await sleep(600);
    const posts = stack.slack.calls("response_url").filter((c) => c.id === id);
    expect(posts).toHaveLength(5);
    for (const post of posts.slice(1)) expect(post.body).toMatchObject({ replace_original: true });
    expect(JSON.stringify(posts.at(-1)!.body)).toMatch(/Refresh/);
    expect(JSON.stringify(posts.at(-1)!.body)).toContain("history_refresh");
  });

  it("re-unfurls a running deployment's link as it advances", async () => {
    const historyId = "905006";
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 0));
    stack.slack.reset();
    const url = `https://console.ncloud.com/sourcedeploy/project/${PROJECT}/history/${historyId}`;
    await stack.app.postSigned(eventBody(linkSharedEvent({ channel: "C0LIVE", messageTs: "1700000500.000100", links: [{ url, domain: "console.ncloud.com" }] })), JSON_TYPE);
    await stack.slack.waitFor("chat.unfurl");
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, LAST_STEP));
    await waitUntil(() => stack.slack.calls("chat.unfurl").length >= 2, 3000);
    const [, update] = stack.slack.calls("chat.unfurl");
    expect(update!.body).toMatchObject({ channel: "C0LIVE", ts: "1700000500.000100" });
    expect(Object.keys((update!.body as { unfurls: object }).unfurls)).toEqual([url]);
    expect(JSON.stringify(update!.body)).toContain("succeeded");
  });

  it("follows a mention reply in its thread with chat.update", async () => {
    const historyId = "905007";
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 0));
    stack.slack.reset();
    await stack.app.postSigned(eventBody(appMentionEvent({ text: `<@UBOT> ${PROJECT} ${historyId}`, ts: "1700000600.000100", channel: "C0LIVE" })), JSON_TYPE);
    await stack.slack.waitFor("chat.postMessage");
    const ts = String(stack.slack.calls("chat.postMessage")[0]!.response?.ts);
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, LAST_STEP));
    await waitUntil(() => updatesOf(ts).length >= 1, 3000);
    expect(updatesOf(ts)[0]!.body).toMatchObject({ channel: "C0LIVE" });
  });
});

/**
 * Live progress end to end: the real app follows running deployments and edits its messages as
 * the fake SourceDeploy's state advances, with a short poll interval. The tests advance a
 * deployment only once the app has polled its current state, and look for what did not happen only
 * after the app has had its chance (polls made, a loop ended), so a slow machine changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RecordedCall } from "../fakes/slack-fake.js";
import { messageProblems } from "../support/block-kit.js";
import { waitUntil } from "../support/wait.js";
import {
  appMentionEvent,
  blockActionBody,
  eventBody,
  JSON_TYPE,
  linkSharedEvent,
  type Stack,
  slashCommandBody,
  startStack,
} from "./harness.js";
import { LAST_STEP, stateAt } from "./sequential-deployment.js";

const PROJECT = "41027";
/** For tests that wait for many poll ticks: a loaded machine stretches every tick. */
const SLOW_TEST_MS = 60_000;

let stack: Stack;
let counter = 0;

/** Clicks Share on the history; once the app has handled the click (and follows the message), returns the ts of the bot message it posted. */
async function share(historyId: string): Promise<string> {
  const before = stack.slack.calls("chat.postMessage").length;
  await stack.app.handled(() =>
    stack.app.postSigned(
      blockActionBody({
        actionId: "history_share",
        value: `${PROJECT}:${historyId}`,
        responseUrl: stack.slack.responseUrl(`live-${++counter}`),
        isEphemeral: true,
      }),
    ),
  );
  return String(stack.slack.calls("chat.postMessage")[before]!.response?.ts);
}

const updatesOf = (ts: string) => stack.slack.calls("chat.update").filter((c) => (c.body as { ts: string }).ts === ts);
const progressOf = (call: RecordedCall) => (JSON.stringify(call.body).match(/▰/g) ?? []).length;
const historyRequests = (historyId: string) => stack.sourceDeploy.requests.filter((r) => r.path.endsWith(`/history/${historyId}`));
const live = async () => ((await stack.app.get("/healthz")).json as { live: { watches: number; loops: number } }).live;
const logLine = (msg: string, historyId: string) => (l: Record<string, unknown>) => l.msg === msg && l.historyId === historyId;

/** Waits until the history has been polled `count` more times (one poll per tick of its loop). */
async function polls(historyId: string, count: number): Promise<void> {
  const target = historyRequests(historyId).length + count;
  await waitUntil(() => historyRequests(historyId).length >= target, `${count} polls of history ${historyId}`);
}

/**
 * Moves the deployment to `step` and waits until the app has polled that state (or stopped
 * following the history), so the app sees every step however slow the machine is.
 */
async function advance(historyId: string, step: number): Promise<void> {
  const polled = historyRequests(historyId).length;
  stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, step));
  const loopEnded = () => stack.app.parsedLogs().some(logLine("watch: loop ended", historyId));
  await waitUntil(() => historyRequests(historyId).length > polled || loopEnded(), `the app to poll history ${historyId} at step ${step}`);
}

/** One test user shares dozens of histories here: their budget of SourceDeploy calls is not what these tests are about. */
const ONE_USER_SHARES_EVERYTHING = { UPSTREAM_MAX_PER_USER_PER_MINUTE: "100000" };

beforeAll(async () => {
  // One test user shares dozens of messages in one channel here: the quotas are tested elsewhere.
  stack = await startStack({
    env: {
      ...ONE_USER_SHARES_EVERYTHING,
      WATCH_INTERVAL_MS: "200",
      WATCH_MAX_INTERVAL_MS: "400",
      UPSTREAM_MAX_RPS: "50",
      SLACK_UPDATES_PER_MINUTE: "100000",
      WATCH_MAX_PER_USER: "1000",
      WATCH_MAX_PER_CHANNEL: "1000",
    },
  });
});
afterAll(async () => {
  await stack?.stop();
});

describe("live progress", () => {
  it(
    "edits a shared message as the deployment advances, ends with a final update, then forgets it",
    async () => {
      const historyId = "905001";
      stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 0));
      stack.slack.reset();
      const ts = await share(historyId);
      const first = stack.slack.calls("chat.postMessage")[0]!.body as { blocks: unknown[] };
      expect(JSON.stringify(first.blocks)).toContain("history_refresh");
      expect((await live()).watches).toBe(1);

      for (let step = 1; step <= LAST_STEP; step++) await advance(historyId, step);
      await stack.slack.waitFor(
        (c) =>
          c.method === "chat.update" && JSON.stringify(c.body).includes("succeeded") && !JSON.stringify(c.body).includes("history_refresh"),
      );
      await stack.app.waitForLog(logLine("watch: loop ended", historyId));

      const updates = updatesOf(ts);
      expect(updates.length).toBeGreaterThanOrEqual(3);
      const progress = updates.slice(0, -1).map(progressOf); // the final update has no progress bar
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(new Set(progress).size).toBeGreaterThan(2);
      for (let i = 1; i < updates.length; i++)
        expect(JSON.stringify(updates[i]!.body.blocks)).not.toBe(JSON.stringify(updates[i - 1]!.body.blocks));
      const last = updates.at(-1)!.body as { text: string; blocks: unknown[] };
      expect(messageProblems(last)).toEqual([]);
      expect(JSON.stringify(last.blocks)).not.toContain("history_refresh");
      expect(await live()).toEqual({ watches: 0, loops: 0 }); // no loop is left that could edit it again
    },
    SLOW_TEST_MS,
  );

  it("sends no update while nothing changes", async () => {
    const historyId = "905002";
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 2));
    stack.slack.reset();
    await share(historyId);
    // A tick polls, then updates, then schedules the next one: three polls mean two whole ticks.
    await polls(historyId, 3);
    expect(stack.slack.calls("chat.update")).toHaveLength(0);
  });

  it(
    "polls once per tick for 50 messages following one history",
    async () => {
      const historyId = "905003";
      stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 5));
      stack.slack.reset();
      const watchesBefore = (await live()).watches;
      for (let i = 0; i < 50; i++) await share(historyId);
      expect((await live()).watches).toBe(watchesBefore + 50);
      const start = historyRequests(historyId).length;
      await polls(historyId, 5);
      // One poll per tick, and a tick comes at least WATCH_INTERVAL_MS (200) after the last one ended:
      // a poll per message would show up as polls a few ms apart.
      const seen = historyRequests(historyId).slice(start);
      for (let i = 1; i < seen.length; i++) expect(seen[i]!.time - seen[i - 1]!.time).toBeGreaterThanOrEqual(150);
    },
    SLOW_TEST_MS,
  );

  it("stops following a deleted message while the others go on, and honours Retry-After", async () => {
    const historyId = "905004";
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 1));
    stack.slack.reset();
    const gone = await share(historyId);
    const kept = await share(historyId);
    stack.slack.respondWith("chat.update", (call) =>
      (call.body as { ts: string }).ts === gone ? { ok: false, error: "message_not_found" } : {},
    );
    try {
      stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 2));
      await stack.slack.waitFor((c) => c.method === "chat.update" && (c.body as { ts: string }).ts === kept);
      await stack.slack.waitFor(() => updatesOf(gone).length === 1);

      stack.slack.rateLimitNext("chat.update", 1);
      stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 3));
      const [limited] = await stack.slack.waitFor((c) => c.method === "chat.update" && c.status === 429);
      const [next] = await stack.slack.waitFor((c) => c.method === "chat.update" && c.status === 200 && c.time > limited!.time);
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
    stack.slack.rateLimitNext("chat.update", 1);
    const mark = stack.app.parsedLogs().length;
    stack.sourceDeploy.setHistory(PROJECT, first, stateAt(first, 2));
    const [limited] = await stack.slack.waitFor((c) => c.method === "chat.update" && c.status === 429);
    // Only once the app has taken the 429 in does the other message change: its update must wait too.
    await waitUntil(
      () =>
        stack.app
          .parsedLogs()
          .slice(mark)
          .some((l) => l.msg === "watch: rate limited by Slack"),
      "the app to take the 429 in",
    );
    stack.sourceDeploy.setHistory(PROJECT, second, stateAt(second, 2));
    await stack.slack.waitFor(() => stack.slack.calls("chat.update").filter((c) => c.status === 200).length >= 2);
    const later = stack.slack.calls("chat.update").filter((c) => c.time > limited!.time);
    expect(later.length).toBeGreaterThanOrEqual(2);
    for (const call of later) expect(call.time - limited!.time).toBeGreaterThanOrEqual(950);
  });
});

describe("Slack update budget", () => {
  it("edits at most SLACK_UPDATES_PER_MINUTE messages a minute, then sends what is current once there is room", async () => {
    const small = await startStack({
      env: { WATCH_INTERVAL_MS: "200", WATCH_MAX_INTERVAL_MS: "400", UPSTREAM_MAX_RPS: "50", SLACK_UPDATES_PER_MINUTE: "2" },
    });
    try {
      const ids = ["905020", "905021", "905022"];
      for (const id of ids) small.sourceDeploy.setHistory(PROJECT, id, stateAt(id, 1));
      for (const id of ids) {
        await small.app.handled(() =>
          small.app.postSigned(
            blockActionBody({
              actionId: "history_share",
              value: `${PROJECT}:${id}`,
              responseUrl: small.slack.responseUrl(`b-${id}`),
              isEphemeral: true,
            }),
          ),
        );
      }
      expect(small.slack.calls("chat.postMessage")).toHaveLength(3);
      for (const id of ids) small.sourceDeploy.setHistory(PROJECT, id, stateAt(id, 2));
      await small.slack.waitFor(() => small.slack.calls("chat.update").length >= 2);
      // The third edit is held back by the budget (the watcher logs that at debug), not merely slow.
      await small.app.waitForLog((l) => l.msg === "watch: held back by the Slack edit budget");
      expect(small.slack.calls("chat.update")).toHaveLength(2);
      const line = small.app.parsedLogs().find((l) => l.level === "error" || l.msg === "unhandled rejection");
      expect(line).toBeUndefined();
    } finally {
      await small.stop();
    }
  });
});

describe("live progress on other surfaces", () => {
  it(
    "updates a private reply through its response_url at most 4 more times, the last asking for Refresh",
    async () => {
      const historyId = "905005";
      stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 0));
      const id = `cmd-live-${++counter}`;
      await stack.app.handled(() =>
        stack.app.postSigned(slashCommandBody({ text: `${PROJECT} ${historyId}`, responseUrl: stack.slack.responseUrl(id) })),
      );
      for (let step = 1; step <= 8; step++) await advance(historyId, step);
      const removed = await stack.app.waitForLog(logLine("watch: removed", historyId));
      expect(removed.why).toBe("response_url used up");
      await stack.app.waitForLog(logLine("watch: loop ended", historyId));
      const posts = stack.slack.calls("response_url").filter((c) => c.id === id);
      expect(posts).toHaveLength(5);
      for (const post of posts.slice(1)) expect(post.body).toMatchObject({ replace_original: true });
      expect(JSON.stringify(posts.at(-1)!.body)).toMatch(/Refresh/);
      expect(JSON.stringify(posts.at(-1)!.body)).toContain("history_refresh");
    },
    SLOW_TEST_MS,
  );

  it("re-unfurls a running deployment's link as it advances", async () => {
    const historyId = "905006";
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 0));
    stack.slack.reset();
    const url = `https://console.ncloud.com/sourcedeploy/project/${PROJECT}/history/${historyId}`;
    await stack.app.handled(() =>
      stack.app.postSigned(
        eventBody(linkSharedEvent({ channel: "C0LIVE", messageTs: "1700000500.000100", links: [{ url, domain: "console.ncloud.com" }] })),
        JSON_TYPE,
      ),
    );
    expect(stack.slack.calls("chat.unfurl")).toHaveLength(1);
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, LAST_STEP));
    await stack.slack.waitFor(() => stack.slack.calls("chat.unfurl").length >= 2);
    const [, update] = stack.slack.calls("chat.unfurl");
    expect(update!.body).toMatchObject({ channel: "C0LIVE", ts: "1700000500.000100" });
    expect(Object.keys((update!.body as { unfurls: object }).unfurls)).toEqual([url]);
    expect(JSON.stringify(update!.body)).toContain("succeeded");
  });

  it("finding 3: follows variants of one link in a message once, and re-unfurls every variant in one chat.unfurl", async () => {
    const historyId = "905016";
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 0));
    stack.slack.reset();
    const url = `https://console.ncloud.com/sourcedeploy/project/${PROJECT}/history/${historyId}`;
    const variants = [url, `${url}?v=1`, `${url}?v=2`];
    const watchesBefore = (await live()).watches;
    // Two events for one message (Slack sends another when a link is added by an edit).
    const shareLinks = (urls: string[]) =>
      stack.app.handled(() =>
        stack.app.postSigned(
          eventBody(
            linkSharedEvent({
              channel: "C0LIVE",
              messageTs: "1700000501.000100",
              links: urls.map((v) => ({ url: v, domain: "console.ncloud.com" })),
            }),
          ),
          JSON_TYPE,
        ),
      );
    await shareLinks(variants.slice(0, 2));
    await shareLinks(variants.slice(2));
    expect(Object.keys((stack.slack.calls("chat.unfurl")[0]!.body as { unfurls: object }).unfurls).sort()).toEqual(
      variants.slice(0, 2).sort(),
    );
    expect((await live()).watches).toBe(watchesBefore + 1);
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, LAST_STEP));
    await stack.slack.waitFor(() => stack.slack.calls("chat.unfurl").length >= 3);
    const [, , update] = stack.slack.calls("chat.unfurl");
    expect(Object.keys((update!.body as { unfurls: object }).unfurls).sort()).toEqual(variants.sort());
    expect(JSON.stringify(update!.body)).toContain("succeeded");
  });

  it("follows a mention reply in its thread with chat.update", async () => {
    const historyId = "905007";
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, 0));
    stack.slack.reset();
    await stack.app.handled(() =>
      stack.app.postSigned(
        eventBody(appMentionEvent({ text: `<@UBOT> ${PROJECT} ${historyId}`, ts: "1700000600.000100", channel: "C0LIVE" })),
        JSON_TYPE,
      ),
    );
    const ts = String(stack.slack.calls("chat.postMessage")[0]!.response?.ts);
    stack.sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, LAST_STEP));
    await stack.slack.waitFor(() => updatesOf(ts).length >= 1);
    expect(updatesOf(ts)[0]!.body).toMatchObject({ channel: "C0LIVE" });
  });
});

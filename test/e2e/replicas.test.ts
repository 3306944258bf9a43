/**
 * Two instances of the real bundled app on one Redis (STATE_URL=redis://…), as behind a load
 * balancer: the driver spreads requests across both; a retried event sent to the other instance
 * gets no second reply; kill -9 of the instance polling a running deployment and the other
 * finishes its updates; Redis stopped mid-test and the app still answers, then live updates
 * resume once Redis is back. Short lease periods (STATE_LEASE_MS) keep it quick.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, type RecordedCall, startFakeSlack } from "../fakes/slack-fake.js";
import { type FakeSourceDeploy, startFakeSourceDeploy } from "../fakes/sourcedeploy-fake.js";
import { hasRedisServer, type RedisServer, startRedisServer } from "../support/redis-server.js";
import { waitUntil } from "../support/wait.js";
import {
  appMentionEvent,
  blockActionBody,
  eventBody,
  JSON_TYPE,
  linkSharedEvent,
  type RunningApp,
  signSlackRequest,
  slashCommandBody,
  stackEnv,
  startApp,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
  TEST_SIGNING_SECRET,
} from "./harness.js";
import { LAST_STEP, stateAt } from "./sequential-deployment.js";

const PROJECT = "41027";
const SLOW_TEST_MS = 120_000;
/** Lease period of the test: a dead instance's work is taken over within two of these. */
const LEASE_MS = 1000;

let redis: RedisServer;
let slack: FakeSlack;
let sourceDeploy: FakeSourceDeploy;
let env: Record<string, string>;
const apps: RunningApp[] = [];

const start = async () => {
  const app = await startApp({ env });
  apps.push(app);
  return app;
};
const set = (historyId: string, step: number) => sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, step));
const text = (call: RecordedCall) => JSON.stringify(call.body);
const updatesOf = (ts: string) => slack.calls("chat.update").filter((c) => c.body.ts === ts);
const historyRequests = (historyId: string) => sourceDeploy.requests.filter((r) => r.path.endsWith(`/history/${historyId}`));
const isFinal = (call: RecordedCall | undefined) =>
  call !== undefined && text(call).includes("succeeded") && !text(call).includes("history_refresh");
const health = async (app: RunningApp) =>
  (await app.get("/healthz")).json as { state: { kind: string; ok: boolean }; live: { watches: number; loops: number } };
const holdsLease = (app: RunningApp, historyId: string) =>
  app.parsedLogs().some((l) => l.msg === "lease: acquired" && l.lease === `history:${PROJECT}/${historyId}`);
const pollsSubscriptions = (app: RunningApp) =>
  app.parsedLogs().some((l) => l.msg === "lease: acquired" && l.lease === `subscription:${PROJECT}`);

/** The project's history list as the fake serves it (oldest first here, newest first there, as the API). */
function listOf(ids: readonly string[]): unknown {
  return {
    result: {
      historyList: [...ids].reverse().map((id) => ({
        project: { id: Number(PROJECT), name: "shop-api" },
        stage: { id: 5183, name: "prod-web" },
        scenario: { id: 7712, name: "web-release-sequential" },
        id,
        startTime: Date.now(),
        status: "success",
      })),
    },
  };
}

/** Mentions the bot about `historyId` on `app`; returns the ts of its reply, which it follows. */
async function mention(app: RunningApp, historyId: string, channel: string): Promise<string> {
  await app.handled(() =>
    app.postSigned(eventBody(appMentionEvent({ text: `<@UBOT> ${PROJECT} ${historyId}`, ts: "1700000800.000100", channel })), JSON_TYPE),
  );
  const reply = slack.calls("chat.postMessage").find((c) => c.body.channel === channel);
  return String(reply?.response?.ts);
}

beforeAll(async () => {
  if (!hasRedisServer()) return;
  // Persistent, as in production: a Redis restart keeps the watches.
  redis = await startRedisServer({ persistent: true });
  sourceDeploy = await startFakeSourceDeploy({ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY });
  slack = await startFakeSlack();
  env = {
    ...stackEnv(slack, sourceDeploy),
    STATE_URL: redis.url,
    STATE_LEASE_MS: String(LEASE_MS),
    WATCH_INTERVAL_MS: "200",
    WATCH_MAX_INTERVAL_MS: "400",
    UPSTREAM_MAX_RPS: "50",
    SLACK_UPDATES_PER_MINUTE: "100000",
    SUBSCRIPTION_POLL_MS: "300",
  };
});
afterAll(async () => {
  await Promise.all(apps.map((app) => app.stop()));
  await Promise.all([slack?.close(), sourceDeploy?.close(), redis?.close()]);
});

describe.skipIf(!hasRedisServer())("two instances on one Redis", () => {
  it("answer requests spread across both, and a retried event sent to the other one is not answered again", async () => {
    const [a, b] = [await start(), await start()];
    expect((await health(a)).state).toMatchObject({ kind: "redis", ok: true });
    set("907001", LAST_STEP);
    for (let i = 0; i < 6; i++) {
      const app = i % 2 === 0 ? a : b;
      await app.handled(() =>
        app.postSigned(slashCommandBody({ text: `${PROJECT} 907001`, responseUrl: slack.responseUrl(`spread-${i}`) })),
      );
    }
    for (let i = 0; i < 6; i++) expect(slack.calls("response_url").filter((c) => c.id === `spread-${i}`)).toHaveLength(1);

    const url = `https://console.ncloud.com/sourcedeploy/project/${PROJECT}/history/907001`;
    const unfurl = eventBody(
      linkSharedEvent({ channel: "C0SPREAD", messageTs: "1700000900.000100", links: [{ url, domain: "console.ncloud.com" }] }),
      { eventId: "Ev0REPLICA0001" },
    );
    await a.handled(() => a.postSigned(unfurl, JSON_TYPE));
    // Slack thinks the first delivery was lost and retries; the load balancer sends it to the other instance.
    await b.handled(() =>
      b.post("/slack/events", unfurl, {
        ...signSlackRequest(unfurl, TEST_SIGNING_SECRET, undefined, JSON_TYPE),
        "x-slack-retry-num": "1",
        "x-slack-retry-reason": "http_timeout",
      }),
    );
    expect(b.parsedLogs().some((l) => l.msg === "duplicate event delivery ignored" && l.eventId === "Ev0REPLICA0001")).toBe(true);
    expect(slack.calls("chat.unfurl").filter((c) => c.body.channel === "C0SPREAD")).toHaveLength(1);
  });

  it(
    "kill -9 of the instance polling a running deployment: the other one finishes its updates",
    async () => {
      const [a, b] = apps as [RunningApp, RunningApp];
      set("907002", 0);
      const ts = await mention(a, "907002", "C0FAILOVER");
      set("907002", 1);
      await waitUntil(() => updatesOf(ts).length >= 1, "an update before the kill");
      const poller = holdsLease(a, "907002") ? a : b;
      const other = poller === a ? b : a;
      expect(holdsLease(other, "907002")).toBe(false);

      expect(await poller.stop("SIGKILL")).toMatchObject({ signal: "SIGKILL" });
      const killedAt = Date.now();
      set("907002", 8);
      await other.waitForLog((l) => l.msg === "watch: adopted histories no instance was polling", 15_000);
      // Within two lease periods, on a machine that may be busy: generous, the bench measures it.
      expect(Date.now() - killedAt).toBeLessThan(10 * LEASE_MS + 10_000);
      await waitUntil(() => text(updatesOf(ts).at(-1)!).includes("▰"), "an update from the other instance");
      set("907002", LAST_STEP);
      await waitUntil(() => isFinal(updatesOf(ts).at(-1)), "the final update");
      await waitUntil(async () => (await health(other)).live.watches === 0, "the watch to end");
      apps.splice(apps.indexOf(poller), 1);
    },
    SLOW_TEST_MS,
  );

  it(
    "Redis stopped mid-test: commands are still answered; once it is back, live updates resume",
    async () => {
      const [b] = apps as [RunningApp];
      const a = await start();
      set("907003", 0);
      const ts = await mention(b, "907003", "C0OUTAGE");
      set("907003", 2);
      await waitUntil(() => updatesOf(ts).length >= 1, "an update before the outage");
      const rejections = () => [a, b].flatMap((app) => app.parsedLogs().filter((l) => l.msg === "unhandled rejection"));

      await redis.stop();
      await waitUntil(async () => !(await health(b)).state.ok && !(await health(a)).state.ok, "both instances to notice");
      set("907001", LAST_STEP);
      for (const [app, id] of [
        [a, "outage-a"],
        [b, "outage-b"],
      ] as const) {
        await app.handled(() => app.postSigned(slashCommandBody({ text: `${PROJECT} 907001`, responseUrl: slack.responseUrl(id) })));
        expect(slack.calls("response_url").filter((c) => c.id === id)).toHaveLength(1);
        expect(text(slack.calls("response_url").find((c) => c.id === id)!)).toContain("succeeded");
      }
      // A click works too (its replay check is decided in process meanwhile).
      await a.handled(() =>
        a.postSigned(
          blockActionBody({ actionId: "history_refresh", value: `${PROJECT}:907001`, responseUrl: slack.responseUrl("outage-click") }),
        ),
      );
      expect(slack.calls("response_url").filter((c) => c.id === "outage-click")).toHaveLength(1);
      // Live updates pause: the poller cannot read its watches (nor renew its lease) and stops.
      await waitUntil(async () => (await health(a)).live.loops + (await health(b)).live.loops === 0, "the poller to stop");
      const updatesDuringOutage = updatesOf(ts).length;

      await redis.start();
      await waitUntil(async () => (await health(b)).state.ok && (await health(a)).state.ok, "both instances to reconnect", 20_000);
      set("907003", LAST_STEP);
      await waitUntil(() => isFinal(updatesOf(ts).at(-1)), "the final update after the outage", 30_000);
      expect(updatesOf(ts).length).toBeGreaterThan(updatesDuringOutage);
      for (const app of [a, b]) {
        expect(app.exitStatus()).toBeUndefined();
        // Logged once at the start of the outage (at most once a minute), and once when it ended.
        const unreachable = app.parsedLogs().filter((l) => String(l.msg).startsWith("state: Redis is unreachable"));
        expect(unreachable.length).toBeGreaterThanOrEqual(1);
        expect(unreachable.length).toBeLessThanOrEqual(2);
      }
      expect(rejections()).toEqual([]);
      expect(historyRequests("907003").length).toBeGreaterThan(0);
    },
    SLOW_TEST_MS,
  );

  it(
    "a subscription posts each new deployment exactly once, across a kill -9 of the instance polling it",
    async () => {
      await Promise.all(apps.splice(0).map((app) => app.stop()));
      const [c, d] = [await start(), await start()];
      const ids = ["907100"];
      const publish = (id: string) => {
        set(id, LAST_STEP);
        ids.push(id);
        sourceDeploy.setHistoryList(PROJECT, listOf(ids));
      };
      const postsOf = (id: string) =>
        slack.calls("chat.postMessage").filter((call) => call.body.channel === "C0SUBS" && text(call).includes(`#${id}`));
      const lists = () => sourceDeploy.requests.filter((r) => r.path.includes(`/project/${PROJECT}/history?`)).length;
      sourceDeploy.setHistoryList(PROJECT, listOf(ids));
      await c.handled(() =>
        c.postSigned(slashCommandBody({ text: "subscribe shop-api", channelId: "C0SUBS", responseUrl: slack.responseUrl("subs") })),
      );
      const before = lists();
      await waitUntil(() => lists() > before + 1, "the project polled");

      publish("907101");
      await waitUntil(() => postsOf("907101").length > 0, "the first deployment posted");
      const poller = pollsSubscriptions(c) ? c : d;
      const other = poller === c ? d : c;
      expect(pollsSubscriptions(other)).toBe(false);

      expect(await poller.stop("SIGKILL")).toMatchObject({ signal: "SIGKILL" });
      apps.splice(apps.indexOf(poller), 1);
      publish("907102");
      await waitUntil(() => postsOf("907102").length > 0, "the next deployment posted by the other instance", 30_000);
      expect(pollsSubscriptions(other)).toBe(true);
      // A few more polls: still one post each.
      const now = lists();
      await waitUntil(() => lists() > now + 3, "more polls");
      expect([postsOf("907100").length, postsOf("907101").length, postsOf("907102").length]).toEqual([0, 1, 1]);
    },
    SLOW_TEST_MS,
  );
});

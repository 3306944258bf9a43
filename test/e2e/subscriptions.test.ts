/**
 * Channel subscriptions end to end (issue 13): the bundled app against the fakes. A history that
 * appears in the fake SourceDeploy's list is posted once in each subscribed channel and followed
 * live to its end; `failures` posts only failing ones; one list call per poll serves every channel;
 * a channel the bot was removed from is paused alone; refusals read the same for any project; and a
 * restart between two deployments neither repeats nor misses one.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeSlack, RecordedCall } from "../fakes/slack-fake.js";
import { startFakeSlack } from "../fakes/slack-fake.js";
import { type FakeSourceDeploy, startFakeSourceDeploy } from "../fakes/sourcedeploy-fake.js";
import { readFixture } from "../support/fixtures.js";
import { waitUntil } from "../support/wait.js";
import {
  eventBody,
  JSON_TYPE,
  type RunningApp,
  type Stack,
  slashCommandBody,
  stackEnv,
  startApp,
  startStack,
  TEST_ACCESS_KEY,
  TEST_SECRET_KEY,
} from "./harness.js";

const PROJECT = "41027";
const SLOW_TEST_MS = 120_000;
const FIXTURE = readFixture<{ result: Record<string, unknown> & { config: { targets: Record<string, unknown>[] }[] } }>(
  "server-inprogress.wrapped.json",
);
const TARGET_STATUSES = ["standby", "pre", "deploy", "post", "success"];
const LAST_STEP = 16;

/** Step `step` of a 4-target sequential deployment (as in live.test.ts); LAST_STEP is success, `fail` ends it failed. */
function stateAt(historyId: string, step: number, end?: "fail"): unknown {
  const targets = FIXTURE.result.config[0]!.targets.map((target, index) => {
    const phase = Math.max(0, Math.min(4, step - index * 4));
    return { ...target, status: end === "fail" && index === 0 ? "fail" : TARGET_STATUSES[phase], step: {}, time: {} };
  });
  const done = end === "fail" || targets.every((t) => t.status === "success");
  return {
    result: {
      ...FIXTURE.result,
      id: historyId,
      status: end ?? (done ? "success" : "inprogress"),
      endTime: done ? Date.now() : null,
      config: [{ ...FIXTURE.result.config[0], targets }],
    },
  };
}

interface Entry {
  id: string;
  status: string;
  stage?: string;
  startTime?: number;
}

/** The project's history list as the fake serves it; newest first like the API. */
function listOf(entries: readonly Entry[]): unknown {
  return {
    result: {
      historyList: [...entries].reverse().map((e) => ({
        project: { id: Number(PROJECT), name: "shop-api" },
        stage: { id: 5183, name: e.stage ?? "prod-web" },
        scenario: { id: 7712, name: "web-release-sequential" },
        id: e.id,
        startTime: e.startTime ?? Date.now(),
        status: e.status,
      })),
    },
  };
}

const OLD: Entry = { id: "903344", status: "fail", startTime: 1772600767000 };
const text = (call: RecordedCall) => JSON.stringify(call.body);
const listRequests = (sd: FakeSourceDeploy) => sd.requests.filter((r) => r.path.includes(`/project/${PROJECT}/history?`)).length;

function subscribeIn(app: RunningApp, slack: FakeSlack, channelId: string, words: string, id = channelId): Promise<unknown> {
  return app.handled(() => app.postSigned(slashCommandBody({ text: words, channelId, responseUrl: slack.responseUrl(id) })));
}

describe("subscriptions", () => {
  let stack: Stack;
  const entries: Entry[] = [OLD];
  const posts = (channel: string, historyId: string) =>
    stack.slack.calls("chat.postMessage").filter((c) => c.body.channel === channel && text(c).includes(`#${historyId}`));
  const publish = (entry: Entry, detail: unknown) => {
    stack.sourceDeploy.setHistory(PROJECT, entry.id, detail);
    const at = entries.findIndex((e) => e.id === entry.id);
    if (at >= 0) entries[at] = entry;
    else entries.push(entry);
    stack.sourceDeploy.setHistoryList(PROJECT, listOf(entries));
  };
  /** Waits until the app has polled the list `n` more times. */
  const polls = async (n: number) => {
    const before = listRequests(stack.sourceDeploy);
    await waitUntil(() => listRequests(stack.sourceDeploy) >= before + n, `${n} more polls of the history list`);
  };

  let ts = 0;
  beforeAll(async () => {
    stack = await startStack({
      env: {
        SUBSCRIPTION_POLL_MS: "150",
        WATCH_INTERVAL_MS: "150",
        WATCH_MAX_INTERVAL_MS: "300",
        UPSTREAM_MAX_RPS: "50",
        SLACK_UPDATES_PER_MINUTE: "100000",
      },
    });
    stack.sourceDeploy.setHistoryList(PROJECT, listOf(entries));
    // The bot was removed from C0GONE: its posts there fail like Slack's.
    stack.slack.respondWith("chat.postMessage", (call) =>
      call.body.channel === "C0GONE"
        ? { ok: false, error: "not_in_channel" }
        : { channel: call.body.channel, ts: `1800000000.${String(++ts).padStart(6, "0")}` },
    );
  });
  afterAll(() => stack?.stop());

  it(
    "posts a new deployment once in each subscribed channel, follows it to its end, and polls once for all of them",
    async () => {
      const { app, slack } = stack;
      await subscribeIn(app, slack, "C0DEPLOYS", "subscribe shop-api");
      await subscribeIn(app, slack, "C0OPS", `subscribe ${PROJECT} prod-web`);
      await subscribeIn(app, slack, "C0FAIL", "구독 shop-api 실패");
      await subscribeIn(app, slack, "C0DEV", "subscribe shop-api dev");

      const confirmation = slack.calls("chat.postMessage").find((c) => c.body.channel === "C0DEPLOYS");
      expect(confirmation?.body.text).toBe("📣 This channel will get every deployment of shop-api — set up by <@U0ALICE>");
      expect(slack.calls("response_url").filter((c) => c.id === "C0DEPLOYS")).toEqual([]);
      const health = (await app.get("/healthz")).json as { subscriptions: { subscriptions: number; loops: number } };
      expect(health.subscriptions).toMatchObject({ subscriptions: 4, loops: 1 });

      const running: Entry = { id: "906101", status: "inprogress" };
      publish(running, stateAt(running.id, 0));
      await waitUntil(
        () => posts("C0DEPLOYS", running.id).length > 0 && posts("C0OPS", running.id).length > 0,
        "the posts of the new deployment",
      );
      await polls(3);
      expect(posts("C0DEPLOYS", running.id)).toHaveLength(1);
      expect(posts("C0OPS", running.id)).toHaveLength(1);
      expect(posts("C0FAIL", running.id)).toHaveLength(0);
      expect(posts("C0DEV", running.id)).toHaveLength(0);
      expect(posts("C0DEPLOYS", OLD.id)).toHaveLength(0);

      // Followed live to the end, like a shared message.
      const tsOf = (channel: string) => String(posts(channel, running.id)[0]?.response?.ts);
      publish({ ...running, status: "success" }, stateAt(running.id, LAST_STEP));
      const final = (channel: string) =>
        slack
          .calls("chat.update")
          .some((c) => c.body.ts === tsOf(channel) && text(c).includes("succeeded") && !text(c).includes("history_refresh"));
      await waitUntil(() => final("C0DEPLOYS") && final("C0OPS"), "both posts to reach the final state");

      // One list call per poll, however many channels.
      const before = {
        requests: listRequests(stack.sourceDeploy),
        polls: ((await app.get("/healthz")).json as { subscriptions: { polls: number } }).subscriptions.polls,
      };
      await polls(5);
      const after = {
        requests: listRequests(stack.sourceDeploy),
        polls: ((await app.get("/healthz")).json as { subscriptions: { polls: number } }).subscriptions.polls,
      };
      expect(Math.abs(after.requests - before.requests - (after.polls - before.polls))).toBeLessThanOrEqual(1);
    },
    SLOW_TEST_MS,
  );

  it(
    "with failures, posts a deployment only once it has failed",
    async () => {
      const { slack } = stack;
      const failing: Entry = { id: "906102", status: "inprogress" };
      publish(failing, stateAt(failing.id, 2));
      await waitUntil(() => posts("C0DEPLOYS", failing.id).length > 0, "the post of the running deployment");
      await polls(2);
      expect(posts("C0FAIL", failing.id)).toHaveLength(0);

      publish({ ...failing, status: "fail" }, stateAt(failing.id, 2, "fail"));
      await waitUntil(() => posts("C0FAIL", failing.id).length > 0, "the failure to be posted");
      await polls(3);
      expect(posts("C0FAIL", failing.id)).toHaveLength(1);
      expect(text(posts("C0FAIL", failing.id)[0]!)).toContain("failed");
      expect(posts("C0DEPLOYS", failing.id)).toHaveLength(1);
      void slack;
    },
    SLOW_TEST_MS,
  );

  it(
    "pauses the subscription of a channel the bot was removed from, logs it once, and keeps posting elsewhere",
    async () => {
      const { app, slack } = stack;
      // Subscribed while the bot was still there (conversations.info says member); removed since.
      stack.slack.respondWith("chat.postMessage", (call) => ({
        channel: call.body.channel,
        ts: `1800000000.${String(++ts).padStart(6, "0")}`,
      }));
      await subscribeIn(app, slack, "C0GONE", "subscribe shop-api");
      stack.slack.respondWith("chat.postMessage", (call) =>
        call.body.channel === "C0GONE"
          ? { ok: false, error: "not_in_channel" }
          : { channel: call.body.channel, ts: `1800000000.${String(++ts).padStart(6, "0")}` },
      );
      const first: Entry = { id: "906103", status: "success" };
      publish(first, stateAt(first.id, LAST_STEP));
      await waitUntil(() => posts("C0DEPLOYS", first.id).length > 0, "the post in the other channel");
      await app.waitForLog((l) => typeof l.msg === "string" && l.msg.includes("subscription paused") && l.channelId === "C0GONE");
      const attempts = () =>
        slack.calls("chat.postMessage").filter((c) => c.body.channel === "C0GONE" && c.error === "not_in_channel").length;
      const failed = attempts();
      expect(failed).toBe(1);

      const second: Entry = { id: "906104", status: "success" };
      publish(second, stateAt(second.id, LAST_STEP));
      await waitUntil(() => posts("C0DEPLOYS", second.id).length > 0, "the next post in the other channel");
      await polls(2);
      expect(attempts()).toBe(failed);
      expect(app.parsedLogs().filter((l) => typeof l.msg === "string" && l.msg.includes("subscription paused"))).toHaveLength(1);

      // The channel's list says so, privately, with an Unsubscribe button per entry.
      await app.handled(() =>
        app.postSigned(slashCommandBody({ text: "subscriptions", channelId: "C0GONE", responseUrl: slack.responseUrl("list") })),
      );
      const list = slack.calls("response_url").find((c) => c.id === "list");
      expect(list?.body.response_type).toBe("ephemeral");
      expect(text(list!)).toContain("Paused");
      expect(text(list!)).toContain("subscription_remove:0");
    },
    SLOW_TEST_MS,
  );

  it(
    "unsubscribes: the channel is told who did it, and nothing more is posted there",
    async () => {
      const { app, slack } = stack;
      await app.handled(() =>
        app.postSigned(
          slashCommandBody({ text: "구독취소 shop-api", channelId: "C0OPS", userId: "U0BOB", responseUrl: slack.responseUrl("unsub") }),
        ),
      );
      const notice = slack.calls("response_url").find((c) => c.id === "unsub");
      expect(notice?.body.response_type).toBe("in_channel");
      expect(text(notice!)).toContain("<@U0BOB>");
      const next: Entry = { id: "906105", status: "success" };
      publish(next, stateAt(next.id, LAST_STEP));
      await waitUntil(() => posts("C0DEPLOYS", next.id).length > 0, "the post in a channel still subscribed");
      await polls(2);
      expect(posts("C0OPS", next.id)).toHaveLength(0);
    },
    SLOW_TEST_MS,
  );
});

describe("App Home", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { SUBSCRIPTION_POLL_MS: "150" } });
    stack.sourceDeploy.setHistoryList(PROJECT, listOf([OLD, { id: "906301", status: "inprogress" }]));
  });
  afterAll(() => stack?.stop());

  it("shows the workspace's subscriptions and the latest deployments of their projects", async () => {
    const { app, slack } = stack;
    await subscribeIn(app, slack, "C0DEPLOYS", "subscribe shop-api failures");
    await app.waitForLog((l) => l.msg === "subscriptions: polling" || l.msg === "subscriptions: subscribed");
    const before = listRequests(stack.sourceDeploy);
    await waitUntil(() => listRequests(stack.sourceDeploy) > before, "a poll of the project");
    const opened = eventBody({ type: "app_home_opened", user: "U0ALICE", channel: "D0HOME", tab: "home", event_ts: "1700000900.000100" });
    await app.handled(() => app.postSigned(opened, JSON_TYPE));
    const [published] = await slack.waitFor("views.publish");
    expect(published?.body.user_id).toBe("U0ALICE");
    const view = JSON.stringify(published?.body.view);
    expect(view).toContain('"type":"home"');
    expect(view).toContain("shop-api");
    expect(view).toContain("<#C0DEPLOYS>");
    expect(view).toContain("#906301");
    expect(view).toContain("failures only");
  });
});

describe("subscribing under an access policy", () => {
  let stack: Stack;
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "deploy-history-subs-policy-"));
    const policy = join(dir, "policy.yml");
    // Alice may see shop-api anywhere; only C0DEPLOYS (the channel itself) may see it too.
    writeFileSync(
      policy,
      [
        "default: deny",
        "rules:",
        "  - users: [U0ALICE]",
        `    projects: [${PROJECT}]`,
        "  - channels: [C0DEPLOYS]",
        `    projects: [${PROJECT}]`,
      ].join("\n"),
    );
    stack = await startStack({ env: { ACCESS_POLICY: policy, SUBSCRIPTION_POLL_MS: "150" } });
  });
  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const answer = async (words: string, channelId: string, userId: string, id: string) => {
    await stack.app.handled(() =>
      stack.app.postSigned(slashCommandBody({ text: words, channelId, userId, responseUrl: stack.slack.responseUrl(id) })),
    );
    const reply = stack.slack.calls("response_url").find((c) => c.id === id);
    return { type: reply?.body.response_type, text: reply?.body.text, blocks: JSON.stringify(reply?.body.blocks) };
  };

  it("refuses alike whether the project exists or not, and refuses a channel that may not see it even to a user who may", async () => {
    const refusals = [
      await answer(`subscribe ${PROJECT}`, "C0RANDOM", "U0MALLORY", "exists"),
      await answer("subscribe shop-api", "C0RANDOM", "U0MALLORY", "exists-name"),
      await answer("subscribe 99999", "C0RANDOM", "U0MALLORY", "missing-id"),
      await answer("subscribe no-such-project", "C0RANDOM", "U0MALLORY", "missing-name"),
      await answer(`subscribe ${PROJECT}`, "C0RANDOM", "U0ALICE", "channel"),
    ];
    for (const refusal of refusals) expect(refusal).toEqual(refusals[0]);
    expect(refusals[0]?.type).toBe("ephemeral");
    expect(refusals[0]?.text).toContain("can't view");
    expect(stack.app.parsedLogs().some((l) => l.msg === "subscriptions: subscribed")).toBe(false);

    await stack.app.handled(() =>
      stack.app.postSigned(
        slashCommandBody({
          text: `subscribe ${PROJECT}`,
          channelId: "C0DEPLOYS",
          userId: "U0ALICE",
          responseUrl: stack.slack.responseUrl("ok"),
        }),
      ),
    );
    expect(stack.slack.calls("chat.postMessage").some((c) => c.body.channel === "C0DEPLOYS" && text(c).includes("<@U0ALICE>"))).toBe(true);
  });
});

describe("a restart between two deployments", () => {
  let dir: string;
  let slack: FakeSlack;
  let sourceDeploy: FakeSourceDeploy;
  let app: RunningApp | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "deploy-history-subs-restart-"));
    sourceDeploy = await startFakeSourceDeploy({ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY });
    slack = await startFakeSlack();
  });
  afterAll(async () => {
    await app?.stop();
    await Promise.all([slack?.close(), sourceDeploy?.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it(
    "posts neither twice nor never: the deployment started while the app was down is posted late",
    async () => {
      const env = {
        ...stackEnv(slack, sourceDeploy),
        STATE_URL: `file:${join(dir, "state.db")}`,
        SUBSCRIPTION_POLL_MS: "150",
        UPSTREAM_MAX_RPS: "50",
      };
      const entries: Entry[] = [OLD];
      const publish = (entry: Entry) => {
        sourceDeploy.setHistory(PROJECT, entry.id, stateAt(entry.id, LAST_STEP));
        entries.push(entry);
        sourceDeploy.setHistoryList(PROJECT, listOf(entries));
      };
      const posts = (historyId: string) => slack.calls("chat.postMessage").filter((c) => text(c).includes(`#${historyId}`));
      const polled = async (n: number) => {
        const before = listRequests(sourceDeploy);
        await waitUntil(() => listRequests(sourceDeploy) >= before + n, `${n} more polls`);
      };
      sourceDeploy.setHistoryList(PROJECT, listOf(entries));

      app = await startApp({ env });
      await subscribeIn(app, slack, "C0DEPLOYS", "subscribe shop-api");
      publish({ id: "906201", status: "success" });
      await waitUntil(() => posts("906201").length > 0, "the first deployment's post");
      await polled(2); // the cursor is stored after the tick that posted
      expect(await app.stop("SIGKILL")).toMatchObject({ signal: "SIGKILL" });

      publish({ id: "906202", status: "success", startTime: Date.now() }); // while the app is down
      app = await startApp({ env });
      await waitUntil(() => posts("906202").length > 0, "the deployment started while the app was down");
      await polled(3);
      expect(posts("906201")).toHaveLength(1);
      expect(posts("906202")).toHaveLength(1);
      expect(text(posts("906202")[0]!)).toContain("Posted late");
      expect(text(posts("906201")[0]!)).not.toContain("Posted late");
    },
    SLOW_TEST_MS,
  );
});

/**
 * Durable state end to end: the real bundled app with a database file in a temp folder follows
 * running deployments on every surface, is killed with SIGKILL (no shutdown code runs), and a new
 * process on the same file carries on: every message keeps updating to its final state, a private
 * reply's response_url is used at most 5 times in all, and a retried event stays ignored.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, type RecordedCall, startFakeSlack } from "../fakes/slack-fake.js";
import { type FakeSourceDeploy, startFakeSourceDeploy } from "../fakes/sourcedeploy-fake.js";
import { waitUntil } from "../support/wait.js";
import {
  APP_ENTRY,
  appMentionEvent,
  blockActionBody,
  cleanEnv,
  eventBody,
  JSON_TYPE,
  linkSharedEvent,
  REPO_ROOT,
  type RunningApp,
  signSlackRequest,
  slashCommandBody,
  stackEnv,
  startApp,
  TEST_ACCESS_KEY,
  TEST_BOT_TOKEN,
  TEST_SECRET_KEY,
  TEST_SIGNING_SECRET,
} from "./harness.js";
import { LAST_STEP, stateAt } from "./sequential-deployment.js";

const PROJECT = "41027";
const SLOW_TEST_MS = 120_000;

const H = { shared: "906001", unfurl: "906002", mention: "906003", reply: "906004", usedUp: "906005" } as const;
const UNFURL_URL = `https://console.ncloud.com/sourcedeploy/project/${PROJECT}/history/${H.unfurl}`;
const UNFURL_EVENT_ID = "Ev0RESTART0001";

let dir: string;
let slack: FakeSlack;
let sourceDeploy: FakeSourceDeploy;
let env: Record<string, string>;
let app: RunningApp | undefined;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "deploy-history-restart-"));
  sourceDeploy = await startFakeSourceDeploy({ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY });
  slack = await startFakeSlack();
  env = {
    ...stackEnv(slack, sourceDeploy),
    STATE_URL: `file:${join(dir, "state.db")}`,
    WATCH_INTERVAL_MS: "200",
    WATCH_MAX_INTERVAL_MS: "400",
    UPSTREAM_MAX_RPS: "50",
    SLACK_UPDATES_PER_MINUTE: "100000",
  };
});
afterAll(async () => {
  await app?.stop();
  await Promise.all([slack?.close(), sourceDeploy?.close()]);
  rmSync(dir, { recursive: true, force: true });
});

const historyRequests = (historyId: string) => sourceDeploy.requests.filter((r) => r.path.endsWith(`/history/${historyId}`));
const set = (historyId: string, step: number) => sourceDeploy.setHistory(PROJECT, historyId, stateAt(historyId, step));
const text = (call: RecordedCall) => JSON.stringify(call.body);
const posted = (channel: string) => slack.calls("chat.postMessage").find((c) => c.body.channel === channel);
const updatesOf = (ts: string) => slack.calls("chat.update").filter((c) => c.body.ts === ts);
const unfurls = () => slack.calls("chat.unfurl");
const repliesTo = (id: string) => slack.calls("response_url").filter((c) => c.id === id);
/** The final state: the deployment succeeded and the message no longer offers Refresh. */
const isFinal = (call: RecordedCall | undefined) =>
  call !== undefined && text(call).includes("succeeded") && !text(call).includes("history_refresh");

/** Moves every history in `ids` to `step`, then waits until the app has polled each of them. */
async function advanceAll(ids: readonly string[], step: number): Promise<void> {
  const before = ids.map((id) => historyRequests(id).length);
  for (const id of ids) set(id, step);
  await waitUntil(() => ids.every((id, i) => historyRequests(id).length > before[i]!), `the app to poll ${ids.join(", ")} at step ${step}`);
}

describe("a restart after kill -9", () => {
  it(
    "loses nothing: every followed message ends in its final state, response_url uses stay within 5, retries stay ignored",
    async () => {
      for (const id of Object.values(H)) set(id, 0);
      app = await startApp({ env });
      const first = app;

      // Follow a message on every surface.
      await first.handled(() =>
        first.postSigned(
          blockActionBody({
            actionId: "history_share",
            value: `${PROJECT}:${H.shared}`,
            responseUrl: slack.responseUrl("share"),
            isEphemeral: true,
          }),
        ),
      );
      const unfurlEvent = eventBody(
        linkSharedEvent({
          channel: "C0UNFURL",
          messageTs: "1700000700.000100",
          links: [{ url: UNFURL_URL, domain: "console.ncloud.com" }],
        }),
        { eventId: UNFURL_EVENT_ID },
      );
      await first.handled(() => first.postSigned(unfurlEvent, JSON_TYPE));
      await first.handled(() =>
        first.postSigned(
          eventBody(appMentionEvent({ text: `<@UBOT> ${PROJECT} ${H.mention}`, ts: "1700000800.000100", channel: "C0MENTION" })),
          JSON_TYPE,
        ),
      );
      for (const [id, historyId] of [
        ["reply", H.reply],
        ["used-up", H.usedUp],
      ] as const)
        await first.handled(() =>
          first.postSigned(slashCommandBody({ text: `${PROJECT} ${historyId}`, responseUrl: slack.responseUrl(id) })),
        );
      const sharedTs = String(posted("C0DEPLOYS")?.response?.ts);
      const mentionTs = String(posted("C0MENTION")?.response?.ts);
      expect(((await first.get("/healthz")).json as { live: { watches: number } }).live.watches).toBe(5);

      // Updates before the crash: two for most, three for the reply that will run out of uses (4 of 5 used).
      await advanceAll(Object.values(H), 1);
      await advanceAll(Object.values(H), 2);
      await advanceAll([H.usedUp], 3);
      await waitUntil(
        () =>
          updatesOf(sharedTs).length >= 2 &&
          updatesOf(mentionTs).length >= 2 &&
          unfurls().length >= 3 &&
          repliesTo("reply").length >= 3 &&
          repliesTo("used-up").length >= 4,
        "the updates before the crash",
      );

      expect(await first.stop("SIGKILL")).toMatchObject({ signal: "SIGKILL" });
      for (const id of Object.values(H)) set(id, 8); // the deployments go on while the app is down

      app = await startApp({ env });
      const second = app;
      expect(((await second.get("/healthz")).json as { live: { watches: number }; state: unknown }).live.watches).toBe(5);
      expect(((await second.get("/healthz")).json as { state: unknown }).state).toMatchObject({ kind: "sqlite", ok: true });

      // Slack retries the unfurl event it thinks we missed: still a duplicate after the restart.
      const unfurlsBefore = unfurls().length;
      await second.handled(() =>
        second.post("/slack/events", unfurlEvent, {
          ...signSlackRequest(unfurlEvent, TEST_SIGNING_SECRET, undefined, JSON_TYPE),
          "x-slack-retry-num": "1",
          "x-slack-retry-reason": "http_timeout",
        }),
      );
      await second.waitForLog((l) => l.msg === "duplicate event delivery ignored" && l.eventId === UNFURL_EVENT_ID);

      // The reply with one use left gets it (step 8, "press Refresh") and is then let go.
      await second.waitForLog((l) => l.msg === "watch: removed" && l.historyId === H.usedUp && l.why === "response_url used up");

      for (const id of Object.values(H)) set(id, LAST_STEP);
      await waitUntil(
        () =>
          isFinal(updatesOf(sharedTs).at(-1)) &&
          isFinal(updatesOf(mentionTs).at(-1)) &&
          isFinal(unfurls().at(-1)) &&
          isFinal(repliesTo("reply").at(-1)),
        "every followed message to reach its final state",
      );
      await waitUntil(
        async () => ((await second.get("/healthz")).json as { live: { watches: number } }).live.watches === 0,
        "every watch to end",
      );

      expect(unfurls().length).toBeGreaterThan(unfurlsBefore);
      const unfurlChannels = new Set(unfurls().map((c) => c.body.channel));
      expect(unfurlChannels).toEqual(new Set(["C0UNFURL"]));
      // Slack allows 5 uses of a response_url: the first answer and 4 updates, across both processes.
      expect(repliesTo("reply")).toHaveLength(5);
      expect(repliesTo("used-up")).toHaveLength(5);
      expect(text(repliesTo("used-up").at(-1)!)).toContain("history_refresh");
      expect(isFinal(repliesTo("used-up").at(-1))).toBe(false);
      // Each message was edited after the restart, not only before it.
      expect(updatesOf(sharedTs).some((c) => text(c).includes("succeeded"))).toBe(true);
    },
    SLOW_TEST_MS,
  );
});

describe("a database the app cannot use", () => {
  const run = (stateUrl: string) =>
    spawnSync(process.execPath, [join(REPO_ROOT, APP_ENTRY)], {
      cwd: REPO_ROOT,
      env: cleanEnv({ SLACK_BOT_TOKEN: TEST_BOT_TOKEN, SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET, STATE_URL: stateUrl }),
      encoding: "utf8",
      timeout: 10_000,
    });

  it.each([
    [
      "a file of garbage",
      () => {
        const path = join(dir, "garbage.db");
        writeFileSync(path, "not a database ".repeat(100));
        return path;
      },
      /it is not a SQLite database \(SQLITE_NOTADB\)/,
    ],
    [
      "a folder where the file should be",
      () => {
        const path = join(dir, "a-folder.db");
        mkdirSync(path, { recursive: true });
        return path;
      },
      /cannot use the database file/,
    ],
  ])("stops start-up on %s with one line naming STATE_URL, no stack", (_what, make, reason) => {
    const path = make();
    const result = run(`file:${path}`);
    expect(result.status).toBe(1);
    const stderr = result.stderr.trim();
    expect(stderr.split("\n")).toHaveLength(1);
    expect(stderr).toMatch(new RegExp(`^STATE_URL \\(file:${path.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}\\): `));
    expect(stderr).toMatch(reason);
    expect(stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});

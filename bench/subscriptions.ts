/**
 * Channel subscriptions at scale, on the fakes: the real app (HTTP mode) with 1000 subscriptions
 * over 200 projects (5 channels each, seeded in its SQLite state before start), while new
 * histories keep appearing in the fake SourceDeploy's lists for N seconds (default 30). Prints
 * history-list calls per poll interval (goal: = the number of projects, every channel of a project
 * shares one call), the time from a history appearing upstream to its post in a channel (median,
 * p99; about half an interval by design), and the app's RSS and event-loop delay (from /healthz).
 *
 *   npm run build && node --import tsx bench/subscriptions.ts [--seconds 30]
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { silentLogger } from "../src/log.js";
import { SqliteStateStore } from "../src/state/sqlite.js";
import { startStack } from "../test/e2e/harness.js";
import { readFixture } from "../test/support/fixtures.js";
import { type Figure, machine, median, percentile, printTable, tempState } from "./lib.js";

const PROJECTS = 200;
const CHANNELS_PER_PROJECT = 5;
const POLL_MS = 5000;
/** A new history somewhere every this many ms. */
const NEW_HISTORY_EVERY_MS = 100;
const FIRST_PROJECT = 600_000;
const FIXTURE = readFixture<{ result: Record<string, unknown> }>("server-fail.json");

const projectId = (i: number) => String(FIRST_PROJECT + i);

interface Entry {
  id: string;
  startTime: number;
}

function list(project: string, entries: readonly Entry[]): unknown {
  return {
    result: {
      historyList: [...entries]
        .reverse()
        .slice(0, 50)
        .map((e) => ({
          project: { id: Number(project), name: `svc-${project}` },
          stage: { id: 1, name: "prod" },
          scenario: { id: 2, name: "release" },
          id: e.id,
          startTime: e.startTime,
          status: "success",
        })),
    },
  };
}

function detail(project: string, id: string): unknown {
  return { ...FIXTURE, id, status: "success", project: { id: Number(project), name: `svc-${project}` } };
}

async function seed(path: string, url: string): Promise<void> {
  const store = SqliteStateStore.open({ path, url, logger: silentLogger });
  const subscriptions = store.subscriptions();
  for (let p = 0; p < PROJECTS; p++) {
    for (let c = 0; c < CHANNELS_PER_PROJECT; c++) {
      await subscriptions.put({
        channelId: `C${String(p * CHANNELS_PER_PROJECT + c).padStart(6, "0")}`,
        projectId: projectId(p),
        projectName: `svc-${projectId(p)}`,
        teamId: "T0TEST",
        stages: [],
        failuresOnly: false,
        createdBy: "U0ALICE",
        createdAt: Date.now(),
        since: "1",
        externallyShared: false,
      });
    }
    await subscriptions.setCursor(projectId(p), "1");
  }
  await store.close();
}

export async function subscriptionFigures(seconds = 30): Promise<Figure[]> {
  const state = tempState();
  await seed(state.path, state.url);
  const stack = await startStack({
    env: {
      LOG_LEVEL: "warn",
      STATE_URL: state.url,
      SUBSCRIPTION_POLL_MS: String(POLL_MS),
      // 200 projects every 5 s is 40 calls a second, plus the detail of each posted history.
      UPSTREAM_MAX_RPS: "100",
      SLACK_UPDATES_PER_MINUTE: "100000",
    },
  });
  const lists = new Map<string, Entry[]>();
  for (let p = 0; p < PROJECTS; p++) {
    lists.set(projectId(p), [{ id: "1", startTime: Date.now() - 3_600_000 }]);
    stack.sourceDeploy.setHistoryList(projectId(p), list(projectId(p), lists.get(projectId(p))!));
  }
  const appeared = new Map<string, number>();
  const latencies: number[] = [];
  const stopListening = stack.slack.onCall((call) => {
    if (call.method !== "chat.postMessage") return;
    const id = /#(\d+)/.exec(String(call.body.text))?.[1];
    const at = id === undefined ? undefined : appeared.get(id);
    if (at !== undefined) latencies.push(call.time - at);
  });
  try {
    // Let every loop start (they spread over one interval), then measure.
    await new Promise((r) => setTimeout(r, POLL_MS + 500));
    let next = 10;
    const start = Date.now();
    const add = setInterval(() => {
      const project = projectId(Math.floor(Math.random() * PROJECTS));
      const id = String(next++);
      stack.sourceDeploy.setHistory(project, id, detail(project, id));
      lists.get(project)!.push({ id, startTime: Date.now() });
      appeared.set(id, Date.now());
      stack.sourceDeploy.setHistoryList(project, list(project, lists.get(project)!));
    }, NEW_HISTORY_EVERY_MS);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(add);
    // The last histories get one more interval to be posted.
    await new Promise((r) => setTimeout(r, POLL_MS + 1000));
    const end = Date.now();
    const health = (await stack.app.get("/healthz")).json as {
      rssBytes: number;
      eventLoopDelayP99Ms: number;
      subscriptions: { subscriptions: number; loops: number };
    };
    const listCalls = stack.sourceDeploy.requests.filter(
      (r) => r.time >= start && r.time < end && /\/project\/\d+\/history\?/.test(r.path),
    );
    const intervals = (end - start) / POLL_MS;
    const expectedPosts = (next - 10) * CHANNELS_PER_PROJECT;
    const note = `${health.subscriptions.subscriptions} subscriptions / ${health.subscriptions.loops} loops, SUBSCRIPTION_POLL_MS=${POLL_MS}, a new history every ${NEW_HISTORY_EVERY_MS} ms for ${seconds} s`;
    return [
      {
        bench: "subscriptions",
        metric: "history-list calls per poll interval",
        value: (listCalls.length / intervals).toFixed(1),
        note: `${note}; goal = ${PROJECTS} (projects)`,
      },
      { bench: "subscriptions", metric: "posts / expected (histories × 5 channels)", value: `${latencies.length} / ${expectedPosts}` },
      { bench: "subscriptions", metric: "appearing upstream → posted, median", value: `${Math.round(median(latencies))} ms` },
      { bench: "subscriptions", metric: "appearing upstream → posted, p99", value: `${Math.round(percentile(latencies, 99))} ms` },
      { bench: "subscriptions", metric: "app event-loop delay p99", value: `${health.eventLoopDelayP99Ms} ms` },
      { bench: "subscriptions", metric: "app RSS", value: `${(health.rssBytes / 2 ** 20).toFixed(1)} MiB` },
    ];
  } finally {
    stopListening();
    await stack.stop();
    state.remove();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { seconds: { type: "string", default: "30" } } });
  console.log(machine());
  printTable(await subscriptionFigures(Number(values.seconds) || 30));
}

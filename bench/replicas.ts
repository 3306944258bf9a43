/**
 * Two instances on one Redis against one, on the same fakes, in one run (issue 15):
 * - answered/s: Refresh clicks answered through their response_url (each claims its interaction
 *   key in Redis), 20 connections to one instance, or 10 to each of two (a load balancer);
 *   and the SourceDeploy calls the finished history cost (each instance caches it on its own);
 * - live progress: 300 messages over 60 running deployments, shared on both instances, for N
 *   seconds (default 65, so a whole 60 s window fits): upstream calls per history tick (goal
 *   1.00: one instance polls each history), and chat.update calls in the busiest 60 s against
 *   SLACK_UPDATES_PER_MINUTE (50, the default; goal: never over);
 * - failover: the instance polling a running deployment is killed with SIGKILL; time until the
 *   other one polls it (and until it edits the message), median of 5, with STATE_LEASE_MS=5000.
 *
 *   npm run build && node --import tsx bench/replicas.ts [--seconds 65] [--runs 5]
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { blockActionBody, signSlackRequest, TEST_SIGNING_SECRET } from "../test/e2e/harness.js";
import type { RecordedCall } from "../test/fakes/slack-fake.js";
import { readFixture } from "../test/support/fixtures.js";
import { type RedisServer, startRedisServer } from "../test/support/redis-server.js";
import { isHistoryAnswer } from "./http.js";
import {
  callsPerTick,
  type Fakes,
  type Figure,
  machine,
  median,
  printTable,
  ratio,
  type Server,
  sleep,
  startFakes,
  startRealApp,
} from "./lib.js";
import { type LoadResult, runLoad } from "./load.js";

const PROJECT = "41027";
const CONNECTIONS = 20;
const LOAD_SECONDS = 10;
const HISTORIES = 60;
const WATCHES = 300;
const BUDGET = 50;
const LEASE_MS = 5000;
const FIXTURE = readFixture<{ result: Record<string, unknown> & { config: { targets: Record<string, unknown>[] }[] } }>(
  "server-inprogress.wrapped.json",
);
const STEPS = ["pending", "standby", "pre", "deploy", "post", "success"];

/** History `id` at `step`: its targets advance one status per step; never finished. */
function running(id: number, step: number): unknown {
  const targets = FIXTURE.result.config[0]!.targets.map((t, i) => ({ ...t, status: STEPS[Math.max(0, Math.min(4, step - i))] }));
  return { result: { ...FIXTURE.result, id: String(id), status: "inprogress", config: [{ ...FIXTURE.result.config[0], targets }] } };
}

const refreshClick = (_text: string, responseUrl: string) =>
  blockActionBody({ actionId: "history_refresh", value: `${PROJECT}:903344`, responseUrl, isEphemeral: true });

/** `count` instances on a fresh redis-server; `env` on top of the bench defaults. */
async function cluster(
  fakes: Fakes,
  count: number,
  env: Record<string, string>,
  store: "redis" | "sqlite" = "redis",
): Promise<{ apps: Server[]; redis: RedisServer; stop(): Promise<void> }> {
  const redis = await startRedisServer();
  const apps: Server[] = [];
  for (let i = 0; i < count; i++)
    apps.push(await startRealApp(fakes, [], { ...(store === "redis" ? { STATE_URL: redis.url } : {}), ...env }));
  return {
    apps,
    redis,
    stop: async () => {
      await Promise.all(apps.map((app) => app.stop()));
      await redis.close();
    },
  };
}

async function throughput(fakes: Fakes, count: number): Promise<{ perSecond: number; failures: number; upstream: number }> {
  const { apps, stop } = await cluster(fakes, count, {});
  try {
    const load = (seconds: number) =>
      Promise.all(
        apps.map((server) =>
          runLoad({
            server,
            slack: fakes.slack,
            connections: CONNECTIONS / count,
            seconds,
            text: () => `${PROJECT} 903344`,
            until: "answer",
            isAnswer: isHistoryAnswer,
            body: refreshClick,
          }),
        ),
      ).finally(() => fakes.slack.reset());
    const before = fakes.sourceDeploy.requests.length;
    await load(2);
    const runs: LoadResult[] = await load(LOAD_SECONDS);
    const done = runs.reduce((n, r) => n + r.done, 0);
    const elapsedMs = Math.max(...runs.map((r) => r.elapsedMs));
    return {
      perSecond: (done / elapsedMs) * 1000,
      failures: runs.reduce((n, r) => n + r.failures, 0),
      upstream: fakes.sourceDeploy.requests.length - before,
    };
  } finally {
    await stop();
  }
}

/** The most calls in any 60 s window (sliding). */
function busiestMinute(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  let first = 0;
  for (let last = 0; last < sorted.length; last++) {
    while (sorted[last]! - sorted[first]! >= 60_000) first += 1;
    most = Math.max(most, last - first + 1);
  }
  return most;
}

interface LiveResult {
  watches: number;
  perTick: number;
  upstreamPerSecond: number;
  busiest: number;
  updates: number;
}

async function live(fakes: Fakes, count: number, seconds: number, store: "redis" | "sqlite" = "redis"): Promise<LiveResult> {
  const env = {
    WATCH_INTERVAL_MS: "1000",
    WATCH_MAX_INTERVAL_MS: "5000",
    UPSTREAM_MAX_RPS: "100",
    WATCH_MAX: String(WATCHES),
    WATCH_MAX_PER_USER: String(WATCHES),
    WATCH_MAX_PER_CHANNEL: String(WATCHES),
    SLACK_UPDATES_PER_MINUTE: String(BUDGET),
  };
  const steps = new Array<number>(HISTORIES).fill(0);
  for (let i = 0; i < HISTORIES; i++) fakes.sourceDeploy.setHistory(PROJECT, 908_000 + i, running(908_000 + i, 0));
  const { apps, stop } = await cluster(fakes, count, env, store);
  try {
    for (let i = 0; i < WATCHES; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) => {
          const app = apps[(i + j) % apps.length]!;
          const body = blockActionBody({
            actionId: "history_share",
            value: `${PROJECT}:${908_000 + ((i + j) % HISTORIES)}`,
            responseUrl: fakes.slack.responseUrl(`live-${i + j}`),
            isEphemeral: true,
          });
          return fetch(`${app.url}/slack/events`, {
            method: "POST",
            headers: sign(body),
            body,
          }).then((res) => res.arrayBuffer());
        }),
      );
    }
    // The shares are acked before they are followed: wait for the watches, then for their first fetches to pass.
    const watchesNow = async () => ((await apps[0]!.getJson("/healthz")) as { live: { watches: number } }).live.watches;
    const deadline = Date.now() + 60_000;
    while ((await watchesNow()) < WATCHES && Date.now() < deadline) await sleep(100);
    const watches = await watchesNow();
    await sleep(2000);
    const advance = setInterval(() => {
      const i = Math.floor(Math.random() * HISTORIES);
      steps[i] = (steps[i]! + 1) % 5;
      fakes.sourceDeploy.setHistory(PROJECT, 908_000 + i, running(908_000 + i, steps[i]!));
    }, 100);
    fakes.slack.reset();
    const start = Date.now();
    await sleep(seconds * 1000);
    clearInterval(advance);
    const end = Date.now();
    const polls = fakes.sourceDeploy.requests.filter((r) => r.time >= start && r.time < end && /\/history\/908\d{3}$/.test(r.path));
    const byHistory = new Map<string, number[]>();
    for (const poll of polls) byHistory.set(poll.path, [...(byHistory.get(poll.path) ?? []), poll.time]);
    const updates = fakes.slack.calls("chat.update").filter((c: RecordedCall) => c.time >= start && c.time < end);
    return {
      watches,
      perTick: Math.max(...[...byHistory.values()].map((times) => callsPerTick(times))),
      upstreamPerSecond: polls.length / ((end - start) / 1000),
      busiest: busiestMinute(updates.map((c) => c.time)),
      updates: updates.length,
    };
  } finally {
    await stop();
  }
}

const sign = (body: string): Record<string, string> => signSlackRequest(body, TEST_SIGNING_SECRET);

/** Kill -9 of the poller: ms until the other instance polls the history, and until it edits the message. */
async function failover(fakes: Fakes, runs: number): Promise<{ poll: number[]; update: number[] }> {
  const poll: number[] = [];
  const update: number[] = [];
  for (let run = 0; run < runs; run++) {
    const historyId = 909_000 + run;
    let step = 0;
    fakes.sourceDeploy.setHistory(PROJECT, historyId, running(historyId, step));
    const { apps, stop } = await cluster(fakes, 2, {
      STATE_LEASE_MS: String(LEASE_MS),
      WATCH_INTERVAL_MS: "500",
      WATCH_MAX_INTERVAL_MS: "500",
    });
    try {
      const body = blockActionBody({
        actionId: "history_share",
        value: `${PROJECT}:${historyId}`,
        responseUrl: fakes.slack.responseUrl(`failover-${run}`),
        isEphemeral: true,
      });
      await fetch(`${apps[0]!.url}/slack/events`, { method: "POST", headers: sign(body), body }).then((res) => res.arrayBuffer());
      while (fakes.slack.calls("chat.postMessage").length === 0) await sleep(20);
      const ts = String(fakes.slack.calls("chat.postMessage").at(-1)?.response?.ts);
      // Let the lease be renewed a few times, so the kill comes at a random point of its period.
      await sleep(LEASE_MS * (1 + Math.random()));
      const loops = await Promise.all(apps.map(async (app) => ((await app.getJson("/healthz")) as { live: { loops: number } }).live.loops));
      const poller = apps[loops.indexOf(1)]!;
      process.kill(poller.pid, "SIGKILL");
      const killedAt = Date.now();
      fakes.sourceDeploy.setHistory(PROJECT, historyId, running(historyId, ++step));
      const path = `/history/${historyId}`;
      const deadline = killedAt + 4 * LEASE_MS + 10_000;
      let polledAt: number | undefined;
      let updatedAt: number | undefined;
      while (Date.now() < deadline && (polledAt === undefined || updatedAt === undefined)) {
        polledAt ??= fakes.sourceDeploy.requests.find((r) => r.time > killedAt + 50 && r.path.endsWith(path))?.time;
        updatedAt ??= fakes.slack.calls("chat.update").find((c) => c.time > killedAt && c.body.ts === ts)?.time;
        await sleep(20);
      }
      if (polledAt !== undefined) poll.push(polledAt - killedAt);
      if (updatedAt !== undefined) update.push(updatedAt - killedAt);
    } finally {
      await stop();
      fakes.slack.reset();
    }
  }
  return { poll, update };
}

export async function replicaFigures(seconds = 65, runs = 5): Promise<Figure[]> {
  const fakes = await startFakes();
  try {
    const one = await throughput(fakes, 1);
    const two = await throughput(fakes, 2);
    const liveSqlite = await live(fakes, 1, seconds, "sqlite");
    const liveOne = await live(fakes, 1, seconds);
    const liveTwo = await live(fakes, 2, seconds);
    const { poll, update } = await failover(fakes, runs);
    const failed = (f: number) => (f > 0 ? `; ${f} FAILED` : "");
    const liveNote = (r: LiveResult) =>
      `${r.watches} watches / ${HISTORIES} histories, ${seconds} s; SourceDeploy ${r.upstreamPerSecond.toFixed(1)} calls/s; ${r.updates} chat.update in all`;
    return [
      {
        bench: "replicas",
        metric: `Refresh clicks, ${CONNECTIONS} conn, 1 instance`,
        value: `${one.perSecond.toFixed(0)} answered/s`,
        note: `baseline (Redis); ${one.upstream} SourceDeploy call(s) for the finished history${failed(one.failures)}`,
      },
      {
        bench: "replicas",
        metric: `Refresh clicks, ${CONNECTIONS} conn spread, 2 instances`,
        value: `${two.perSecond.toFixed(0)} answered/s (${ratio(two.perSecond, one.perSecond)})`,
        note: `${two.upstream} SourceDeploy call(s) for the finished history (one per instance)${failed(two.failures)}`,
      },
      {
        bench: "replicas",
        metric: "upstream calls per history tick, 1 instance (worst history)",
        value: liveOne.perTick.toFixed(2),
        note: liveNote(liveOne),
      },
      {
        bench: "replicas",
        metric: "upstream calls per history tick, 2 instances (worst history)",
        value: liveTwo.perTick.toFixed(2),
        note: `goal 1.00: ${liveTwo.perTick <= 1 ? "met" : "NOT met"}; ${liveNote(liveTwo)}`,
      },
      {
        bench: "replicas",
        metric: "chat.update in the busiest 60 s, 1 instance on SQLite",
        value: `${liveSqlite.busiest} / ${BUDGET}`,
        note: `the in-process budget alone (sliding 60 s); ${liveNote(liveSqlite)}`,
      },
      {
        bench: "replicas",
        metric: "chat.update in the busiest 60 s, 1 instance",
        value: `${liveOne.busiest} / ${BUDGET}`,
        note: `SLACK_UPDATES_PER_MINUTE=${BUDGET}: ${liveOne.busiest <= BUDGET ? "within" : "OVER"}`,
      },
      {
        bench: "replicas",
        metric: "chat.update in the busiest 60 s, 2 instances",
        value: `${liveTwo.busiest} / ${BUDGET}`,
        note: `goal never over: ${liveTwo.busiest <= BUDGET ? "met" : "NOT met"}`,
      },
      {
        bench: "replicas",
        metric: `failover after kill -9, median of ${poll.length}: first poll by the other instance`,
        value: `${(median(poll) / 1000).toFixed(1)} s (${(median(poll) / LEASE_MS).toFixed(2)} lease periods)`,
        note: `STATE_LEASE_MS=${LEASE_MS}; all: ${poll.map((ms) => (ms / 1000).toFixed(1)).join(", ")} s; goal ≤ 2 periods: ${Math.max(...poll) <= 2 * LEASE_MS ? "met" : "NOT met"}`,
      },
      {
        bench: "replicas",
        metric: `failover after kill -9, median of ${update.length}: first message edit`,
        value: `${(median(update) / 1000).toFixed(1)} s`,
        note: `all: ${update.map((ms) => (ms / 1000).toFixed(1)).join(", ")} s`,
      },
    ];
  } finally {
    await fakes.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { seconds: { type: "string", default: "65" }, runs: { type: "string", default: "5" } } });
  console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
  printTable(await replicaFigures(Number(values.seconds) || 65, Number(values.runs) || 5));
}

/**
 * HTTP throughput of `/deploy-history`, answered end to end. Three Bolt apps run as child processes
 * against the same fakes (fake Slack with its response_url receiver, signature-checking fake
 * SourceDeploy), in one run:
 *   bare Bolt        only acks: the floor (bench/bare-bolt-main.ts);
 *   hand-written     the app a team would write: ack, undici GET signed with NCP signature v2,
 *                    header + a section per target, respond() (bench/hand-written-bolt-main.ts);
 *   ours             `node dist/server.mjs`.
 * Load is closed-loop (bench/load.ts): each connection sends a command and waits for its answer on
 * the response_url before the next, so answered/s is the throughput of full answers and the
 * latency runs from the request to the response_url post.
 *   cold   = every command a different finished history (COLD_HISTORIES ids, more than the app's
 *            history cache holds, each with its own times): every command fetches from SourceDeploy;
 *   cached = the same finished history (`41027 903344`) over and over: ours serves it from its cache.
 * Each case runs ROUNDS times, interleaved, so the shared machine's load spreads over all of them.
 *
 *   npm run build && node --import tsx bench/http.ts [--seconds 10]
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import type { RecordedCall } from "../test/fakes/slack-fake.js";
import { readFixture } from "../test/support/fixtures.js";
import { startBareBolt, startHandWrittenBolt } from "./bolt-apps.js";
import {
  type Fakes,
  type Figure,
  machine,
  percentile,
  printTable,
  ratio,
  type Server,
  startFakes,
  startRealApp,
  type TempState,
} from "./lib.js";
import { type LoadResult, runLoad } from "./load.js";

export const CONNECTIONS = [10, 50] as const;
const ROUNDS = 2;
const WARMUP_SECONDS = 2;
const PROJECT = "41027";
const CACHED_HISTORY = "903344";
/**
 * Finished histories under distinct ids (and times) for the cold runs, used in turn: five times what the
 * app's history cache keeps (HISTORY_CACHE_MAX, 1000), so a history is always evicted before it comes back.
 */
const COLD_HISTORIES = 5_000;
const COLD_FIRST_ID = 910_000;
/** Ours answered/s must reach this share of the hand-written peer's (issue goal). */
const GOAL_VS_PEER: Record<Cache, { ratio: number; says: string }> = {
  cold: { ratio: 0.8, says: "≥ 0.8× peer" },
  cached: { ratio: 1, says: "> 1× peer" },
};

export interface Targets {
  fakes: Fakes;
  /** Ours, with its SQLite state file. */
  app: Server & { state?: TempState };
  bare: Server;
  peer: Server;
}

export type Who = "bare" | "peer" | "app";
export type Cache = "cold" | "cached";
interface Case {
  who: Who;
  cache: Cache;
}

/** bare Bolt only acks, so it runs once (its cache column means nothing); peer and ours alternate. */
const CASES: readonly Case[] = [
  { who: "bare", cache: "cached" },
  { who: "peer", cache: "cold" },
  { who: "app", cache: "cold" },
  { who: "peer", cache: "cached" },
  { who: "app", cache: "cached" },
];

interface Measured extends Case {
  connections: number;
  runs: LoadResult[];
  /** SourceDeploy requests during the runs. */
  upstream: number;
}

/** Per server: the next cold history it asks for. Each server goes through all COLD_HISTORIES before one comes back. */
const coldCursors = new Map<Who, number>();

/** The command text for each command of a case: cold, the next history of `who`'s own round of COLD_HISTORIES. */
export function commandText(cache: Cache, who: Who): () => string {
  if (cache === "cached") return () => `${PROJECT} ${CACHED_HISTORY}`;
  return () => {
    const cursor = coldCursors.get(who) ?? 0;
    coldCursors.set(who, cursor + 1);
    return `${PROJECT} ${COLD_FIRST_ID + (cursor % COLD_HISTORIES)}`;
  };
}

const HOUR_MS = 3_600_000;

/** A copy of `value` with every epoch-ms time (startTime, endTime, a target's time.pre/deploy/post) moved by `offsetMs`. */
function shiftTimes(value: unknown, offsetMs: number, isTime = false): unknown {
  if (typeof value === "number") return isTime ? value + offsetMs : value;
  if (Array.isArray(value)) return value.map((item) => shiftTimes(item, offsetMs));
  if (typeof value !== "object" || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      shiftTimes(field, offsetMs, isTime || key === "time" || key === "startTime" || key === "endTime"),
    ]),
  );
}

/**
 * The fake SourceDeploy serves the cold histories: copies of the cached one (finished, 3 targets)
 * under other ids, each an hour later than the one before, so no two share a date to format.
 */
export function serveColdHistories(fakes: Fakes): void {
  const history = readFixture<Record<string, unknown>>("server-fail.json");
  for (let i = 0; i < COLD_HISTORIES; i++) {
    fakes.sourceDeploy.setHistory(PROJECT, COLD_FIRST_ID + i, {
      ...(shiftTimes(history, (i + 1) * HOUR_MS) as object),
      id: COLD_FIRST_ID + i,
    });
  }
}

/** A real answer names the history asked for and has blocks (not an error line). */
export function isHistoryAnswer(call: RecordedCall, text: string): boolean {
  const historyId = text.split(" ")[1] ?? "";
  const reply = call.body as { text?: unknown; blocks?: unknown };
  return (
    call.status === 200 &&
    typeof reply.text === "string" &&
    reply.text.includes(historyId) &&
    Array.isArray(reply.blocks) &&
    reply.blocks.length >= 2
  );
}

async function measureOnce(
  targets: Targets,
  c: Case,
  connections: number,
  seconds: number,
): Promise<{ run: LoadResult; upstream: number }> {
  const { slack, sourceDeploy } = targets.fakes;
  slack.reset();
  sourceDeploy.requests.length = 0;
  const run = await runLoad({
    server: targets[c.who],
    slack,
    connections,
    seconds,
    text: commandText(c.cache, c.who),
    until: c.who === "bare" ? "ack" : "answer",
    isAnswer: isHistoryAnswer,
  });
  const upstream = sourceDeploy.requests.length;
  slack.reset();
  sourceDeploy.requests.length = 0;
  return { run, upstream };
}

/** Unmeasured load on each path first: JIT, connection pools and the history cache warm up. */
async function warmUp(targets: Targets): Promise<void> {
  for (const c of CASES) await measureOnce(targets, c, CONNECTIONS[0], WARMUP_SECONDS);
}

export async function runHttpBench(targets: Targets, seconds = 10): Promise<Measured[]> {
  await warmUp(targets);
  const measured: Measured[] = CONNECTIONS.flatMap((connections) => CASES.map((c) => ({ ...c, connections, runs: [], upstream: 0 })));
  for (const connections of CONNECTIONS) {
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of CASES) {
        const { run, upstream } = await measureOnce(targets, c, connections, seconds / ROUNDS);
        const into = measured.find((m) => m.connections === connections && m.who === c.who && m.cache === c.cache)!;
        into.runs.push(run);
        into.upstream += upstream;
      }
    }
  }
  return measured;
}

interface Summary {
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  ackP99Ms: number;
  cpuUsPerDone: number;
  benchCpuShare: number;
  upstreamPerDone: number;
  failures: number;
}

function summarize(m: Measured): Summary {
  const sum = (f: (r: LoadResult) => number) => m.runs.reduce((total, r) => total + f(r), 0);
  const done = sum((r) => r.done);
  const elapsedMs = sum((r) => r.elapsedMs);
  const latencies = m.runs.flatMap((r) => (m.who === "bare" ? r.ackMs : r.answerMs));
  return {
    perSecond: (done / elapsedMs) * 1000,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    ackP99Ms: percentile(
      m.runs.flatMap((r) => r.ackMs),
      99,
    ),
    cpuUsPerDone: (sum((r) => r.serverCpuMs) * 1000) / done,
    benchCpuShare: sum((r) => r.benchCpuMs) / elapsedMs,
    upstreamPerDone: m.upstream / done,
    failures: sum((r) => r.failures),
  };
}

const ms = (value: number): string => value.toFixed(value < 10 ? 1 : 0);

function details(s: Summary, m: Measured): string {
  const failures = s.failures > 0 ? `; ${s.failures} FAILED` : "";
  const upstream = m.who === "bare" ? "" : `; SourceDeploy ${s.upstreamPerDone.toFixed(2)}/answer; ack p99 ${ms(s.ackP99Ms)} ms`;
  return `p50 ${ms(s.p50Ms)} ms; server CPU ${s.cpuUsPerDone.toFixed(0)} µs/${m.who === "bare" ? "ack" : "answer"}${upstream}; bench process ${(s.benchCpuShare * 100).toFixed(0)} % CPU${failures}`;
}

export function httpFigures(measured: readonly Measured[], seconds: number): Figure[] {
  return CONNECTIONS.flatMap((connections) => {
    const of = (who: Who, cache: Cache) => measured.find((m) => m.connections === connections && m.who === who && m.cache === cache)!;
    const bare = of("bare", "cached");
    const bareSummary = summarize(bare);
    const figures: Figure[] = [
      {
        bench: "http",
        metric: `${connections} conn, bare Bolt (ack only)`,
        value: `${bareSummary.perSecond.toFixed(0)} acks/s, ack p99 ${ms(bareSummary.p99Ms)} ms`,
        note: `floor; ${details(bareSummary, bare)}; ${ROUNDS}×${seconds / ROUNDS} s`,
      },
    ];
    for (const cache of ["cold", "cached"] as const) {
      const peer = summarize(of("peer", cache));
      const app = summarize(of("app", cache));
      const goal = GOAL_VS_PEER[cache];
      const answeredRatio = app.perSecond / peer.perSecond;
      const met = cache === "cached" ? answeredRatio > goal.ratio : answeredRatio >= goal.ratio;
      figures.push(
        {
          bench: "http",
          metric: `${connections} conn, ${cache}, hand-written peer`,
          value: `${peer.perSecond.toFixed(0)} answered/s, p99 ${ms(peer.p99Ms)} ms`,
          note: details(peer, of("peer", cache)),
        },
        {
          bench: "http",
          metric: `${connections} conn, ${cache}, ours`,
          value: `${app.perSecond.toFixed(0)} answered/s (${ratio(app.perSecond, peer.perSecond)}), p99 ${ms(app.p99Ms)} ms (${ratio(app.p99Ms, peer.p99Ms)})`,
          note: `goal ${goal.says}: ${met ? "met" : "NOT met"}; ${details(app, of("app", cache))}`,
        },
      );
    }
    return figures;
  });
}

/** Starts the fakes, the real app, bare Bolt and the hand-written peer; runs `work`; stops everything. */
export async function withTargets<T>(work: (targets: Targets) => Promise<T>): Promise<T> {
  const fakes = await startFakes();
  serveColdHistories(fakes);
  const started: Server[] = [];
  const start = async <S extends Server>(starter: () => Promise<S>): Promise<S> => {
    const server = await starter();
    started.push(server);
    return server;
  };
  try {
    const app = await start(() => startRealApp(fakes));
    const bare = await start(() => startBareBolt(fakes));
    const peer = await start(() => startHandWrittenBolt(fakes));
    return await work({ fakes, app, bare, peer });
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    await fakes.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" } } });
  const seconds = Number(values.seconds) || 10;
  console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
  printTable(httpFigures(await withTargets((targets) => runHttpBench(targets, seconds)), seconds));
}

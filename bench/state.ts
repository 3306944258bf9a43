/**
 * What the durable state costs, in one run:
 * - throughput: Refresh clicks answered through their response_url, by the real app with its
 *   state in memory (`STATE_URL=memory:`) and in SQLite (the default). Every click is a new
 *   interaction, so every click claims its key in the store (one write); the history is finished
 *   and cached, so the store is the only difference. 10 and 50 connections, two interleaved rounds
 *   each. Goal: SQLite ≥ 0.9× memory.
 * - start-up: spawn → /healthz 200 with memory, an empty database, and a database holding 10 000
 *   watches (resumed at start) and 100 000 event ids; median of N, started in turn.
 * - size: the database after the clicks, and the 10 000 / 100 000 one.
 *
 *   npm run build && node --import tsx bench/state.ts [--seconds 10] [--runs 5]
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { silentLogger } from "../src/log.js";
import { SqliteStateStore } from "../src/state/sqlite.js";
import { blockActionBody } from "../test/e2e/harness.js";
import { isHistoryAnswer } from "./http.js";
import {
  type Figure,
  machine,
  median,
  mib,
  percentile,
  printTable,
  ratio,
  type Server,
  startFakes,
  startRealApp,
  tempState,
} from "./lib.js";
import { type LoadResult, runLoad } from "./load.js";

const CONNECTIONS = [10, 50] as const;
const ROUNDS = 2;
const WARMUP_SECONDS = 2;
const GOAL = 0.9;
const TEXT = "41027 903344";
const WATCHES = 10_000;
const EVENT_IDS = 100_000;
/** Histories the stored watches follow (20 messages each). */
const HISTORIES = 500;

type Kind = "memory" | "sqlite";

/** A Refresh click on the finished, cached history; every call is a new click (its own trigger_id and action_ts). */
const refreshClick = (_text: string, responseUrl: string) =>
  blockActionBody({ actionId: "history_refresh", value: "41027:903344", responseUrl, isEphemeral: true });

function summary(runs: readonly LoadResult[]): { perSecond: number; p99Ms: number; cpuUs: number; failures: number } {
  const done = runs.reduce((n, r) => n + r.done, 0);
  const elapsedMs = runs.reduce((n, r) => n + r.elapsedMs, 0);
  return {
    perSecond: (done / elapsedMs) * 1000,
    p99Ms: percentile(
      runs.flatMap((r) => r.answerMs),
      99,
    ),
    /** Server CPU per answer: steadier than throughput on a shared machine. */
    cpuUs: (runs.reduce((n, r) => n + r.serverCpuMs, 0) * 1000) / done,
    failures: runs.reduce((n, r) => n + r.failures, 0),
  };
}

async function throughputFigures(seconds: number): Promise<Figure[]> {
  const fakes = await startFakes();
  const servers: Record<Kind, Server & { state?: { bytes(): number } }> = {
    memory: await startRealApp(fakes, [], { STATE_URL: "memory:" }),
    sqlite: await startRealApp(fakes),
  };
  try {
    const load = (kind: Kind, connections: number, s: number) =>
      runLoad({
        server: servers[kind],
        slack: fakes.slack,
        connections,
        seconds: s,
        text: () => TEXT,
        until: "answer",
        isAnswer: isHistoryAnswer,
        body: refreshClick,
      }).finally(() => fakes.slack.reset());
    for (const kind of ["memory", "sqlite"] as const) await load(kind, CONNECTIONS[0], WARMUP_SECONDS);
    const figures: Figure[] = [];
    let clicks = 0;
    for (const connections of CONNECTIONS) {
      const runs: Record<Kind, LoadResult[]> = { memory: [], sqlite: [] };
      for (let round = 0; round < ROUNDS; round++)
        for (const kind of ["memory", "sqlite"] as const) runs[kind].push(await load(kind, connections, seconds / ROUNDS));
      clicks += runs.sqlite.reduce((n, r) => n + r.commands, 0);
      const memory = summary(runs.memory);
      const sqlite = summary(runs.sqlite);
      const failed = (f: number) => (f > 0 ? `; ${f} FAILED` : "");
      figures.push(
        {
          bench: "state",
          metric: `${connections} conn, Refresh clicks, memory:`,
          value: `${memory.perSecond.toFixed(0)} answered/s, p99 ${memory.p99Ms.toFixed(1)} ms`,
          note: `baseline; server CPU ${memory.cpuUs.toFixed(0)} µs/answer; ${ROUNDS}×${seconds / ROUNDS} s${failed(memory.failures)}`,
        },
        {
          bench: "state",
          metric: `${connections} conn, Refresh clicks, SQLite`,
          value: `${sqlite.perSecond.toFixed(0)} answered/s (${ratio(sqlite.perSecond, memory.perSecond)}), p99 ${sqlite.p99Ms.toFixed(1)} ms (${ratio(sqlite.p99Ms, memory.p99Ms)})`,
          note: `goal ≥ ${GOAL}× memory: ${sqlite.perSecond / memory.perSecond >= GOAL ? "met" : "NOT met"}; server CPU ${sqlite.cpuUs.toFixed(0)} µs/answer (${ratio(sqlite.cpuUs, memory.cpuUs)})${failed(sqlite.failures)}`,
        },
      );
    }
    figures.push({
      bench: "state",
      metric: "database after the Refresh clicks",
      value: mib(servers.sqlite.state?.bytes() ?? 0),
      note: `${clicks} measured clicks (plus warm-up), one remembered key each`,
    });
    return figures;
  } finally {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
    await fakes.close();
  }
}

/** A database as a busy app leaves it: WATCHES followed messages and EVENT_IDS remembered event ids. */
async function fillDatabase(path: string): Promise<void> {
  const store = SqliteStateStore.open({ path, url: `file:${path}`, logger: silentLogger });
  const now = Date.now();
  const watches = store.watches<{ surface: string; shareButton: boolean }>();
  for (let i = 0; i < WATCHES; i++) {
    await watches.add({
      id: `bench-${i}`,
      projectId: "41027",
      historyId: String(990_000 + (i % HISTORIES)),
      location: { kind: "message", channel: `C${i % 97}`, ts: `1700000000.${String(i).padStart(6, "0")}` },
      requester: { userId: `U${i % 211}`, channelId: `C${i % 97}` },
      createdAt: now,
      hints: { surface: "detail", shareButton: false },
      lastDigest: "bench",
    });
  }
  for (let i = 0; i < EVENT_IDS; i++) await store.claimOnce(`event:Ev${i}`, 10 * 60_000);
  await store.close();
}

async function startupFigures(runs: number): Promise<Figure[]> {
  const fakes = await startFakes();
  const empty = tempState();
  const full = tempState();
  try {
    await fillDatabase(full.path);
    // Watches are resumed with hourly polling (BENCH_APP_ENV), so start-up is all that is measured.
    const cases = { memory: "memory:", empty: empty.url, full: full.url } as const;
    const samples: Record<keyof typeof cases, number[]> = { memory: [], empty: [], full: [] };
    let resumed = 0;
    for (let i = 0; i < runs; i++) {
      for (const kind of Object.keys(cases) as (keyof typeof cases)[]) {
        const server = await startRealApp(fakes, [], { STATE_URL: cases[kind], WATCH_MAX: String(WATCHES) });
        if (kind === "full") resumed = ((await server.getJson("/healthz")) as { live: { watches: number } }).live.watches;
        await server.stop();
        samples[kind].push(server.startupMs);
      }
    }
    const memory = median(samples.memory);
    return [
      { bench: "state", metric: `start-up, memory:, median of ${runs}`, value: `${memory.toFixed(0)} ms`, note: "baseline" },
      {
        bench: "state",
        metric: `start-up, empty SQLite database`,
        value: `${median(samples.empty).toFixed(0)} ms (${ratio(median(samples.empty), memory)})`,
      },
      {
        bench: "state",
        metric: `start-up, ${WATCHES} watches + ${EVENT_IDS} event ids`,
        value: `${median(samples.full).toFixed(0)} ms (${ratio(median(samples.full), memory)})`,
        note: `${resumed} watches resumed in ${HISTORIES} loops; database ${mib(full.bytes())}`,
      },
    ];
  } finally {
    empty.remove();
    full.remove();
    await fakes.close();
  }
}

export async function stateFigures(seconds = 10, runs = 5): Promise<Figure[]> {
  return [...(await throughputFigures(seconds)), ...(await startupFigures(runs))];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" }, runs: { type: "string", default: "5" } } });
  console.log(`machine: ${machine()}; ${new Date().toISOString()}`);
  printTable(await stateFigures(Number(values.seconds) || 10, Number(values.runs) || 5));
}

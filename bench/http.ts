/**
 * HTTP throughput of `/deploy-history` against a bare Bolt app that only acks. Signed slash
 * commands go to the real app (HTTP mode, fake Slack and fake SourceDeploy) and to the bare Bolt
 * baseline (bench/bare-bolt-main.ts), both child processes, at 10 and 50 connections for N seconds
 * each (default 10): acks/s, ack latency p50/p99, and for the app commands fully answered per second
 * (the fake Slack's response_url posts within the window).
 *   cold   = `41027 904611`, a running history: never cached, so every command needs SourceDeploy
 *   cached = `41027 903344`, a finished history: served from the app's history cache
 * Live progress is effectively off (BENCH_APP_ENV: WATCH_MAX=1, hourly polling) so following the
 * running deployment adds no polling. Every command of a run carries the same signed body (a
 * signature is valid for 5 minutes; the timestamp is fresh at the start of each run).
 *
 *   npm run build && node --import tsx bench/http.ts [--seconds 10]
 */

import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { nowSeconds, signSlackRequest, slashCommandBody, TEST_SIGNING_SECRET } from "../test/e2e/harness.js";
import { startBareBolt } from "./bare-bolt.js";
import { type Fakes, type Figure, goalNote, machine, printTable, ratio, type Server, sleep, startFakes, startRealApp } from "./lib.js";

export const CONNECTIONS = [10, 50] as const;
const WARMUP_SECONDS = 2;
const DRAIN_TIMEOUT_MS = 30_000;

export interface Targets {
  fakes: Fakes;
  app: Server;
  bare: Server;
}

type Scenario = "bare" | "cold" | "cached";

const TEXT: Record<Scenario, string> = { bare: "41027 903344", cold: "41027 904611", cached: "41027 903344" };
/** Fully answered needs this much of bare Bolt's acks/s (goal). */
const ANSWERED_GOAL: Record<Exclude<Scenario, "bare">, number> = { cold: 0.4, cached: 0.6 };

interface Run {
  scenario: Scenario;
  connections: number;
  acksPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  answeredPerSecond: number;
  upstreamPerSecond: number;
  /** Non-2xx answers and connection errors: must be 0 for the figures to count. */
  failures: number;
}

/** One signed command; the same body is posted for a whole run. */
function signedCommand(fakes: Fakes, scenario: Scenario): { body: string; headers: Record<string, string> } {
  // One response_url for every command: the app then follows at most that one message (WATCH_MAX=1)
  // instead of logging "cap reached" for each command.
  const body = slashCommandBody({ text: TEXT[scenario], responseUrl: fakes.slack.responseUrl("bench") });
  return { body, headers: signSlackRequest(body, TEST_SIGNING_SECRET, nowSeconds()) };
}

function fire(
  server: Server,
  command: { body: string; headers: Record<string, string> },
  connections: number,
  seconds: number,
): Promise<autocannon.Result> {
  return autocannon({ url: `${server.url}/slack/events`, method: "POST", ...command, connections, duration: seconds });
}

/** Waits until the app has answered every acked command, so one run's backlog cannot spill into the next. */
async function drain(server: Server): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (Date.now() < deadline) {
    const health = (await server.getJson("/healthz")) as { inFlight?: unknown };
    if (typeof health.inFlight !== "number" || health.inFlight === 0) return;
    await sleep(50);
  }
  throw new Error(`the app still had commands in flight ${DRAIN_TIMEOUT_MS} ms after the run`);
}

function countWithin(times: readonly number[], start: number, end: number): number {
  return times.filter((t) => t >= start && t <= end).length;
}

async function measure(targets: Targets, scenario: Scenario, connections: number, seconds: number): Promise<Run> {
  const server = scenario === "bare" ? targets.bare : targets.app;
  const { slack, sourceDeploy } = targets.fakes;
  slack.reset();
  sourceDeploy.requests.length = 0;
  const result = await fire(server, signedCommand(targets.fakes, scenario), connections, seconds);
  const start = result.start.getTime();
  const end = result.finish.getTime();
  const span = (end - start) / 1000;
  await drain(server);
  return {
    scenario,
    connections,
    acksPerSecond: result["2xx"] / span,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    answeredPerSecond:
      countWithin(
        slack.calls("response_url").map((c) => c.time),
        start,
        end,
      ) / span,
    upstreamPerSecond:
      countWithin(
        sourceDeploy.requests.map((r) => r.time),
        start,
        end,
      ) / span,
    failures: result.non2xx + result.errors,
  };
}

/** Unmeasured load on each path first: JIT, connection pools and the history cache warm up. */
async function warmUp(targets: Targets): Promise<void> {
  for (const scenario of ["bare", "cold", "cached"] as const) await measure(targets, scenario, 10, WARMUP_SECONDS);
}

export async function runHttpBench(targets: Targets, seconds = 10): Promise<Run[]> {
  await warmUp(targets);
  const runs: Run[] = [];
  for (const connections of CONNECTIONS) {
    for (const scenario of ["bare", "cold", "cached"] as const) runs.push(await measure(targets, scenario, connections, seconds));
  }
  return runs;
}

function appFigures(run: Run, bare: Run, seconds: number): Figure[] {
  const label = `${run.connections} conn, ${run.scenario}`;
  const answeredGoal = ANSWERED_GOAL[run.scenario as Exclude<Scenario, "bare">];
  const failed = run.failures > 0 ? `; ${run.failures} non-2xx/errors` : "";
  return [
    {
      bench: "http",
      metric: `${label}: acks/s`,
      value: `${run.acksPerSecond.toFixed(0)} (${ratio(run.acksPerSecond, bare.acksPerSecond)})`,
      note: goalNote(run.acksPerSecond / bare.acksPerSecond, 0.8, "min") + failed,
    },
    {
      bench: "http",
      metric: `${label}: ack p50 / p99`,
      value: `${run.p50Ms} / ${run.p99Ms} ms (p99 ${ratio(run.p99Ms, bare.p99Ms)})`,
      note: goalNote(run.p99Ms / bare.p99Ms, 2, "max", "bare p99"),
    },
    {
      bench: "http",
      metric: `${label}: fully answered/s`,
      value: `${run.answeredPerSecond.toFixed(0)} (${ratio(run.answeredPerSecond, bare.acksPerSecond)})`,
      note: `${goalNote(run.answeredPerSecond / bare.acksPerSecond, answeredGoal, "min", "bare acks/s")}; SourceDeploy ${run.upstreamPerSecond.toFixed(0)} calls/s; ${seconds} s`,
    },
  ];
}

export function httpFigures(runs: readonly Run[], seconds: number): Figure[] {
  return CONNECTIONS.flatMap((connections) => {
    const of = (scenario: Scenario) => runs.find((r) => r.connections === connections && r.scenario === scenario)!;
    const bare = of("bare");
    return [
      {
        bench: "http",
        metric: `${connections} conn, bare Bolt: acks/s`,
        value: bare.acksPerSecond.toFixed(0),
        note: bare.failures > 0 ? `${bare.failures} non-2xx/errors` : "baseline",
      },
      {
        bench: "http",
        metric: `${connections} conn, bare Bolt: ack p50 / p99`,
        value: `${bare.p50Ms} / ${bare.p99Ms} ms`,
        note: "baseline",
      },
      ...appFigures(of("cold"), bare, seconds),
      ...appFigures(of("cached"), bare, seconds),
    ];
  });
}

/** Starts the fakes, the real app and bare Bolt; runs `work`; stops everything. */
export async function withTargets<T>(work: (targets: Targets) => Promise<T>): Promise<T> {
  const fakes = await startFakes();
  const started: Server[] = [];
  try {
    const app = await startRealApp(fakes);
    started.push(app);
    const bare = await startBareBolt(fakes);
    started.push(bare);
    return await work({ fakes, app, bare });
  } finally {
    await Promise.all(started.map((s) => s.stop()));
    await fakes.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" } } });
  const seconds = Number(values.seconds) || 10;
  console.log(machine());
  printTable(httpFigures(await withTargets((targets) => runHttpBench(targets, seconds)), seconds));
}

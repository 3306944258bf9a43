/**
 * Helpers shared by the benchmarks: timing, medians and a result table; the servers under test (the
 * real app and the fakes it talks to, spawned and probed like bare Bolt) and how figures are formatted.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import http from "node:http";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { APP_ENTRY, cleanEnv, freePort, REPO_ROOT, stackEnv, TEST_ACCESS_KEY, TEST_SECRET_KEY } from "../test/e2e/harness.js";
import { type FakeSlack, startFakeSlack } from "../test/fakes/slack-fake.js";
import { type FakeSourceDeploy, startFakeSourceDeploy } from "../test/fakes/sourcedeploy-fake.js";

export interface Figure {
  bench: string;
  metric: string;
  value: string;
  note?: string;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;
}

/** Median wall time of `fn` in ms over `runs` runs, after `warmup` unmeasured runs. */
/** Requests for one history that arrived within `windowMs` of each other belong to one tick. */
export function callsPerTick(times: number[], windowMs = 100): number {
  let ticks = 0;
  let last = -Infinity;
  for (const t of [...times].sort((a, b) => a - b)) {
    if (t - last > windowMs) ticks += 1;
    last = t;
  }
  return ticks === 0 ? 0 : times.length / ticks;
}

export function timeMedian(fn: () => unknown, runs: number, warmup = Math.ceil(runs / 5)): number {
  for (let i = 0; i < warmup; i++) fn();
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

export function machine(): string {
  return `${cpus().length} cores (${cpus()[0]?.model.trim() ?? "unknown cpu"}), Node ${process.version}`;
}

export function printTable(figures: readonly Figure[]): void {
  const rows = [["bench", "metric", "value", "note"], ...figures.map((f) => [f.bench, f.metric, f.value, f.note ?? ""])];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  for (const [index, row] of rows.entries()) {
    console.log(`| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(" | ")} |`);
    if (index === 0) console.log(`|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`);
  }
}

// ---------------------------------------------------------------------------------------------
// Servers under test: the real app and the bare Bolt baseline, each a child `node` process on
// 127.0.0.1, started, probed and stopped the same way.

export interface Fakes {
  slack: FakeSlack;
  sourceDeploy: FakeSourceDeploy;
  close(): Promise<void>;
}

export interface Server {
  url: string;
  pid: number;
  /** Spawn → first `GET /healthz` 200, in ms. */
  startupMs: number;
  getJson(path: string): Promise<unknown>;
  stop(): Promise<void>;
}

/** A SQLite state file in a temporary folder of its own, as `npm start` would keep in ./data. */
export interface TempState {
  url: string;
  path: string;
  /** The database's size on disk: the file and its write-ahead log. */
  bytes(): number;
  remove(): void;
}

export function tempState(): TempState {
  const dir = mkdtempSync(join(tmpdir(), "deploy-history-bench-"));
  const path = join(dir, "state.db");
  const size = (file: string) => {
    try {
      return statSync(file).size;
    } catch {
      return 0;
    }
  };
  return {
    url: `file:${path}`,
    path,
    bytes: () => size(path) + size(`${path}-wal`),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * The real app for benchmarks: LOG_LEVEL=warn, and live progress effectively off (one watch at
 * most, polled hourly) so following running deployments does not add polling to the figures.
 */
// The upstream limits are lifted: one bench user sends thousands of commands, and the figures are
// the app's own throughput, not the fair-share limits (unit-tested in test/sourcedeploy/rate-limit.test.ts).
export const BENCH_APP_ENV = {
  LOG_LEVEL: "warn",
  WATCH_MAX: "1",
  WATCH_INTERVAL_MS: "3600000",
  WATCH_MAX_INTERVAL_MS: "3600000",
  UPSTREAM_MAX_RPS: "1000",
  UPSTREAM_MAX_PER_USER_PER_MINUTE: "100000",
} as const;

const HEALTH_POLL_MS = 5;
const START_TIMEOUT_MS = 15_000;
const KILL_AFTER_MS = 5_000;
const KEPT_OUTPUT_LINES = 50;

export async function startFakes(): Promise<Fakes> {
  const sourceDeploy = await startFakeSourceDeploy({ accessKey: TEST_ACCESS_KEY, secretKey: TEST_SECRET_KEY });
  const slack = await startFakeSlack();
  return { slack, sourceDeploy, close: async () => void (await Promise.all([slack.close(), sourceDeploy.close()])) };
}

/**
 * `node dist/server.mjs`, as `npm start` runs it (build first), wired to the fakes; `nodeOptions` e.g. `--cpu-prof`.
 * Its state is a SQLite file, as by default, in a temporary folder removed when it stops, unless `env` sets STATE_URL.
 */
export async function startRealApp(
  fakes: Fakes,
  nodeOptions: readonly string[] = [],
  env: Record<string, string> = {},
): Promise<Server & { state?: TempState }> {
  const state = "STATE_URL" in env ? undefined : tempState();
  const server = await spawnServer([...nodeOptions, APP_ENTRY], {
    ...stackEnv(fakes.slack, fakes.sourceDeploy),
    ...BENCH_APP_ENV,
    ...(state ? { STATE_URL: state.url } : {}),
    ...env,
  }).catch((error: unknown) => {
    state?.remove();
    throw error;
  });
  if (!state) return server;
  return {
    ...server,
    state,
    stop: async () => {
      await server.stop();
      state.remove();
    },
  };
}

/** GET on 127.0.0.1 with node:http (no lazy fetch set-up to skew the first timing); status and body. */
export function httpGet(url: string, timeoutMs = 1000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", reject);
  });
}

/** Spawns `node <args>` from the repo root with a clean env and a free PORT; resolves once /healthz answers 200. */
export async function spawnServer(args: readonly string[], env: Record<string, string | undefined>): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: cleanEnv({ ...env, PORT: String(port) }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = keepLastLines(child, KEPT_OUTPUT_LINES);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    await waitForHealth(url, child);
  } catch (error) {
    child.kill("SIGKILL");
    await exited;
    throw new Error(`${args.join(" ").slice(0, 60)} did not start: ${String(error)}\n${output.join("\n")}`, { cause: error });
  }
  const startupMs = performance.now() - started;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
    await exited;
    clearTimeout(timer);
  };
  const getJson = async (path: string) => JSON.parse((await httpGet(`${url}${path}`, 10_000)).body) as unknown;
  return { url, pid: child.pid!, startupMs, getJson, stop };
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = performance.now() + START_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`exited (code ${child.exitCode}, signal ${child.signalCode})`);
    const res = await httpGet(`${url}/healthz`).catch(() => undefined);
    if (res?.status === 200) return;
    await sleep(HEALTH_POLL_MS);
  }
  throw new Error(`GET /healthz did not answer 200 within ${START_TIMEOUT_MS} ms`);
}

/** Drains the child's output (a full pipe would block it) and keeps the last lines for error messages. */
function keepLastLines(child: ChildProcess, max: number): string[] {
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream, crlfDelay: Infinity }).on("line", (line) => {
      lines.push(line);
      if (lines.length > max) lines.shift();
    });
  }
  return lines;
}

/** Resident set size of a process, from /proc (Linux): the same outside view for every server. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = /^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1];
  if (kib === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(kib) * 1024;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Formatting figures

export const mib = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

/** `app / bare` as `0.85×`. */
export const ratio = (app: number, bare: number): string => `${(app / bare).toFixed(2)}×`;

/** A goal note: `goal ≥ 0.8× bare: met`. */
export function goalNote(value: number, goal: number, direction: "min" | "max", what = "bare"): string {
  const met = direction === "min" ? value >= goal : value <= goal;
  return `goal ${direction === "min" ? "≥" : "≤"} ${goal}× ${what}: ${met ? "met" : "NOT met"}`;
}

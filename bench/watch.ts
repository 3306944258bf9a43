/**
 * Watcher load benchmark (not a test): 500 watches over 100 running histories against an
 * in-process fake API whose histories advance, rendered by the real renderer, delivered by a no-op.
 *
 *   node --import tsx bench/watch.ts [--seconds 30] [--rps 20]
 *
 * Prints upstream calls per loop tick (1.0 = fully coalesced), renders per upstream call,
 * deliveries per second, event-loop delay p99 and RSS.
 */
import { readFileSync } from "node:fs";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { silentLogger } from "../src/log.js";
import { renderHistory, renderUnfurl, type RenderOptions } from "../src/render/index.js";
import type { History } from "../src/sourcedeploy/model.js";
import { parseHistory } from "../src/sourcedeploy/schemas.js";
import { DEFAULT_WATCH_SETTINGS, MemoryWatchStore, Watcher, type Watch } from "../src/watch/index.js";

const HISTORIES = 100;
const WATCHES = 500;
const STEPS = ["pending", "standby", "pre", "deploy", "post", "success"] as const;

const { values } = parseArgs({ options: { seconds: { type: "string", default: "30" }, rps: { type: "string", default: "20" } } });
const seconds = Number(values.seconds);
const rps = Number(values.rps);
if (!Number.isFinite(seconds) || seconds <= 0 || !Number.isFinite(rps) || rps <= 0) {
  console.error("usage: node --import tsx bench/watch.ts [--seconds N] [--rps N]");
  process.exit(2);
}

const base = parseHistory(JSON.parse(readFileSync(new URL("../../shared/fixtures/sourcedeploy/server-inprogress.wrapped.json", import.meta.url), "utf8")));
const startedAt = Date.now();
/** Each history advances one target step every `periodMs` (3–15 s), and never finishes during the run. */
const periodMs = Array.from({ length: HISTORIES }, (_, i) => 3000 + ((i * 7919) % 12_000));

function historyAt(index: number, now: number): History {
  const step = Math.floor((now - startedAt) / (periodMs[index] ?? 5000));
  return {
    ...base,
    id: String(1000 + index),
    status: "inprogress",
    targets: base.targets.map((target, t) => ({ ...target, status: STEPS[Math.min(STEPS.length - 1, Math.max(0, step - t))] ?? "pending" })),
  };
}

let fetches = 0;
let deliveries = 0;
let renders = 0;
const ticks = new WeakSet<History>();
let tickCount = 0;

async function fetchHistory(_projectId: string, historyId: string): Promise<History> {
  fetches += 1;
  await new Promise((resolve) => setTimeout(resolve, 20 + (fetches % 60))); // 20–80 ms of "network"
  return historyAt(Number(historyId) - 1000, Date.now());
}

const renderOptions: RenderOptions = { locale: "ko", timeZone: "Asia/Seoul", now: new Date(startedAt), consoleUrlTemplate: "https://console.ncloud.com/vpc-source-deploy" };

function render(watch: Watch, history: History): { text: string; blocks: unknown[] } {
  renders += 1;
  if (!ticks.has(history)) {
    ticks.add(history);
    tickCount += 1;
  }
  return watch.hints.surface === "unfurl" ? renderUnfurl(history, renderOptions) : renderHistory(history, renderOptions);
}

const watcher = new Watcher({
  fetchHistory,
  render,
  deliver: async () => {
    deliveries += 1;
    return { kind: "ok" };
  },
  store: new MemoryWatchStore(),
  logger: silentLogger,
  settings: { ...DEFAULT_WATCH_SETTINGS, upstreamMaxRps: rps, maxWatches: WATCHES },
});

for (let i = 0; i < WATCHES; i++) {
  const index = i % HISTORIES;
  const location = i % 5 === 4 ? { kind: "unfurl" as const, channel: `C${i}`, ts: `${i}.0`, url: "https://example.test" } : { kind: "message" as const, channel: `C${i}`, ts: `${i}.0` };
  const added = await watcher.watch({
    projectId: base.project.id,
    historyId: String(1000 + index),
    location,
    hints: { surface: location.kind === "unfurl" ? "unfurl" : "detail" },
    initial: historyAt(index, Date.now()),
  });
  if (!added) throw new Error(`watch ${i} refused`);
}

// Count only the run itself, not the registration (which renders each watch's initial digest).
fetches = 0;
renders = 0;
tickCount = 0;

const lag = monitorEventLoopDelay({ resolution: 10 });
lag.enable();
let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 250);
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
clearInterval(sampler);
lag.disable();
await watcher.close();

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log(
  [
    `watch bench: ${WATCHES} watches over ${HISTORIES} histories, ${seconds} s, upstreamMaxRps ${rps}`,
    `  upstream calls        ${fetches} (${(fetches / seconds).toFixed(1)}/s)`,
    `  loop ticks rendered   ${tickCount}; upstream calls per tick ${(fetches / Math.max(1, tickCount)).toFixed(2)}`,
    `  renders per call      ${(renders / Math.max(1, fetches)).toFixed(2)}`,
    `  deliveries            ${deliveries} (${(deliveries / seconds).toFixed(1)}/s)`,
    `  event-loop delay p99  ${(lag.percentile(99) / 1e6).toFixed(1)} ms (max ${(lag.max / 1e6).toFixed(1)} ms)`,
    `  RSS                   ${mb(process.memoryUsage().rss)} (peak ${mb(peakRss)})`,
  ].join("\n"),
);

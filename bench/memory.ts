/**
 * Resident memory (VmRSS from /proc/<pid>/status, the same outside view for all) of the real app,
 * the bare Bolt baseline and the hand-written peer: idle after start-up, and after the HTTP bench
 * (bench/http.ts) has run against them. Goal: ≤ 1.3× bare Bolt (the peer is shown for comparison).
 * Runs the HTTP bench, so it prints its figures too.
 *
 *   npm run build && node --import tsx bench/memory.ts [--seconds 10]
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { httpFigures, runHttpBench, type Targets, withTargets } from "./http.js";
import { type Figure, goalNote, machine, mib, printTable, ratio, rssBytes, sleep } from "./lib.js";

const GOAL = 1.3;
const SETTLE_MS = 1000;

interface Rss {
  app: number;
  bare: number;
  peer: number;
  /** The app's own heapUsed (/healthz): how much of its RSS is live JS objects. */
  appHeapUsed: number;
}

async function settledRss(targets: Targets): Promise<Rss> {
  await sleep(SETTLE_MS);
  const { heapUsedBytes } = (await targets.app.getJson("/healthz")) as { heapUsedBytes: number };
  return { app: rssBytes(targets.app.pid), bare: rssBytes(targets.bare.pid), peer: rssBytes(targets.peer.pid), appHeapUsed: heapUsedBytes };
}

function rssFigures(when: string, rss: Rss): Figure[] {
  return [
    { bench: "memory", metric: `bare Bolt RSS ${when}`, value: mib(rss.bare), note: "baseline" },
    {
      bench: "memory",
      metric: `hand-written peer RSS ${when}`,
      value: `${mib(rss.peer)} (${ratio(rss.peer, rss.bare)})`,
      note: "for comparison",
    },
    {
      bench: "memory",
      metric: `app RSS ${when}`,
      value: `${mib(rss.app)} (${ratio(rss.app, rss.bare)})`,
      note: `${goalNote(rss.app / rss.bare, GOAL, "max")}; app heapUsed ${mib(rss.appHeapUsed)}`,
    },
  ];
}

/** Memory figures, and the HTTP bench figures from the load run between the two readings. */
export function memoryAndHttpFigures(seconds = 10): Promise<{ memory: Figure[]; http: Figure[] }> {
  return withTargets(async (targets) => {
    const idle = await settledRss(targets);
    const runs = await runHttpBench(targets, seconds);
    const loaded = await settledRss(targets);
    const database: Figure = {
      bench: "state",
      metric: "app database (SQLite file + WAL) after the http bench",
      value: mib(targets.app.state?.bytes() ?? 0),
      note: "slash commands write nothing; only buttons and events are remembered",
    };
    return {
      memory: [...rssFigures("idle", idle), ...rssFigures("after the http bench", loaded)],
      http: [...httpFigures(runs, seconds), database],
    };
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { seconds: { type: "string", default: "10" } } });
  const figures = await memoryAndHttpFigures(Number(values.seconds) || 10);
  console.log(machine());
  printTable([...figures.memory, ...figures.http]);
}

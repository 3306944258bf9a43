/**
 * Start-up time: spawn → first `GET /healthz` 200, for the real app (`node dist/server.mjs`, wired to
 * the fakes) and the bare Bolt baseline, median of N each (default 5), started alternately so both
 * see the same machine state. Goal: ≤ 1.2× bare Bolt.
 *
 *   npm run build && node --import tsx bench/startup.ts [--runs 5]
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { startBareBolt } from "./bolt-apps.js";
import { type Fakes, type Figure, goalNote, machine, median, printTable, ratio, type Server, startFakes, startRealApp } from "./lib.js";

const GOAL = 1.2;

async function startupMs(start: () => Promise<Server>): Promise<number> {
  const server = await start();
  await server.stop();
  return server.startupMs;
}

async function sample(fakes: Fakes, runs: number): Promise<{ app: number[]; bare: number[] }> {
  const app: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < runs; i++) {
    app.push(await startupMs(() => startRealApp(fakes)));
    bare.push(await startupMs(() => startBareBolt(fakes)));
  }
  return { app, bare };
}

export async function startupFigures(runs = 5): Promise<Figure[]> {
  const fakes = await startFakes();
  try {
    const samples = await sample(fakes, runs);
    const app = median(samples.app);
    const bare = median(samples.bare);
    return [
      { bench: "startup", metric: `bare Bolt: spawn → /healthz 200, median of ${runs}`, value: `${bare.toFixed(0)} ms`, note: "baseline" },
      {
        bench: "startup",
        metric: `app: spawn → /healthz 200, median of ${runs}`,
        value: `${app.toFixed(0)} ms (${ratio(app, bare)})`,
        note: goalNote(app / bare, GOAL, "max"),
      },
    ];
  } finally {
    await fakes.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "5" } } });
  console.log(machine());
  printTable(await startupFigures(Number(values.runs) || 5));
}

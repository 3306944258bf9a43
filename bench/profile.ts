/**
 * Where a server's time goes under the http bench's load: runs one server of bench/http.ts with
 * `node --cpu-prof`, loads it (closed loop, like bench/http.ts) for N seconds, stops it and prints
 * the self time by package / source file and the top functions of the profile.
 *
 *   npm run build && node --import tsx bench/profile.ts [--who app|peer|bare] [--cache cold|cached] [--seconds 10] [--connections 10]
 *   node --import tsx bench/profile.ts --file <some.cpuprofile>      (summarize an existing profile)
 *
 * The .cpuprofile stays in a temporary folder (printed) for Chrome DevTools or speedscope.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startBareBolt, startHandWrittenBolt } from "./bolt-apps.js";
import { commandText, isHistoryAnswer, serveColdHistories, type Who } from "./http.js";
import { type Fakes, printTable, type Server, startFakes, startRealApp } from "./lib.js";
import { runLoad } from "./load.js";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const sourceMaps = new Map<string, SourceMap | undefined>();

/** The bundle's source map (esbuild writes one), so bundled code is placed by its original file. */
function sourceMapOf(url: string): SourceMap | undefined {
  if (!sourceMaps.has(url)) {
    let map: SourceMap | undefined;
    try {
      map = new SourceMap(JSON.parse(readFileSync(new URL(`${url}.map`), "utf8")) as ConstructorParameters<typeof SourceMap>[0]);
    } catch {
      map = undefined;
    }
    sourceMaps.set(url, map);
  }
  return sourceMaps.get(url);
}

/** Where a profile node's code lives: a package, a src/… file, a node: area, or (program)/(garbage collector). */
function placeOf({ url, functionName, lineNumber, columnNumber }: ProfileNode["callFrame"]): { place: string; line: number } {
  if (url === "") return { place: functionName.startsWith("(") ? functionName : "(native)", line: 0 };
  // findEntry answers {} where the map has nothing.
  const entry = (url.endsWith(".mjs") ? sourceMapOf(url)?.findEntry(lineNumber, columnNumber) : undefined) as
    | { originalSource?: string; originalLine?: number }
    | undefined;
  const source = entry?.originalSource ?? url;
  const line = (entry?.originalLine ?? lineNumber) + 1;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(source)?.[1];
  if (pkg) return { place: pkg, line };
  if (source.startsWith("node:")) return { place: source.split("/").slice(0, 2).join("/"), line };
  return { place: source.replace(/^.*?\/((?:src|bench|dist)\/[^/]+(?:\/[^/]+)?)$/, "$1"), line };
}

/** Self time in ms per node id. */
function selfTimes(profile: CpuProfile): Map<number, number> {
  const times = new Map<number, number>();
  profile.samples.forEach((id, i) => times.set(id, (times.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  return times;
}

function top(entries: Map<string, number>, total: number, count: number): { name: string; ms: number; share: string }[] {
  return [...entries]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, ms]) => ({ name, ms, share: `${((ms / total) * 100).toFixed(1)} %` }));
}

export function summarizeProfile(profile: CpuProfile, count = 30): void {
  const self = selfTimes(profile);
  const byPlace = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (ms === 0) continue;
    total += ms;
    const { place, line } = placeOf(node.callFrame);
    byPlace.set(place, (byPlace.get(place) ?? 0) + ms);
    const name = `${node.callFrame.functionName || "(anonymous)"} ${place}${line ? `:${line}` : ""}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const idle = byPlace.get("(idle)") ?? 0;
  console.log(`profiled ${total.toFixed(0)} ms, of which idle ${idle.toFixed(0)} ms`);
  printTable(
    top(byPlace, total, count).map((e) => ({ bench: "self time by place", metric: e.name, value: `${e.ms.toFixed(0)} ms`, note: e.share })),
  );
  printTable(
    top(byFunction, total, count).map((e) => ({
      bench: "self time by function",
      metric: e.name,
      value: `${e.ms.toFixed(0)} ms`,
      note: e.share,
    })),
  );
}

function starter(who: Who, fakes: Fakes, dir: string): Promise<Server> {
  const profile = ["--cpu-prof", `--cpu-prof-dir=${dir}`];
  switch (who) {
    case "app":
      return startRealApp(fakes, profile);
    case "peer":
      return startHandWrittenBolt(fakes, profile);
    case "bare":
      return startBareBolt(fakes, profile);
  }
}

const { values } = parseArgs({
  options: {
    file: { type: "string" },
    who: { type: "string", default: "app" },
    cache: { type: "string", default: "cold" },
    seconds: { type: "string", default: "10" },
    connections: { type: "string", default: "10" },
  },
});
/** Runs one server with --cpu-prof under load; the path of its .cpuprofile. */
async function profileUnderLoad(who: Who, cache: string, seconds: number, connections: number): Promise<string> {
  if (cache !== "cold" && cache !== "cached") throw new Error(`--cache must be cold or cached, not ${cache}`);
  const dir = mkdtempSync(join(tmpdir(), "deploy-history-profile-"));
  const fakes = await startFakes();
  serveColdHistories(fakes);
  const server = await starter(who, fakes, dir);
  try {
    const run = await runLoad({
      server,
      slack: fakes.slack,
      connections,
      seconds,
      text: commandText(cache, who),
      until: who === "bare" ? "ack" : "answer",
      isAnswer: isHistoryAnswer,
    });
    const perSecond = ((run.done / run.elapsedMs) * 1000).toFixed(0);
    console.log(
      `${who}, ${cache}, ${connections} connections: ${run.done} done in ${run.elapsedMs.toFixed(0)} ms (${perSecond}/s), ${run.failures} failed, server CPU ${((run.serverCpuMs * 1000) / run.done).toFixed(0)} µs each`,
    );
  } finally {
    await server.stop();
    await fakes.close();
  }
  const file = readdirSync(dir).find((name) => name.endsWith(".cpuprofile"));
  if (!file) throw new Error(`no .cpuprofile in ${dir}: did the server exit cleanly?`);
  return join(dir, file);
}

const isWho = (value: string): value is Who => value === "app" || value === "peer" || value === "bare";
if (!isWho(values.who)) throw new Error(`--who must be app, peer or bare, not ${values.who}`);
const file =
  values.file ?? (await profileUnderLoad(values.who, values.cache, Number(values.seconds) || 10, Number(values.connections) || 10));
console.log(`profile: ${file}`);
summarizeProfile(JSON.parse(readFileSync(file, "utf8")) as CpuProfile);

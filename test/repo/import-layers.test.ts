/**
 * The import graph of `src/` keeps the layers of docs/architecture.md: no import circles, and no
 * import from a lower layer up to a higher one. The layer order is written once, here.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = fileURLToPath(new URL("../../src/", import.meta.url));

/**
 * Bottom first. A module belongs to the first entry whose prefix it starts with (files before
 * folders), and may import modules of its own layer or any layer below. The leaves in the first
 * layer have no imports of the app's: the STATE_URL grammar and the upstream error type, which
 * configuration and logging need.
 */
const LAYERS: readonly (readonly string[])[] = [
  ["config.ts", "validation-path.ts", "state/location.ts", "sourcedeploy/errors.ts"],
  ["log.ts"],
  ["sourcedeploy/"],
  ["links.ts"],
  ["command.ts"],
  ["ask/"],
  ["render/"],
  ["access/"],
  ["watch/"],
  ["state/"],
  ["subscriptions/"],
  ["answer.ts", "act.ts"],
  ["slack/"],
  ["main.ts", "cli.ts"],
];

type Graph = Map<string, string[]>;

function layerOf(module: string): number {
  const byLength = LAYERS.flatMap((prefixes, layer) => prefixes.map((prefix) => ({ prefix, layer }))).sort(
    (a, b) => b.prefix.length - a.prefix.length,
  );
  const found = byLength.find(({ prefix }) => module === prefix || (prefix.endsWith("/") && module.startsWith(prefix)));
  if (!found) throw new Error(`${module} is in no layer: add it to LAYERS and to docs/architecture.md`);
  return found.layer;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

function importGraph(): Graph {
  const graph: Graph = new Map();
  for (const file of sourceFiles(SRC)) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
    const local = importedFiles.map((i) => i.fileName).filter((name) => name.startsWith("."));
    graph.set(
      relative(SRC, file),
      local.map((name) => relative(SRC, resolve(dirname(file), name.replace(/\.js$/, ".ts")))),
    );
  }
  return graph;
}

/** Every strongly connected group of two or more modules (Tarjan), plus modules importing themselves. */
function circles(graph: Graph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (module: string): void => {
    index.set(module, next);
    low.set(module, next);
    next += 1;
    stack.push(module);
    onStack.add(module);
    for (const target of graph.get(module) ?? []) {
      if (!graph.has(target)) continue;
      if (!index.has(target)) {
        visit(target);
        low.set(module, Math.min(low.get(module) as number, low.get(target) as number));
      } else if (onStack.has(target)) {
        low.set(module, Math.min(low.get(module) as number, index.get(target) as number));
      }
    }
    if (low.get(module) !== index.get(module)) return;
    const group: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop() as string;
      onStack.delete(member);
      group.push(member);
    } while (member !== module);
    if (group.length > 1 || (graph.get(module) ?? []).includes(module)) found.push(group.sort());
  };
  for (const module of graph.keys()) if (!index.has(module)) visit(module);
  return found;
}

function upwardImports(graph: Graph): string[] {
  return [...graph].flatMap(([from, targets]) => targets.filter((to) => layerOf(to) > layerOf(from)).map((to) => `${from} → ${to}`));
}

describe("import layers", () => {
  const graph = importGraph();

  it("reads the whole source tree", () => {
    expect(graph.size).toBeGreaterThan(50);
    expect(graph.get("main.ts")).toContain("config.ts");
  });

  it("has no import circles", () => {
    expect(circles(graph)).toEqual([]);
  });

  it("has no import from a lower layer up to a higher one", () => {
    expect(upwardImports(graph)).toEqual([]);
  });

  it("puts every module in a layer", () => {
    for (const module of graph.keys()) expect(() => layerOf(module)).not.toThrow();
  });

  it("would catch a new circle and a new upward import", () => {
    const withCircle: Graph = new Map(graph);
    withCircle.set("config.ts", [...(graph.get("config.ts") ?? []), "log.ts"]);
    expect(circles(withCircle)).toContainEqual(["config.ts", "log.ts"]);
    expect(upwardImports(withCircle)).toContain("config.ts → log.ts");
    const renderIntoSlack: Graph = new Map(graph);
    renderIntoSlack.set("render/index.ts", [...(graph.get("render/index.ts") ?? []), "slack/app.ts"]);
    expect(upwardImports(renderIntoSlack)).toContain("render/index.ts → slack/app.ts");
  });
});

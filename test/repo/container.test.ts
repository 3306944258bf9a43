import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const root = join(import.meta.dirname, "..", "..");
const read = (file: string) => readFileSync(join(root, file), "utf8");

interface Instruction {
  keyword: string;
  args: string;
}

/** Dockerfile instructions with `\` continuations joined and comments dropped, grouped by stage. */
function dockerStages(text: string): Instruction[][] {
  const joined = text.replace(/\\\r?\n/g, " ");
  const stages: Instruction[][] = [];
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const [keyword = "", ...rest] = line.split(/\s+/);
    const instruction = { keyword: keyword.toUpperCase(), args: rest.join(" ") };
    if (instruction.keyword === "FROM") stages.push([]);
    stages.at(-1)?.push(instruction);
  }
  return stages;
}

describe("Dockerfile", () => {
  const stages = dockerStages(read("Dockerfile"));
  const final = stages.at(-1) ?? [];
  const args = (keyword: string) => final.filter((i) => i.keyword === keyword).map((i) => i.args);

  it("is multi-stage: the build stage has the compilers better-sqlite3 needs", () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const build = stages[0]?.map((i) => i.args).join("\n") ?? "";
    for (const tool of ["python3", "make", "g++"]) expect(build).toContain(tool);
  });

  it("runs a slim Node 20 image as a non-root user in the final stage", () => {
    expect(final[0]?.args).toMatch(/^node:20[\w.-]*slim/);
    const users = args("USER");
    expect(users.length).toBeGreaterThan(0);
    expect(users.at(-1)).not.toMatch(/^(root|0)(:|$)/);
  });

  it("keeps SQLite on a /data volume and checks /healthz", () => {
    expect(args("VOLUME").join(" ")).toMatch(/\/data\b/);
    expect(args("ENV").join(" ")).toContain("STATE_URL=file:/data/deploy-history.db");
    expect(args("HEALTHCHECK").join(" ")).toContain("/healthz");
  });
});

describe("compose.yaml", () => {
  const compose = parse(read("compose.yaml")) as {
    services: Record<string, { image?: string; command?: string[]; environment?: Record<string, string> }>;
  };
  const services = compose.services;

  it("runs Redis with AOF and noeviction", () => {
    const command = (services.redis?.command ?? []).join(" ");
    expect(command).toContain("--appendonly yes");
    expect(command).toContain("--maxmemory-policy noeviction");
  });

  it("gives both app instances the same STATE_URL, on Redis", () => {
    const urls = ["app1", "app2"].map((name) => services[name]?.environment?.STATE_URL);
    expect(urls[0]).toMatch(/^redis:\/\//);
    expect(urls[1]).toBe(urls[0]);
  });

  it("puts a proxy in front that routes to both instances", () => {
    expect(services.proxy?.image).toMatch(/^caddy:/);
    const caddyfile = read("deploy/Caddyfile");
    expect(caddyfile).toMatch(/reverse_proxy[^\n]*app1:3000/);
    expect(caddyfile).toMatch(/reverse_proxy[^\n]*app2:3000/);
  });
});

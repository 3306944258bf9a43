/** The `deploy-history` CLI, run as a user runs it: the built bin, real files and stdin. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { messageProblems } from "./support/block-kit.js";
import { fixturePath, fixtureText } from "./support/fixtures.js";

const ROOT = fileURLToPath(new URL("../", import.meta.url));

function cli(args: string[], input?: string, env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ["dist/cli.js", ...args], {
    cwd: ROOT,
    input,
    encoding: "utf8",
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "test", TIME_ZONE: "UTC", ...env },
    timeout: 15_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("deploy-history render", () => {
  it("prints the detail message of a file as {text, blocks} JSON that Slack accepts", () => {
    const { code, stdout, stderr } = cli(["render", fixturePath("server-fail.json"), "--locale", "en"]);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const message = JSON.parse(stdout) as { text: string; blocks: unknown[] };
    expect(Object.keys(message).sort()).toEqual(["blocks", "text"]);
    expect(message.text).toContain("903344");
    expect(messageProblems(message)).toEqual([]);
    expect(stdout).toContain("web-02");
  });

  it("reads stdin, renders the unfurl form, and uses --now for elapsed time", () => {
    const body = fixtureText("server-inprogress.wrapped.json");
    const start = 1772978400000;
    const { code, stdout } = cli(["render", "--unfurl", "--locale", "en", "--now", String(start + 125_000)], body);
    expect(code).toBe(0);
    const message = JSON.parse(stdout) as { blocks: unknown[] };
    expect(message.blocks.length).toBeLessThanOrEqual(8);
    expect(stdout).toContain("2m 5s");
  });

  it("speaks Korean by default", () => {
    const { stdout } = cli(["render", fixturePath("server-fail.json")]);
    expect(stdout).toContain("shop-api › prod-web 배포 실패");
  });

  it.each([
    ["invalid JSON", ["render"], "{bad", /not valid JSON/],
    ["a body that is not a history", ["render"], '{"foo": 1}', /not a SourceDeploy history/],
    ["a missing file", ["render", "no-such-file.json"], undefined, /cannot read no-such-file\.json/],
    ["a bad locale", ["render", "--locale", "fr"], "{}", /--locale/],
    ["a bad --now", ["render", "--now", "yesterday"], "{}", /--now/],
    ["an unknown option", ["render", "--frobnicate"], "{}", /frobnicate/],
    ["an unknown command", ["frobnicate"], undefined, /unknown command/],
  ])("exits 2 with one line on stderr and nothing on stdout for %s", (_name, args, input, expected) => {
    const { code, stdout, stderr } = cli(args, input);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toHaveLength(1);
    expect(stderr).toMatch(expected);
  });
});

describe("deploy-history preview", () => {
  it("renders a demo history and prints a Block Kit Builder link on stderr", () => {
    const { code, stdout, stderr } = cli(["preview", "41027", "903344", "--locale", "en"]);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toHaveProperty("blocks");
    expect(stderr).toMatch(/^Block Kit Builder: https:\/\/app\.slack\.com\/block-kit-builder\/#%7B%22blocks%22/);
  });

  it("fails with one line for a history that does not exist, and exits 2 for bad arguments", () => {
    const missing = cli(["preview", "41027", "1", "--locale", "en"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe("SourceDeploy: History 41027/1 was not found.");
    expect(cli(["preview", "41027"]).code).toBe(2);
  });
});

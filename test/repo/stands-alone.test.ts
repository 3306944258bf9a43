/**
 * The repository stands alone: a user clones it into an empty folder and `npm ci && npm test`
 * passes. So no tracked file may name a folder beside the checkout, point at a design page that is
 * not in the repository, or read a relative path that climbs out of the repository root.
 */
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
// Spelled in pieces so that this file does not match its own check.
const SIBLING_FOLDER = ["..", "shared"].join("/");
const DESIGN_PAGE = ["DESIGN", "md"].join(".");
const SOURCE = /\.(?:[cm]?[jt]s|json|ya?ml|md|sh)$|(?:^|\/)\.ci\/run$|(?:^|\/)\.env\.example$/;

function trackedFiles(): string[] {
  try {
    return execFileSync("git", ["ls-files", "-z"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
  } catch {
    return walk(ROOT); // not a git checkout (e.g. an unpacked archive): every file but the generated ones
  }
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (["node_modules", "dist", ".git", "coverage"].includes(name)) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [relative(ROOT, path)];
  });
}

/** Relative path literals ("../x", './y') in code, resolved against the file's own folder. */
function relativePathsOutsideRoot(file: string, text: string): string[] {
  const literals = text.matchAll(/["'`](\.\.?\/[^"'`\s]*)["'`]/g);
  return [...literals]
    .map((match) => match[1]!)
    .filter((literal) => !isInside(resolve(ROOT, dirname(file), literal)))
    .map((literal) => `${file}: ${literal}`);
}

function isInside(path: string): boolean {
  const root = resolve(ROOT);
  return path === root || path.startsWith(root + sep);
}

const files = trackedFiles().filter((file) => SOURCE.test(file) && !file.endsWith("package-lock.json"));
const texts = files.map((file) => ({ file, text: readFileSync(join(ROOT, file), "utf8") }));

describe("the repository stands alone", () => {
  it("sees the tracked files", () => {
    expect(files).toContain("package.json");
    expect(files).toContain("test/fixtures/sourcedeploy/server-fail.json");
    expect(files.length).toBeGreaterThan(50);
  });

  it(`names no folder beside the checkout (${SIBLING_FOLDER})`, () => {
    expect(texts.filter(({ text }) => text.includes(SIBLING_FOLDER)).map(({ file }) => file)).toEqual([]);
  });

  it("points at the repository's own architecture page, not at a design page it does not have", () => {
    expect(texts.filter(({ text }) => text.includes(DESIGN_PAGE)).map(({ file }) => file)).toEqual([]);
    expect(statSync(join(ROOT, "docs/architecture.md")).isFile()).toBe(true);
  });

  it("reads no relative path that climbs out of the repository root", () => {
    const code = texts.filter(({ file }) => /\.(?:[cm]?[jt]s)$/.test(file));
    expect(code.flatMap(({ file, text }) => relativePathsOutsideRoot(file, text))).toEqual([]);
  });

  it("detects a path that climbs out (the check itself works)", () => {
    const climbing = ["..", "..", "..", "elsewhere", "a.json"].join("/");
    expect(relativePathsOutsideRoot("test/e2e/x.test.ts", `new URL("${climbing}", import.meta.url)`)).toEqual([
      `test/e2e/x.test.ts: ${climbing}`,
    ]);
    expect(relativePathsOutsideRoot("test/e2e/x.test.ts", 'import { a } from "../../src/a.js"')).toEqual([]);
  });
});

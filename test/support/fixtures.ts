/**
 * Where the tests' data lives: SourceDeploy bodies in test/fixtures/sourcedeploy and the vendored
 * Slack schemas in test/schemas (each folder has a README of what every file shows).
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export const FIXTURES_DIR = new URL("../fixtures/sourcedeploy/", import.meta.url);
export const SCHEMAS_DIR = new URL("../schemas/", import.meta.url);

/** The history-detail fixtures, one per deployment type (the fake SourceDeploy serves them all). */
export const HISTORY_FIXTURES = [
  "server-fail.json",
  "server-inprogress.wrapped.json",
  "asg-bluegreen.json",
  "k8s-canary.json",
  "objectstorage.json",
] as const;

/** Absolute file path of a SourceDeploy fixture (for the CLI, which takes a file argument). */
export function fixturePath(name: string): string {
  return fileURLToPath(new URL(name, FIXTURES_DIR));
}

/** The raw text of a SourceDeploy fixture. */
export function fixtureText(name: string): string {
  return readFileSync(new URL(name, FIXTURES_DIR), "utf8");
}

/** A SourceDeploy fixture body, parsed as JSON (a fresh copy on every call). */
export function readFixture<T = unknown>(name: string): T {
  return JSON.parse(fixtureText(name)) as T;
}

/** The same, without blocking the event loop (for the fake server's start-up). */
export async function readFixtureAsync<T = unknown>(name: string): Promise<T> {
  return JSON.parse(await readFile(new URL(name, FIXTURES_DIR), "utf8")) as T;
}

/** A vendored Slack JSON Schema. */
export function readSchema(name: "slack-block-kit.schema.json" | "slack-app-manifest.schema.json"): object {
  return JSON.parse(readFileSync(new URL(name, SCHEMAS_DIR), "utf8")) as object;
}

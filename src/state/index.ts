/**
 * `STATE_URL` → a state store: `file:<path>` (SQLite, the default `file:./data/deploy-history.db`;
 * a relative path is relative to the working directory) or `memory:` (unit tests: nothing survives
 * the process).
 */
import type { Logger } from "../log.js";
import { MemoryStateStore } from "./memory.js";
import { SqliteStateStore } from "./sqlite.js";
import { DEFAULT_STATE_URL, StateError, type StateStore } from "./types.js";

export { MemoryStateStore } from "./memory.js";
export { SCHEMA_VERSION } from "./migrations.js";
export { startPruning } from "./prune.js";
export { SqliteStateStore } from "./sqlite.js";
export * from "./types.js";

export type StateLocation = { kind: "memory" } | { kind: "sqlite"; path: string };

/** What a STATE_URL names, or a reason it names nothing we can open (config.ts reports it). */
export function parseStateUrl(url: string): StateLocation | { problem: string } {
  if (url === "memory:") return { kind: "memory" };
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    return path === "" || path.endsWith("/")
      ? { problem: "file: needs a file name, e.g. file:./data/deploy-history.db" }
      : { kind: "sqlite", path };
  }
  return { problem: "must be file:<path> (SQLite, e.g. file:./data/deploy-history.db) or memory:" };
}

/** Opens the store STATE_URL names; throws a StateError (one line naming STATE_URL and the reason). */
export function openStateStore(url: string = DEFAULT_STATE_URL, logger: Logger): StateStore {
  const location = parseStateUrl(url);
  if ("problem" in location) throw new StateError(`STATE_URL (${url}): ${location.problem}`);
  if (location.kind === "memory") return new MemoryStateStore();
  return SqliteStateStore.open({ path: location.path, url, logger });
}

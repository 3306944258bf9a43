/**
 * `STATE_URL` → a state store (location.ts says what it may name); the default is
 * `file:./data/deploy-history.db`.
 */
import type { Logger } from "../log.js";
import { parseStateUrl } from "./location.js";
import { MemoryStateStore } from "./memory.js";
import { RedisStateStore, redactRedisUrl } from "./redis.js";
import { SqliteStateStore } from "./sqlite.js";
import { StateError, type StateStore } from "./types.js";

export { type Leases, SOLE_OWNER } from "./lease.js";
export { parseStateUrl, type StateLocation } from "./location.js";
export { MemoryStateStore } from "./memory.js";
export { SCHEMA_VERSION } from "./migrations.js";
export { startPruning } from "./prune.js";
export { RedisStateStore } from "./redis.js";
export { SqliteStateStore } from "./sqlite.js";
export * from "./types.js";

/** Opens the local store STATE_URL names; throws a StateError (one line naming STATE_URL and the reason). */
export function openStateStore(url: string, logger: Logger): StateStore {
  const location = parseStateUrl(url);
  if ("problem" in location) throw new StateError(`STATE_URL (${redactRedisUrl(url)}): ${location.problem}`);
  if (location.kind === "redis") throw new StateError(`STATE_URL (${redactRedisUrl(url)}): a Redis store is opened with connectStateStore`);
  if (location.kind === "memory") return new MemoryStateStore();
  return SqliteStateStore.open({ path: location.path, url, logger });
}

/** Any store STATE_URL names, Redis included (connected first); rejects with a StateError. */
export async function connectStateStore(url: string, logger: Logger, options: { leaseMs?: number } = {}): Promise<StateStore> {
  const location = parseStateUrl(url);
  if ("kind" in location && location.kind === "redis") return RedisStateStore.open({ url, logger, leaseMs: options.leaseMs });
  return openStateStore(url, logger);
}

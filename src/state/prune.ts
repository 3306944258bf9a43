/**
 * Expired rows are removed in small batches on an unref'd timer, yielding to the event loop
 * between batches, so a large backlog never holds a request up.
 */
import { setImmediate as yieldToEventLoop } from "node:timers/promises";
import type { Logger } from "../log.js";
import type { StateStore } from "./types.js";

export interface PruneOptions {
  /** How often a prune runs. Default 60 s. */
  intervalMs?: number;
  /** Rows of each kind per batch. Default 500. */
  batch?: number;
  /**
   * A watch older than this is a leftover (the watcher ends every watch well before): removed.
   * Default: a day.
   */
  watchRetentionMs?: number;
  now?: () => number;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
/** Batches of one prune run, so a run ends even if something keeps adding expired rows. */
const MAX_BATCHES = 100;

/** Starts pruning; returns a function that stops it (and waits for a run in progress). */
export function startPruning(store: StateStore, logger: Logger, options: PruneOptions = {}): () => Promise<void> {
  const { intervalMs = 60_000, batch = 500, watchRetentionMs = DAY_MS, now = Date.now } = options;
  let stopped = false;
  let running: Promise<void> = Promise.resolve();
  const run = async () => {
    let seenKeys = 0;
    let watches = 0;
    for (let i = 0; i < MAX_BATCHES && !stopped; i++) {
      const removed = await store.prune({ now: now(), watchesCreatedBefore: now() - watchRetentionMs, limit: batch });
      seenKeys += removed.seenKeys;
      watches += removed.watches;
      if (removed.seenKeys < batch && removed.watches < batch) break;
      await yieldToEventLoop();
    }
    if (seenKeys + watches > 0) logger.debug({ seenKeys, watches }, "state: pruned expired rows");
  };
  const timer = setInterval(() => {
    running = running.then(run).catch((error: unknown) => logger.warn({ err: error }, "state: pruning failed"));
  }, intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}

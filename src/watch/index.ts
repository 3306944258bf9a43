export type {
  DeliveryResult,
  MessageLocation,
  PollState,
  Watch,
  WatchPatch,
  WatchSettings,
  WatchStore,
  WatcherDeps,
  WatchInput,
} from "./types.js";
export { MemoryWatchStore } from "./memory-store.js";
export { DEFAULT_WATCH_SETTINGS, nextIntervalMs, digestOf } from "./policy.js";
export { Watcher } from "./watcher.js";

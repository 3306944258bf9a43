export { MemoryWatchStore } from "./memory-store.js";
export { DEFAULT_WATCH_SETTINGS, digestOf, nextIntervalMs } from "./policy.js";
export type {
  DeliveryResult,
  MessageLocation,
  PollState,
  Watch,
  WatcherDeps,
  WatchInput,
  WatchPatch,
  WatchSettings,
  WatchStore,
} from "./types.js";
export { Watcher } from "./watcher.js";

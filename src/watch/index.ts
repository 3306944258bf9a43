export { MemoryWatchStore } from "./memory-store.js";
export { type Admission, DEFAULT_WATCH_SETTINGS, digestOf, nextIntervalMs, type WatchQuota } from "./policy.js";
export type {
  DeliveryResult,
  LoopOwnership,
  MessageLocation,
  PollState,
  Requester,
  Watch,
  WatchCounts,
  WatcherDeps,
  WatchInput,
  WatchPatch,
  WatchSettings,
  WatchStore,
} from "./types.js";
export { Watcher } from "./watcher.js";

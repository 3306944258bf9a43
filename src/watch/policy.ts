/**
 * The watcher's decisions as pure functions of data: settings, poll intervals, content digests,
 * what each watch gets at a tick, and what a delivery result means for the watch.
 */
import { createHash } from "node:crypto";
import type { DeliveryResult, PollState, Watch, WatchCounts, WatchPatch, WatchSettings } from "./types.js";

export const DEFAULT_WATCH_SETTINGS: Readonly<WatchSettings> = {
  intervalMs: 5_000,
  maxIntervalMs: 30_000,
  maxAgeMs: 2 * 60 * 60 * 1000,
  maxWatches: 500,
  maxWatchesPerUser: 20,
  maxWatchesPerChannel: 50,
  upstreamMaxRps: 5,
};

/** After a tick whose history did not change, the next interval is this much longer. */
export const GROWTH_FACTOR = 1.5;
/** After a failed fetch, the next interval is this much longer. */
export const BACKOFF_FACTOR = 2;

/**
 * How long past its max age a watch may linger while its closing update waits (Retry-After, a
 * failed delivery): after this it is dropped without a word, so nothing is watched forever.
 */
export function hardDeadline(watch: Watch, settings: WatchSettings): number {
  return watch.createdAt + settings.maxAgeMs + 5 * settings.maxIntervalMs;
}

/** Throws a TypeError naming each bad setting: settings come from code, so this is a bug. */
export function checkSettings(settings: WatchSettings): WatchSettings {
  const bad = (Object.keys(DEFAULT_WATCH_SETTINGS) as Array<keyof WatchSettings>).filter((name) => {
    const value = settings[name];
    return typeof value !== "number" || !Number.isFinite(value) || value <= 0;
  });
  if (settings.maxIntervalMs < settings.intervalMs) bad.push("maxIntervalMs");
  if (bad.length > 0) throw new TypeError(`Invalid watch settings: ${bad.join(", ")} (positive numbers, maxIntervalMs ≥ intervalMs)`);
  return { ...settings };
}

/** Which limit keeps a message from being followed: the requester's, the channel's, or the app's. */
export type WatchQuota = "user" | "channel" | "total";

export type Admission = { kind: "admit" } | { kind: "refuse"; quota: WatchQuota; limit: number };

/**
 * Whether one more watch fits, given the watches there are. The requester's own quota is checked
 * first: it is the one the user can do something about, so it is the one the message names.
 */
export function admitWatch(counts: WatchCounts, settings: WatchSettings): Admission {
  if (counts.ofUser >= settings.maxWatchesPerUser) return { kind: "refuse", quota: "user", limit: settings.maxWatchesPerUser };
  if (counts.inChannel >= settings.maxWatchesPerChannel) return { kind: "refuse", quota: "channel", limit: settings.maxWatchesPerChannel };
  if (counts.total >= settings.maxWatches) return { kind: "refuse", quota: "total", limit: settings.maxWatches };
  return { kind: "admit" };
}

/** p-throttle options for `upstreamMaxRps`, which may be fractional (0.5 → 1 call per 2 s). */
export function throttleWindow(upstreamMaxRps: number): { limit: number; interval: number } {
  return upstreamMaxRps >= 1
    ? { limit: Math.floor(upstreamMaxRps), interval: 1000 }
    : { limit: 1, interval: Math.ceil(1000 / upstreamMaxRps) };
}

export type PollOutcome = "changed" | "unchanged" | "failed";

/**
 * The loop's interval policy: back to `intervalMs` when the history changed (things are moving,
 * show them promptly); ×1.5 after an unchanged tick (long canary waits, approvals and big
 * rollouts need not be polled every 5 s); ×2 after a failed fetch. Never above `maxIntervalMs`.
 */
export function nextIntervalMs(current: number, outcome: PollOutcome, settings: WatchSettings): number {
  switch (outcome) {
    case "changed":
      return settings.intervalMs;
    case "unchanged":
      return Math.min(settings.maxIntervalMs, Math.ceil(current * GROWTH_FACTOR));
    case "failed":
      return Math.min(settings.maxIntervalMs, current * BACKOFF_FACTOR);
  }
}

/** A content digest (sha1 of the JSON), to tell whether a message or history changed. */
export function digestOf(value: unknown): string {
  return createHash("sha1")
    .update(JSON.stringify(value) ?? "undefined")
    .digest("base64");
}

/**
 * What one watch gets at a tick:
 * - drop: end it silently (nothing can or may be sent any more);
 * - wait: leave it for a later tick (Retry-After pending, or nothing to render yet);
 * - render: render with `state`; a `final` or `expired` state is the watch's last update.
 */
export type WatchPlan = { kind: "drop"; why: string } | { kind: "wait" } | { kind: "render"; state: PollState };

/** The last update a watch gets: the terminal status, or the "stopped watching" note. */
export function isClosing(state: PollState): boolean {
  return state.kind === "final" || state.kind === "expired";
}

/**
 * `poll` is the loop's state at this tick, or undefined when there is no history to render yet
 * (the first fetch failed). `nextDelayMs` is when the loop will tick again: a response_url whose
 * expiry falls before that gets its closing ("expired") update now, while it still works.
 * A terminal status wins over expiry: it is the more useful last word.
 */
export function planWatch(watch: Watch, poll: PollState | undefined, now: number, nextDelayMs: number, settings: WatchSettings): WatchPlan {
  const { location } = watch;
  const age = now - watch.createdAt;
  if (now >= hardDeadline(watch, settings)) return { kind: "drop", why: "past its max age" };
  if (location.kind === "response_url" && location.usesLeft <= 0) return { kind: "drop", why: "response_url used up" };
  if (location.kind === "response_url" && now >= location.expiresAt) return { kind: "drop", why: "response_url expired" };
  if (poll === undefined) return age > settings.maxAgeMs ? { kind: "drop", why: "past its max age, nothing to render" } : { kind: "wait" };
  if (watch.notBefore !== undefined && now < watch.notBefore) return { kind: "wait" };
  if (poll.kind === "final") return { kind: "render", state: poll };
  if (age > settings.maxAgeMs) return { kind: "render", state: { kind: "expired" } };
  if (location.kind === "response_url" && now + nextDelayMs >= location.expiresAt) return { kind: "render", state: { kind: "expired" } };
  return { kind: "render", state: poll };
}

export type WatchAction = { kind: "remove"; why: string } | { kind: "update"; patch: WatchPatch } | { kind: "keep" };

/**
 * What a delivery result means for the watch. A response_url use is counted on `ok` and also on
 * `failed` (the request may have reached Slack and used it up); not on `retry_after` or `gone`.
 * A failed `final` update is retried at the next tick (it is the update that matters most; the
 * hard deadline bounds the retries); a failed `expired` note is not.
 */
export function afterDelivery(watch: Watch, result: DeliveryResult, digest: string, state: PollState, now: number): WatchAction {
  switch (result.kind) {
    case "gone":
      return { kind: "remove", why: "message gone" };
    case "retry_after":
      return { kind: "update", patch: { notBefore: now + Math.max(0, result.ms) } };
    case "ok": {
      if (isClosing(state)) return { kind: "remove", why: "closing update delivered" };
      const location = spendUse(watch);
      if (location?.kind === "response_url" && location.usesLeft <= 0) return { kind: "remove", why: "response_url used up" };
      return { kind: "update", patch: location ? { lastDigest: digest, location } : { lastDigest: digest } };
    }
    case "failed": {
      const location = spendUse(watch);
      if (location?.kind === "response_url" && location.usesLeft <= 0) return { kind: "remove", why: "response_url used up" };
      if (state.kind === "expired") return { kind: "remove", why: "expired note failed" };
      return location ? { kind: "update", patch: { location } } : { kind: "keep" };
    }
  }
}

function spendUse(watch: Watch): Watch["location"] | undefined {
  const { location } = watch;
  return location.kind === "response_url" ? { ...location, usesLeft: location.usesLeft - 1 } : undefined;
}

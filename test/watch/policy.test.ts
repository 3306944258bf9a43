import { describe, expect, it } from "vitest";
import {
  admitWatch,
  afterDelivery,
  checkSettings,
  DEFAULT_WATCH_SETTINGS,
  digestOf,
  nextIntervalMs,
  planWatch,
  throttleWindow,
} from "../../src/watch/policy.js";
import type { Watch } from "../../src/watch/types.js";

const settings = { ...DEFAULT_WATCH_SETTINGS, intervalMs: 1000, maxIntervalMs: 4000, maxAgeMs: 60_000 };
const watch = (over: Partial<Watch> = {}): Watch => ({
  id: "w",
  projectId: "1",
  historyId: "7",
  location: { kind: "message", channel: "C1", ts: "1.0" },
  requester: { userId: "U0ALICE", channelId: "C1" },
  createdAt: 0,
  hints: {},
  ...over,
});
const responseUrl = (usesLeft: number, expiresAt = 1_000_000) => ({
  kind: "response_url" as const,
  url: "https://hooks.slack.test/r",
  usesLeft,
  expiresAt,
});

describe("nextIntervalMs", () => {
  it("resets on change, grows ×1.5 when unchanged, doubles on failure, never above the max", () => {
    expect(nextIntervalMs(3000, "changed", settings)).toBe(1000);
    expect(nextIntervalMs(1000, "unchanged", settings)).toBe(1500);
    expect(nextIntervalMs(3000, "unchanged", settings)).toBe(4000);
    expect(nextIntervalMs(1500, "failed", settings)).toBe(3000);
    expect(nextIntervalMs(4000, "failed", settings)).toBe(4000);
  });
});

describe("digestOf", () => {
  it("is equal for equal content and differs for different content", () => {
    expect(digestOf({ text: "a", blocks: [] })).toBe(digestOf({ text: "a", blocks: [] }));
    expect(digestOf({ text: "a", blocks: [] })).not.toBe(digestOf({ text: "b", blocks: [] }));
  });
});

describe("planWatch", () => {
  const live = { kind: "live" } as const;
  it("renders the poll state for a young watch", () => {
    expect(planWatch(watch(), live, 5000, 1000, settings)).toEqual({ kind: "render", state: live });
  });
  it("waits while a Retry-After is pending", () => {
    expect(planWatch(watch({ notBefore: 6000 }), live, 5999, 1000, settings)).toEqual({ kind: "wait" });
    expect(planWatch(watch({ notBefore: 6000 }), live, 6000, 1000, settings)).toEqual({ kind: "render", state: live });
  });
  it("prefers the final status over expiry", () => {
    expect(planWatch(watch(), { kind: "final" }, 70_000, 1000, settings)).toEqual({ kind: "render", state: { kind: "final" } });
    expect(planWatch(watch(), live, 60_001, 1000, settings)).toEqual({ kind: "render", state: { kind: "expired" } });
  });
  it("drops a watch past its hard deadline, or a response_url used up or expired", () => {
    expect(planWatch(watch(), { kind: "final" }, 60_000 + 5 * 4000, 1000, settings).kind).toBe("drop");
    expect(planWatch(watch({ location: responseUrl(0) }), live, 1000, 1000, settings).kind).toBe("drop");
    expect(planWatch(watch({ location: responseUrl(3, 5000) }), live, 5000, 1000, settings).kind).toBe("drop");
  });
  it("sends the expired note to a response_url whose expiry comes before the next tick", () => {
    expect(planWatch(watch({ location: responseUrl(3, 5500) }), live, 4000, 1000, settings)).toEqual({ kind: "render", state: live });
    expect(planWatch(watch({ location: responseUrl(3, 5500) }), live, 4500, 1000, settings)).toEqual({
      kind: "render",
      state: { kind: "expired" },
    });
  });
  it("waits without a history to render, and drops once too old", () => {
    expect(planWatch(watch(), undefined, 1000, 1000, settings)).toEqual({ kind: "wait" });
    expect(planWatch(watch(), undefined, 60_001, 1000, settings).kind).toBe("drop");
  });
});

describe("afterDelivery", () => {
  const live = { kind: "live" } as const;
  it("stores the digest on ok, and spends a response_url use", () => {
    expect(afterDelivery(watch(), { kind: "ok" }, "d1", live, 0)).toEqual({ kind: "update", patch: { lastDigest: "d1" } });
    expect(afterDelivery(watch({ location: responseUrl(3) }), { kind: "ok" }, "d1", live, 0)).toEqual({
      kind: "update",
      patch: { lastDigest: "d1", location: responseUrl(2) },
    });
    expect(afterDelivery(watch({ location: responseUrl(1) }), { kind: "ok" }, "d1", live, 0).kind).toBe("remove");
  });
  it("removes after a delivered closing update or a gone message", () => {
    expect(afterDelivery(watch(), { kind: "ok" }, "d", { kind: "final" }, 0).kind).toBe("remove");
    expect(afterDelivery(watch(), { kind: "ok" }, "d", { kind: "expired" }, 0).kind).toBe("remove");
    expect(afterDelivery(watch(), { kind: "gone" }, "d", live, 0).kind).toBe("remove");
  });
  it("sets notBefore on retry_after without spending a use", () => {
    expect(afterDelivery(watch({ location: responseUrl(3) }), { kind: "retry_after", ms: 1000 }, "d", live, 500)).toEqual({
      kind: "update",
      patch: { notBefore: 1500 },
    });
  });
  it("keeps a failed live or final update for a retry, but not a failed expired note", () => {
    expect(afterDelivery(watch(), { kind: "failed", reason: "x" }, "d", live, 0)).toEqual({ kind: "keep" });
    expect(afterDelivery(watch(), { kind: "failed", reason: "x" }, "d", { kind: "final" }, 0)).toEqual({ kind: "keep" });
    expect(afterDelivery(watch(), { kind: "failed", reason: "x" }, "d", { kind: "expired" }, 0).kind).toBe("remove");
  });
});

describe("admitWatch", () => {
  const quotas = { ...settings, maxWatches: 10, maxWatchesPerUser: 3, maxWatchesPerChannel: 5 };

  it("admits while every quota has room", () => {
    expect(admitWatch({ total: 9, ofUser: 2, inChannel: 4 }, quotas)).toEqual({ kind: "admit" });
    expect(admitWatch({ total: 0, ofUser: 0, inChannel: 0 }, quotas)).toEqual({ kind: "admit" });
  });

  it("refuses at each full quota, naming it and its limit", () => {
    expect(admitWatch({ total: 4, ofUser: 3, inChannel: 0 }, quotas)).toEqual({ kind: "refuse", quota: "user", limit: 3 });
    expect(admitWatch({ total: 5, ofUser: 0, inChannel: 5 }, quotas)).toEqual({ kind: "refuse", quota: "channel", limit: 5 });
    expect(admitWatch({ total: 10, ofUser: 0, inChannel: 0 }, quotas)).toEqual({ kind: "refuse", quota: "total", limit: 10 });
  });

  it("names the requester's own quota first when several are full: it is the one they can act on", () => {
    expect(admitWatch({ total: 10, ofUser: 3, inChannel: 5 }, quotas)).toMatchObject({ quota: "user" });
    expect(admitWatch({ total: 10, ofUser: 0, inChannel: 5 }, quotas)).toMatchObject({ quota: "channel" });
  });
});

describe("settings", () => {
  it("names every invalid setting", () => {
    expect(() => checkSettings({ ...settings, maxWatches: -1, upstreamMaxRps: Number.NaN })).toThrow(/maxWatches, upstreamMaxRps/);
    expect(() => checkSettings({ ...settings, maxIntervalMs: 500 })).toThrow(/maxIntervalMs/);
    expect(checkSettings(settings)).toEqual(settings);
  });
  it("maps fractional rates onto a longer throttle interval", () => {
    expect(throttleWindow(5)).toEqual({ limit: 5, interval: 1000 });
    expect(throttleWindow(0.5)).toEqual({ limit: 1, interval: 2000 });
  });
});

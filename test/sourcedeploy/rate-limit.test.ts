import { afterEach, describe, expect, it, vi } from "vitest";
import { SourceDeployError } from "../../src/sourcedeploy/errors.js";
import type { CallOptions, History, HistorySummary, Project, SourceDeployApi } from "../../src/sourcedeploy/model.js";
import { onBehalfOf, RateLimitedSourceDeploy, TokenBucket, UpstreamLimiter } from "../../src/sourcedeploy/rate-limit.js";

const START = 1_000_000; // lru-cache treats a start time of 0 as "no TTL"

describe("TokenBucket", () => {
  it("gives its capacity at once, then one token per refill period", () => {
    const bucket = new TokenBucket(3, 1 / 100, START);
    expect([bucket.take(START), bucket.take(START), bucket.take(START), bucket.take(START)]).toEqual([true, true, true, false]);
    expect(bucket.waitMs(START)).toBe(100);
    expect(bucket.take(START + 99)).toBe(false);
    expect(bucket.take(START + 100)).toBe(true);
  });

  it("never holds more than its capacity, however long it rests", () => {
    const bucket = new TokenBucket(2, 1 / 100, START);
    const later = START + 3_600_000;
    expect([bucket.take(later), bucket.take(later), bucket.take(later)]).toEqual([true, true, false]);
  });
});

describe("UpstreamLimiter.admit (per-user budget)", () => {
  function limiter(perUserPerMinute: number) {
    const clock = { now: START };
    return { clock, limiter: new UpstreamLimiter({ perSecond: 5, perUserPerMinute, now: () => clock.now }) };
  }

  function refusal(admit: () => void): SourceDeployError | undefined {
    try {
      admit();
      return undefined;
    } catch (error) {
      return error as SourceDeployError;
    }
  }

  it("finding 6: lets a user make their budget of calls at once, then refuses with slow_down and when to retry", () => {
    const { limiter: l } = limiter(30);
    for (let i = 0; i < 30; i++) l.admit("T1/alice");
    const refused = refusal(() => l.admit("T1/alice"));
    expect(refused).toBeInstanceOf(SourceDeployError);
    expect(refused).toMatchObject({ code: "slow_down", details: { retryAfterMs: 2000 } });
  });

  it("finding 6: keeps each user's budget apart: another user is still admitted", () => {
    const { limiter: l } = limiter(2);
    l.admit("T1/alice");
    l.admit("T1/alice");
    expect(refusal(() => l.admit("T1/alice"))?.code).toBe("slow_down");
    expect(refusal(() => l.admit("T1/bob"))).toBeUndefined();
    expect(refusal(() => l.admit("T2/alice"))).toBeUndefined();
  });

  it("refills a user's budget evenly over a minute", () => {
    const { clock, limiter: l } = limiter(6);
    for (let i = 0; i < 6; i++) l.admit("T1/alice");
    clock.now += 9_999;
    expect(refusal(() => l.admit("T1/alice"))?.code).toBe("slow_down");
    clock.now += 1;
    expect(refusal(() => l.admit("T1/alice"))).toBeUndefined();
    clock.now += 60_000;
    for (let i = 0; i < 6; i++) l.admit("T1/alice");
    expect(refusal(() => l.admit("T1/alice"))?.code).toBe("slow_down");
  });

  it("never charges the app's own calls (no caller)", () => {
    const { limiter: l } = limiter(1);
    for (let i = 0; i < 100; i++) l.admit(undefined);
    expect(refusal(() => l.admit("T1/alice"))).toBeUndefined();
  });
});

describe("UpstreamLimiter.turn (the shared rate)", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** A limiter on fake timers; `order` records whose turn came, in order. */
  function sharedLimiter(perSecond: number) {
    vi.useFakeTimers({ now: START });
    const limiter = new UpstreamLimiter({ perSecond, perUserPerMinute: 1000, now: () => Date.now() });
    const order: string[] = [];
    const take = (caller: string | undefined, label: string) => limiter.turn(caller).then(() => void order.push(label));
    return { limiter, order, take };
  }

  it("finding 6: lets perSecond calls through at once, then one every 1000/perSecond ms", async () => {
    const { order, take } = sharedLimiter(2);
    const calls = ["a1", "a2", "a3", "a4"].map((label) => take(undefined, label));
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(["a1", "a2"]);
    await vi.advanceTimersByTimeAsync(499);
    expect(order).toEqual(["a1", "a2"]);
    await vi.advanceTimersByTimeAsync(1);
    expect(order).toEqual(["a1", "a2", "a3"]);
    await vi.advanceTimersByTimeAsync(500);
    await Promise.all(calls);
    expect(order).toEqual(["a1", "a2", "a3", "a4"]);
  });

  it("finding 6: takes turns round robin, so a user waits behind one call of each other caller, not behind a queue", async () => {
    const { order, take } = sharedLimiter(1);
    const calls = [
      take(undefined, "poll1"), // takes the one token there is
      take(undefined, "poll2"),
      take(undefined, "poll3"),
      take("T1/alice", "alice1"),
      take("T1/alice", "alice2"),
      take("T1/bob", "bob1"),
    ];
    await vi.advanceTimersByTimeAsync(5000);
    await Promise.all(calls);
    expect(order).toEqual(["poll1", "poll2", "alice1", "bob1", "poll3", "alice2"]);
  });

  it("with a rate other instances share, waits as long as it says and keeps the turns fair", async () => {
    vi.useFakeTimers({ now: START });
    // The shared rate (Redis) allows one call now, then says wait 300 ms, then one more.
    const answers = [0, 300, 0, 0, 0];
    const asked: number[] = [];
    const shared = {
      take: async () => {
        asked.push(Date.now() - START);
        return answers.shift() ?? 0;
      },
    };
    const limiter = new UpstreamLimiter({ perSecond: 1000, perUserPerMinute: 1000, now: () => Date.now(), shared });
    const order: string[] = [];
    const calls = [
      limiter.turn(undefined).then(() => order.push("poll1")),
      limiter.turn(undefined).then(() => order.push("poll2")),
      limiter.turn("T1/alice").then(() => order.push("alice1")),
    ];
    await vi.advanceTimersByTimeAsync(0);
    expect(order).toEqual(["poll1"]);
    await vi.advanceTimersByTimeAsync(299);
    expect(order).toEqual(["poll1"]);
    await vi.advanceTimersByTimeAsync(1);
    await Promise.all(calls);
    expect(order).toEqual(["poll1", "alice1", "poll2"]);
    expect(asked).toEqual([0, 0, 300, 300]);
  });

  it("refuses waiting and later calls once closed", async () => {
    const { limiter, take } = sharedLimiter(1);
    await take(undefined, "first");
    const waiting = limiter.turn("T1/alice");
    limiter.close();
    await expect(waiting).rejects.toMatchObject({ code: "aborted" });
    await expect(limiter.turn(undefined)).rejects.toMatchObject({ code: "aborted" });
  });
});

describe("RateLimitedSourceDeploy", () => {
  class RecordingApi implements SourceDeployApi {
    readonly description = "recording";
    readonly calls: { what: string; options?: CallOptions }[] = [];
    async getHistory(projectId: string, historyId: string, options?: CallOptions): Promise<History> {
      this.calls.push({ what: `history ${projectId}/${historyId}`, options });
      return { id: historyId } as History;
    }
    async listHistories(projectId: string, _query?: unknown, options?: CallOptions): Promise<HistorySummary[]> {
      this.calls.push({ what: `list ${projectId}`, options });
      return [];
    }
    async listProjects(_query?: unknown, options?: CallOptions): Promise<Project[]> {
      this.calls.push({ what: "projects", options });
      return [];
    }
  }

  it("finding 6: refuses a caller over budget synchronously, without calling upstream", async () => {
    const upstream = new RecordingApi();
    const api = new RateLimitedSourceDeploy(upstream, new UpstreamLimiter({ perSecond: 100, perUserPerMinute: 2 }));
    await api.getHistory("1", "2", { onBehalfOf: "T1/alice" });
    await api.listProjects({}, { onBehalfOf: "T1/alice" });
    expect(() => api.listHistories("1", {}, { onBehalfOf: "T1/alice" })).toThrow(SourceDeployError);
    await api.listHistories("1", {}, { onBehalfOf: "T1/bob" });
    expect(upstream.calls.map((c) => c.what)).toEqual(["history 1/2", "projects", "list 1"]);
  });

  it("passes the caller's signal upstream, and not whom the call is for", async () => {
    const upstream = new RecordingApi();
    const api = new RateLimitedSourceDeploy(upstream, new UpstreamLimiter({ perSecond: 100, perUserPerMinute: 10 }));
    const signal = new AbortController().signal;
    await api.getHistory("1", "2", { onBehalfOf: "T1/alice", signal });
    await api.getHistory("1", "3");
    expect(upstream.calls.map((c) => c.options)).toEqual([{ signal }, undefined]);
  });
});

describe("onBehalfOf", () => {
  it("marks every call with the caller and keeps the caller's other options", async () => {
    const upstream = new (class implements SourceDeployApi {
      readonly description = "d";
      readonly seen: (CallOptions | undefined)[] = [];
      getHistory = async (_p: string, _h: string, o?: CallOptions) => (this.seen.push(o), {} as History);
      listHistories = async (_p: string, _q?: unknown, o?: CallOptions) => (this.seen.push(o), []);
      listProjects = async (_q?: unknown, o?: CallOptions) => (this.seen.push(o), []);
    })();
    const api = onBehalfOf(upstream, "T1/alice");
    const signal = new AbortController().signal;
    await api.getHistory("1", "2", { signal });
    await api.listHistories("1");
    await api.listProjects({ name: "x" });
    expect(api.description).toBe("d");
    expect(upstream.seen).toEqual([{ signal, onBehalfOf: "T1/alice" }, { onBehalfOf: "T1/alice" }, { onBehalfOf: "T1/alice" }]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/log.js";
import { SourceDeployError } from "../../src/sourcedeploy/errors.js";
import { Watcher, type WatcherDeps } from "../../src/watch/index.js";
import { ALICE, deps, FakeSlack, FakeUpstream, history, inChannel, T0, upstreamError, watchOf } from "./fakes.js";

let watcher: Watcher<object> | undefined;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  vi.useRealTimers();
});

function start(d: WatcherDeps<object>): Watcher<object> {
  watcher = new Watcher(d);
  return watcher;
}

const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe("Watcher: a history advancing to its end", () => {
  it("delivers only on change, ends with one final delivery, then has no watches or loops", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script(
      "7",
      history("7", "inprogress", "pending"), // tick 1: as the caller rendered it
      history("7", "inprogress", "deploy"), // tick 2: changed
      history("7", "inprogress", "deploy"), // tick 3: unchanged
      history("7", "success", "success"), // tick 4: terminal
    );
    const d = deps(upstream, slack);
    const w = start(d);
    expect(await w.watch(watchOf("7", { initial: history("7", "inprogress", "pending") }))).toBe(true);
    expect(w.activeLoops()).toBe(1);

    await advance(60_000);

    expect(slack.deliveries.map((x) => x.text)).toEqual(["#7 inprogress deploy live", "#7 success success final"]);
    expect(upstream.fetches).toHaveLength(4);
    expect(await w.activeWatches()).toBe(0);
    expect(w.activeLoops()).toBe(0);
  });

  it("sends the current content at the first tick when no initial history was given", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "inprogress"));
    const w = start(deps(upstream, slack));
    await w.watch(watchOf("7"));
    await advance(1000);
    expect(slack.deliveries.map((x) => x.text)).toEqual(["#7 inprogress pending live"]);
  });

  it("stores the delivered digest, so the unchanged content is not sent again", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "inprogress"));
    const d = deps(upstream, slack);
    const w = start(d);
    await w.watch(watchOf("7"));
    await advance(20_000);
    expect(upstream.fetches.length).toBeGreaterThan(3);
    expect(slack.deliveries).toHaveLength(1);
    const [stored] = await d.store.all();
    expect(stored?.lastDigest).toEqual(expect.any(String));
  });

  it("does not watch a history that is already terminal", async () => {
    const w = start(deps(new FakeUpstream(), new FakeSlack()));
    expect(await w.watch(watchOf("7", { initial: history("7", "fail") }))).toBe(false);
    expect(await w.activeWatches()).toBe(0);
    expect(w.activeLoops()).toBe(0);
  });

  it("passes the hints through to render and deliver", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "success"));
    const seen: unknown[] = [];
    const d = deps(upstream, slack);
    const w = start({ ...d, deliver: async (watch, message) => (seen.push(watch.hints), slack.deliver(watch, message)) });
    await w.watch(watchOf("7", { hints: { surface: "unfurl", shareButton: false } }));
    await advance(1000);
    expect(seen).toEqual([{ surface: "unfurl", shareButton: false }]);
  });
});

describe("Watcher: request coalescing and rate limiting", () => {
  it("makes exactly one fetch per tick for 50 watches of one history", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    // A history that changes at every fetch keeps the interval at 1 s.
    upstream.script("7", ...Array.from({ length: 10 }, (_, i) => history("7", "inprogress", `step-${i}`)));
    const w = start(deps(upstream, slack));
    for (let i = 0; i < 50; i++) {
      const requester = { userId: `U${i}`, channelId: `C${i}` };
      await w.watch({ projectId: "1", historyId: "7", location: inChannel(`C${i}`), hints: {}, requester });
    }
    expect(w.activeLoops()).toBe(1);

    await advance(1000);
    expect(upstream.fetches).toHaveLength(1);
    expect(slack.deliveries).toHaveLength(50);
    await advance(1000);
    expect(upstream.fetches).toHaveLength(2);
    expect(slack.deliveries).toHaveLength(100);
    await advance(3000);
    expect(upstream.fetchTimes()).toEqual([1000, 2000, 3000, 4000, 5000]);
  });

  it("never makes more than upstreamMaxRps fetches in any 1 s window across 20 histories", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    const w = start(deps(upstream, slack, { intervalMs: 200, maxIntervalMs: 400, upstreamMaxRps: 5 }));
    for (let i = 0; i < 20; i++) {
      upstream.script(`h${i}`, history(`h${i}`, "inprogress"));
      await w.watch(watchOf(`h${i}`, { location: inChannel(`C${i}`) }));
    }
    await advance(10_000);

    const times = upstream.fetchTimes();
    expect(times.length).toBeGreaterThanOrEqual(40); // the limiter, not the loops, is the bottleneck
    for (const start of times) expect(times.filter((t) => t >= start && t < start + 1000).length).toBeLessThanOrEqual(5);
    // Every history still gets polled.
    for (let i = 0; i < 20; i++) expect(upstream.fetchTimes(`h${i}`).length).toBeGreaterThanOrEqual(2);
  });
});

describe("Watcher: interval", () => {
  it("grows ×1.5 while nothing changes, bounded by maxIntervalMs, and resets on change", async () => {
    const upstream = new FakeUpstream();
    const same = history("7", "inprogress");
    upstream.script(
      "7",
      same,
      same,
      same,
      same,
      same,
      same,
      same,
      history("7", "inprogress", "deploy"),
      history("7", "inprogress", "deploy"),
    );
    const w = start(deps(upstream, new FakeSlack(), { intervalMs: 1000, maxIntervalMs: 4000 }));
    await w.watch(watchOf("7", { initial: same }));
    await advance(40_000);

    const times = upstream.fetchTimes();
    const gaps = times.slice(1).map((t, i) => t - (times[i] ?? 0));
    // 1000 first; then 1500, 2250, 3375, 4000 (capped) …; the change at fetch 8 resets to 1000.
    expect(gaps.slice(0, 8)).toEqual([1500, 2250, 3375, 4000, 4000, 4000, 4000, 1000]);
    expect(Math.max(...gaps)).toBe(4000);
  });
});

describe("Watcher: delivery results", () => {
  it("stops only the watch whose message is gone", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", ...Array.from({ length: 5 }, (_, i) => history("7", "inprogress", `step-${i}`)));
    slack.answer("C-gone", { kind: "gone" });
    const w = start(deps(upstream, slack));
    for (const channel of ["C1", "C-gone", "C2"]) await w.watch(watchOf("7", { location: inChannel(channel) }));

    await advance(1000);
    expect(await w.activeWatches()).toBe(2);
    await advance(3000);
    expect(slack.to("C-gone")).toHaveLength(1);
    expect(slack.to("C1")).toHaveLength(4);
    expect(slack.to("C2")).toHaveLength(4);
  });

  it("after retry_after 1000 ms, delivers nothing to that watch before 1 s has passed", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", ...Array.from({ length: 20 }, (_, i) => history("7", "inprogress", `step-${i}`)));
    slack.answer("C-limited", { kind: "retry_after", ms: 1000 }, { kind: "ok" });
    const w = start(deps(upstream, slack, { intervalMs: 200, maxIntervalMs: 200 }));
    for (const channel of ["C-limited", "C2"]) await w.watch(watchOf("7", { location: inChannel(channel) }));

    await advance(3000);
    const limited = slack.to("C-limited").map((x) => x.at);
    expect(limited[0]).toBe(200);
    expect(limited[1]).toBe(1200); // ticks at 400…1000 skipped it; the 1200 tick sends the then-current content
    expect(slack.to("C-limited")[1]?.text).toContain("step-5");
    expect(limited.slice(2)).toEqual([1400, 1600, 1800, 2000, 2200, 2400, 2600, 2800, 3000]);
    expect(slack.to("C2").map((x) => x.at)).toEqual(Array.from({ length: 15 }, (_, i) => 200 * (i + 1)));
  });

  it("keeps a watch whose delivery failed and retries the content at the next tick", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "inprogress"));
    slack.answer("C1", { kind: "failed", reason: "internal_error" }, { kind: "ok" });
    const w = start(deps(upstream, slack));
    await w.watch(watchOf("7"));
    await advance(5000);
    // The first fetch is a change (nothing known before), so the interval stays 1 s for the retry.
    expect(slack.deliveries.map((x) => x.at)).toEqual([1000, 2000]);
    expect(await w.activeWatches()).toBe(1);
  });

  it("delivers the final status after a pending Retry-After instead of dropping it", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "inprogress", "deploy"), history("7", "success", "success"));
    slack.answer("C1", { kind: "retry_after", ms: 5000 }, { kind: "ok" });
    const w = start(deps(upstream, slack));
    await w.watch(watchOf("7", { initial: history("7", "inprogress") }));

    await advance(20_000);
    expect(slack.deliveries.map((x) => [x.at, x.state.kind])).toEqual([
      [1000, "live"],
      [6000, "final"],
    ]);
    expect(upstream.fetches).toHaveLength(2); // the terminal history is not fetched again
    expect(w.activeLoops()).toBe(0);
  });

  it("survives render and deliver throwing: logs, keeps the watch, no unhandled rejection", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "inprogress"));
    const d = deps(upstream, slack);
    let renders = 0;
    const w = start({
      ...d,
      render: (watch, h, state) => {
        renders += 1;
        if (renders === 1) throw new Error("render bug");
        return slack.render(watch, h, state);
      },
      deliver: async () => {
        throw new Error("socket hang up");
      },
    });
    await w.watch(watchOf("7"));
    await advance(5000);
    expect(renders).toBeGreaterThan(2);
    expect(await w.activeWatches()).toBe(1);
    expect(w.activeLoops()).toBe(1);
  });
});

describe("Watcher: upstream errors", () => {
  it("delivers stale once with the last success time, backs off ×2, then recovers to live", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    const running = history("7", "inprogress");
    upstream.script("7", upstreamError(), upstreamError(), upstreamError(), upstreamError(), running, running);
    const w = start(deps(upstream, slack, { intervalMs: 1000, maxIntervalMs: 8000 }));
    await w.watch(watchOf("7", { initial: running }));

    await advance(26_000);
    // 1000 (fail → 2000), 3000 (→ 4000), 7000 (→ 8000), 15000 (→ 8000 cap), 23000 ok (→ 1000), 24000 ok, 25500.
    expect(upstream.fetchTimes()).toEqual([1000, 3000, 7000, 15000, 23000, 24000, 25500]);
    expect(slack.deliveries.map((x) => [x.at, x.text])).toEqual([
      [1000, "#7 inprogress pending stale since 0 (unavailable)"],
      [23000, "#7 inprogress pending live"],
    ]);
  });

  it("has nothing to render while the first fetch fails without an initial history, and keeps trying", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", upstreamError(), history("7", "inprogress"));
    const w = start(deps(upstream, slack));
    await w.watch(watchOf("7"));
    await advance(1000);
    expect(slack.deliveries).toHaveLength(0);
    await advance(2000);
    expect(slack.deliveries.map((x) => x.text)).toEqual(["#7 inprogress pending live"]);
  });
});

describe("Watcher: limits", () => {
  it("delivers expired once after maxAgeMs, then removes the watch and ends the loop", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "inprogress"));
    const w = start(deps(upstream, slack, { maxAgeMs: 10_000, intervalMs: 1000, maxIntervalMs: 2000 }));
    await w.watch(watchOf("7", { initial: history("7", "inprogress") }));

    await advance(60_000);
    expect(slack.deliveries).toHaveLength(1);
    expect(slack.deliveries[0]?.state.kind).toBe("expired");
    expect(slack.deliveries[0]?.at).toBeGreaterThan(10_000);
    expect(slack.deliveries[0]?.at).toBeLessThanOrEqual(12_000);
    expect(await w.activeWatches()).toBe(0);
    expect(w.activeLoops()).toBe(0);
    const fetchesAtEnd = upstream.fetches.length;
    await advance(60_000);
    expect(upstream.fetches).toHaveLength(fetchesAtEnd);
  });

  it("refuses watches beyond maxWatches", async () => {
    const upstream = new FakeUpstream();
    const w = start(deps(upstream, new FakeSlack(), { maxWatches: 3 }));
    const add = (i: number) => w.watch(watchOf(`${i}`, { location: inChannel("C1", `${i}.0`) }));
    const results = await Promise.all([add(1), add(2), add(3), add(4), add(5)]);
    expect(results).toEqual([true, true, true, false, false]);
    expect(await w.activeWatches()).toBe(3);
  });

  it("finding 3: one user cannot take every slot: per-user and per-channel quotas leave room for others", async () => {
    const w = start(deps(new FakeUpstream(), new FakeSlack(), { maxWatches: 20, maxWatchesPerUser: 5, maxWatchesPerChannel: 8 }));
    let next = 0;
    const add = (userId: string, channelId: string) => {
      const id = `${++next}`;
      return w.watch({
        projectId: "1",
        historyId: id,
        location: inChannel(channelId, `${id}.0`),
        hints: {},
        requester: { userId, channelId },
      });
    };
    const byAlice: boolean[] = [];
    for (let i = 0; i < 20; i++) byAlice.push(await add("U0ALICE", "C1"));
    expect(byAlice.filter(Boolean)).toHaveLength(5);
    expect(await add("U0BOB", "C2")).toBe(true);
    // C1 holds Alice's 5; others may add 3 more there, then the channel is full for everyone.
    expect([await add("U0BOB", "C1"), await add("U0BOB", "C1"), await add("U0CAROL", "C1")]).toEqual([true, true, true]);
    expect(await add("U0CAROL", "C1")).toBe(false);
    expect(await add("U0CAROL", "C3")).toBe(true);
    expect(await w.activeWatches()).toBe(5 + 1 + 3 + 1);
  });
});

describe("Watcher: response_url locations", () => {
  it("spends one use per delivery, shows the last-update note at usesLeft 1, and removes the watch when used up", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", ...Array.from({ length: 10 }, (_, i) => history("7", "inprogress", `step-${i}`)));
    const w = start(deps(upstream, slack));
    const location = { kind: "response_url" as const, url: "https://hooks.slack.test/r/1", expiresAt: T0 + 30 * 60_000, usesLeft: 3 };
    await w.watch({ projectId: "1", historyId: "7", location, hints: {}, requester: ALICE });

    await advance(10_000);
    expect(slack.deliveries.map((x) => x.location.kind === "response_url" && x.location.usesLeft)).toEqual([3, 2, 1]);
    expect(slack.deliveries[2]?.text).toContain("press Refresh");
    expect(await w.activeWatches()).toBe(0);
    expect(w.activeLoops()).toBe(0);
  });

  it("sends the expired note before expiresAt, while the url still works", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "inprogress"));
    const w = start(deps(upstream, slack, { intervalMs: 1000, maxIntervalMs: 1000 }));
    const location = { kind: "response_url" as const, url: "https://hooks.slack.test/r/1", expiresAt: T0 + 5500, usesLeft: 5 };
    await w.watch({ projectId: "1", historyId: "7", location, hints: {}, requester: ALICE, initial: history("7", "inprogress") });

    await advance(10_000);
    expect(slack.deliveries.map((x) => [x.at, x.state.kind])).toEqual([[5000, "expired"]]);
    expect(await w.activeWatches()).toBe(0);
  });

  it("refuses a response_url that is already used up", async () => {
    const w = start(deps(new FakeUpstream(), new FakeSlack()));
    const location = { kind: "response_url" as const, url: "https://hooks.slack.test/r/1", expiresAt: T0 + 60_000, usesLeft: 0 };
    expect(await w.watch({ projectId: "1", historyId: "7", location, hints: {}, requester: ALICE })).toBe(false);
  });
});

describe("Watcher: lifecycle", () => {
  it("close() stops every loop: no fetch or delivery afterwards", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    for (const id of ["7", "8"]) upstream.script(id, history(id, "inprogress"));
    const w = start(deps(upstream, slack));
    await w.watch(watchOf("7"));
    await w.watch(watchOf("8", { location: inChannel("C1", "2.0") }));
    await advance(1000);
    const fetched = upstream.fetches.length;
    await w.close();
    expect(w.activeLoops()).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    await advance(60_000);
    expect(upstream.fetches).toHaveLength(fetched);
    expect(await w.watch(watchOf("9"))).toBe(false);
  });

  it("close() aborts a fetch in flight without logging it as a SourceDeploy failure", async () => {
    const lines: Array<{ level: string; msg: string }> = [];
    const logger = createLogger({
      level: "debug",
      destination: { write: (line: string) => void lines.push(JSON.parse(line) as { level: string; msg: string }) },
    });
    let started = false;
    const fetchHistory = (_projectId: string, historyId: string, signal?: AbortSignal) =>
      new Promise<never>((_resolve, reject) => {
        started = true;
        signal?.addEventListener("abort", () =>
          reject(new SourceDeployError("aborted", `The SourceDeploy request for history 1/${historyId} was cancelled`)),
        );
      });
    const w = start({ ...deps(new FakeUpstream(), new FakeSlack()), fetchHistory, logger });
    await w.watch(watchOf("7"));
    await advance(1000);
    expect(started).toBe(true);
    await w.close();
    expect(lines.filter((l) => l.level === "warn" || l.level === "error")).toEqual([]);
  });

  it("rejects invalid settings with a TypeError naming them", () => {
    const d = deps(new FakeUpstream(), new FakeSlack(), { intervalMs: 0, maxIntervalMs: 10 });
    expect(() => new Watcher(d)).toThrow(/intervalMs/);
  });
});

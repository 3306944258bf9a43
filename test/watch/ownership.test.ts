/**
 * Several instances on one watch store: a loop runs only under its history's lease, stops when
 * the lease is lost, and a watched history nobody polls is adopted at the next scan.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LoopOwnership } from "../../src/watch/index.js";
import { Watcher } from "../../src/watch/index.js";
import { deps, FakeSlack, FakeUpstream, history, T0, watchOf } from "./fakes.js";

/** Leases decided by the test: `others` are held by another instance. */
class FakeOwnership implements LoopOwnership {
  readonly scanIntervalMs = 2000;
  readonly others = new Set<string>();
  readonly mine = new Set<string>();
  readonly released: string[] = [];
  private readonly listeners = new Set<(name: string) => void>();
  async acquire(name: string): Promise<boolean> {
    if (this.others.has(name)) return false;
    this.mine.add(name);
    return true;
  }
  holds(name: string): boolean {
    return this.mine.has(name);
  }
  async release(name: string): Promise<void> {
    this.mine.delete(name);
    this.released.push(name);
  }
  onLost(listener: (name: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  /** Another instance took it. */
  lose(name: string): void {
    this.mine.delete(name);
    this.others.add(name);
    for (const listener of this.listeners) listener(name);
  }
}

const watchers: Watcher<object>[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(async () => {
  await Promise.all(watchers.splice(0).map((w) => w.close()));
  vi.useRealTimers();
});
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe("loops under leases", () => {
  it("does not poll a history whose lease another instance holds, and adopts it once that one lets go", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "inprogress", "deploy"));
    const ownership = new FakeOwnership();
    ownership.others.add("history:1/7");
    const w = new Watcher({ ...deps(upstream, slack), ownership });
    watchers.push(w);
    expect(await w.watch(watchOf("7", { initial: history("7", "inprogress", "pending") }))).toBe(true);
    expect(w.activeLoops()).toBe(0);
    await advance(10_000);
    expect(upstream.fetches).toEqual([]);
    expect(slack.deliveries).toEqual([]);

    ownership.others.delete("history:1/7"); // its holder died: the lease expired
    await advance(2000); // the next scan
    expect(w.activeLoops()).toBe(1);
    await advance(1000);
    expect(slack.deliveries.map((d) => d.text)).toEqual(["#7 inprogress deploy live"]);
  });

  it("stops polling at once when the lease is lost, and releases it when the loop ends", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "inprogress", "deploy"));
    upstream.script("8", history("8", "inprogress", "deploy"), history("8", "success", "success"));
    const ownership = new FakeOwnership();
    const w = new Watcher({ ...deps(upstream, slack), ownership });
    watchers.push(w);
    await w.watch(watchOf("7", { initial: history("7", "inprogress", "pending") }));
    await w.watch(watchOf("8", { initial: history("8", "inprogress", "pending") }));
    expect(w.activeLoops()).toBe(2);

    ownership.lose("history:1/7");
    expect(w.activeLoops()).toBe(1);
    await advance(60_000);
    expect(upstream.fetches.filter((f) => f.historyId === "7")).toEqual([]);
    // #8 ran to its end; its lease was let go with its loop.
    expect(slack.deliveries.map((d) => d.text)).toContain("#8 success success final");
    expect(ownership.released).toContain("history:1/8");
    expect(w.activeLoops()).toBe(0);
  });

  it("delivers nothing once the lease lapsed during the fetch", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "inprogress", "deploy"));
    const ownership = new FakeOwnership();
    const d = deps(upstream, slack);
    const w = new Watcher({
      ...d,
      ownership,
      fetchHistory: async (projectId, historyId, signal) => {
        ownership.mine.delete("history:1/7"); // not renewed in time; no one told the loop yet
        return d.fetchHistory(projectId, historyId, signal);
      },
    });
    watchers.push(w);
    await w.watch(watchOf("7", { initial: history("7", "inprogress", "pending") }));
    await advance(1000);
    expect(upstream.fetches).toHaveLength(1);
    expect(slack.deliveries).toEqual([]);
  });

  it("lets every lease go when it closes, so another instance takes over at once", async () => {
    const upstream = new FakeUpstream();
    upstream.script("7", history("7", "inprogress", "deploy"));
    const ownership = new FakeOwnership();
    const w = new Watcher({ ...deps(upstream, new FakeSlack()), ownership });
    await w.watch(watchOf("7", { initial: history("7", "inprogress", "pending") }));
    await w.close();
    expect(ownership.released).toEqual(["history:1/7"]);
  });
});

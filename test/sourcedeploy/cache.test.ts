import { describe, expect, it } from "vitest";
import { CachingSourceDeploy } from "../../src/sourcedeploy/cache.js";
import { SourceDeployError } from "../../src/sourcedeploy/errors.js";
import type {
  CallOptions,
  History,
  HistorySummary,
  PageQuery,
  Project,
  ProjectQuery,
  SourceDeployApi,
} from "../../src/sourcedeploy/model.js";

function history(id: string, status: string): History {
  return {
    id,
    project: { id: "1", name: "p" },
    stage: { id: "2", name: "s" },
    scenario: { id: "3", name: "sc" },
    status,
    type: "Server",
    config: {},
    targetShape: "servers",
    targets: [],
  };
}

/** An upstream whose calls wait until released, so concurrency is under the test's control. */
class FakeUpstream implements SourceDeployApi {
  readonly description = "fake upstream";
  readonly calls: string[] = [];
  /** The options of each call, in order. */
  readonly options: (CallOptions | undefined)[] = [];
  status = "success";
  failNext: Error | undefined;
  private gates: Array<() => void> = [];

  async getHistory(projectId: string, historyId: string, options?: CallOptions): Promise<History> {
    this.calls.push(`history ${projectId}/${historyId}`);
    this.options.push(options);
    await this.gate();
    const failure = this.failNext;
    this.failNext = undefined;
    if (failure) throw failure;
    return history(historyId, this.status);
  }
  async listHistories(projectId: string, query?: PageQuery, options?: CallOptions): Promise<HistorySummary[]> {
    this.calls.push(`list ${projectId} ${query?.pageSize ?? ""}`);
    this.options.push(options);
    await this.gate();
    return [];
  }
  async listProjects(query?: ProjectQuery, options?: CallOptions): Promise<Project[]> {
    this.calls.push(`projects ${query?.name ?? ""}`);
    this.options.push(options);
    await this.gate();
    return [{ id: "1", name: query?.name ?? "all" }];
  }

  /** When held, calls wait for release(). */
  held = false;
  release(): void {
    this.held = false;
    for (const open of this.gates.splice(0)) open();
  }
  private gate(): Promise<void> {
    return this.held ? new Promise((resolve) => this.gates.push(resolve)) : Promise.resolve();
  }
}

describe("CachingSourceDeploy", () => {
  it("passes the upstream description through", () => {
    expect(new CachingSourceDeploy(new FakeUpstream()).description).toBe("fake upstream");
  });

  it("shares one upstream call between 100 concurrent getHistory calls of one id", async () => {
    const upstream = new FakeUpstream();
    upstream.held = true;
    upstream.status = "inprogress";
    const cache = new CachingSourceDeploy(upstream);
    const calls = Array.from({ length: 100 }, () => cache.getHistory("1", "7"));
    upstream.release();
    const results = await Promise.all(calls);
    expect(upstream.calls).toEqual(["history 1/7"]);
    expect(results.every((h) => h.id === "7")).toBe(true);
    expect(cache.stats()).toEqual({ hits: 0, misses: 1, shared: 99 });
  });

  it("serves a terminal history from the cache on the next call", async () => {
    const upstream = new FakeUpstream();
    const cache = new CachingSourceDeploy(upstream);
    const first = await cache.getHistory("1", "7");
    const second = await cache.getHistory("1", "7");
    expect(second).toBe(first);
    expect(upstream.calls).toHaveLength(1);
    expect(cache.stats()).toEqual({ hits: 1, misses: 1, shared: 0 });
  });

  it("fetches a non-terminal history again on every call once the first settled", async () => {
    const upstream = new FakeUpstream();
    upstream.status = "inprogress";
    const cache = new CachingSourceDeploy(upstream);
    await cache.getHistory("1", "7");
    await cache.getHistory("1", "7");
    upstream.status = "success";
    await cache.getHistory("1", "7");
    await cache.getHistory("1", "7");
    expect(upstream.calls).toHaveLength(3);
  });

  it("does not cache a failure: every waiter gets it, the next call goes upstream again", async () => {
    const upstream = new FakeUpstream();
    upstream.held = true;
    upstream.failNext = new SourceDeployError("unavailable", "down");
    const cache = new CachingSourceDeploy(upstream);
    const calls = [cache.getHistory("1", "7"), cache.getHistory("1", "7")];
    upstream.release();
    for (const call of calls) await expect(call).rejects.toMatchObject({ code: "unavailable" });
    await expect(cache.getHistory("1", "7")).resolves.toMatchObject({ id: "7" });
    expect(upstream.calls).toHaveLength(2);
  });

  it("keeps at most maxEntries terminal histories, evicting the least recently used", async () => {
    const upstream = new FakeUpstream();
    const cache = new CachingSourceDeploy(upstream, { maxEntries: 2 });
    await cache.getHistory("1", "a");
    await cache.getHistory("1", "b");
    await cache.getHistory("1", "a"); // a is now the most recent
    await cache.getHistory("1", "c"); // evicts b
    upstream.calls.length = 0;
    await cache.getHistory("1", "a");
    await cache.getHistory("1", "c");
    expect(upstream.calls).toEqual([]);
    await cache.getHistory("1", "b");
    expect(upstream.calls).toEqual(["history 1/b"]);
  });

  it("drops entries older than ttlMs", async () => {
    let clock = 5000; // lru-cache treats a start time of 0 as "no TTL"
    const upstream = new FakeUpstream();
    const cache = new CachingSourceDeploy(upstream, { ttlMs: 1000, now: () => clock });
    await cache.getHistory("1", "7");
    clock = 5999;
    await cache.getHistory("1", "7");
    expect(upstream.calls).toHaveLength(1);
    clock = 6001;
    await cache.getHistory("1", "7");
    expect(upstream.calls).toHaveLength(2);
  });

  it("shares identical list and project calls in flight, and keeps different queries apart", async () => {
    const upstream = new FakeUpstream();
    upstream.held = true;
    const cache = new CachingSourceDeploy(upstream);
    const calls = [
      cache.listHistories("1", { pageSize: 10 }),
      cache.listHistories("1", { pageSize: 10 }),
      cache.listHistories("1", { pageSize: 20 }),
      cache.listProjects({ name: "web" }),
      cache.listProjects({ name: "web" }),
      cache.listProjects(),
    ];
    upstream.release();
    await Promise.all(calls);
    expect(upstream.calls.sort()).toEqual(["list 1 10", "list 1 20", "projects ", "projects web"]);
    expect(cache.stats().shared).toBe(2);
    await cache.listHistories("1", { pageSize: 10 });
    expect(upstream.calls).toHaveLength(5);
  });

  it("finding 6: keeps each project list for projectListTtlMs, keyed by query, then asks upstream again", async () => {
    let clock = 5000;
    const upstream = new FakeUpstream();
    const cache = new CachingSourceDeploy(upstream, { projectListTtlMs: 60_000, now: () => clock });
    const first = await cache.listProjects({ name: "web" });
    await cache.listProjects({ name: "api" });
    clock = 64_999;
    expect(await cache.listProjects({ name: "web" })).toBe(first);
    await cache.listProjects({ name: "api" });
    expect(upstream.calls).toEqual(["projects web", "projects api"]);
    clock = 65_001;
    await cache.listProjects({ name: "web" });
    expect(upstream.calls).toEqual(["projects web", "projects api", "projects web"]);
  });

  it("does not keep a failed project list", async () => {
    const upstream = new FakeUpstream();
    const cache = new CachingSourceDeploy(upstream);
    upstream.listProjects = async () => {
      upstream.calls.push("projects failing");
      throw new SourceDeployError("unavailable", "down");
    };
    await expect(cache.listProjects()).rejects.toMatchObject({ code: "unavailable" });
    await expect(cache.listProjects()).rejects.toMatchObject({ code: "unavailable" });
    expect(upstream.calls).toEqual(["projects failing", "projects failing"]);
  });

  it("tells upstream whom a call it starts is for, and never passes the caller's signal", async () => {
    const upstream = new FakeUpstream();
    const cache = new CachingSourceDeploy(upstream);
    await cache.listHistories("1", {}, { onBehalfOf: "T1/U1", signal: new AbortController().signal });
    await cache.listProjects({}, { onBehalfOf: "T1/U2" });
    await cache.getHistory("1", "7");
    expect(upstream.options).toEqual([{ onBehalfOf: "T1/U1" }, { onBehalfOf: "T1/U2" }, undefined]);
  });

  it("finding 6: a call upstream refuses synchronously for one caller is not shared with the next caller", async () => {
    const upstream = new FakeUpstream();
    const getHistory = upstream.getHistory.bind(upstream);
    upstream.getHistory = (projectId, historyId, options) => {
      if (options?.onBehalfOf === "over-budget") throw new SourceDeployError("slow_down", "over budget");
      return getHistory(projectId, historyId);
    };
    upstream.held = true;
    const cache = new CachingSourceDeploy(upstream);
    const refused = cache.getHistory("1", "7", { onBehalfOf: "over-budget" });
    const other = cache.getHistory("1", "7", { onBehalfOf: "someone else" });
    upstream.release();
    await expect(refused).rejects.toMatchObject({ code: "slow_down" });
    await expect(other).resolves.toMatchObject({ id: "7" });
    expect(cache.stats()).toMatchObject({ misses: 1, shared: 0 });
  });

  it("lets one caller's abort end only that caller's wait", async () => {
    const upstream = new FakeUpstream();
    upstream.held = true;
    upstream.status = "inprogress";
    const cache = new CachingSourceDeploy(upstream);
    const controller = new AbortController();
    const aborted = cache.getHistory("1", "7", { signal: controller.signal });
    const other = cache.getHistory("1", "7");
    controller.abort();
    await expect(aborted).rejects.toMatchObject({ name: "SourceDeployError", code: "aborted" });
    upstream.release();
    await expect(other).resolves.toMatchObject({ id: "7" });
    await expect(cache.getHistory("1", "7", { signal: controller.signal })).rejects.toMatchObject({ code: "aborted" });
  });
});

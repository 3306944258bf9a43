/** Filters, time ranges, stats and diff: pure computations with exact figures. */
import { describe, expect, it } from "vitest";
import { diffHistories, lastSuccessBefore } from "../../src/ask/diff.js";
import { knownStages, matcher, stageNames } from "../../src/ask/filter.js";
import { resolveRange } from "../../src/ask/range.js";
import { scanHistories } from "../../src/ask/scan.js";
import { computeStats, percentile, sparkline } from "../../src/ask/stats.js";
import { closestWord } from "../../src/ask/suggest.js";
import { FILTER_WORDS } from "../../src/command.js";
import { CachingSourceDeploy } from "../../src/sourcedeploy/cache.js";
import { SourceDeployError } from "../../src/sourcedeploy/errors.js";
import type { HistorySummary, PageQuery, SourceDeployApi } from "../../src/sourcedeploy/model.js";
import { parseHistory, parseHistoryList } from "../../src/sourcedeploy/schemas.js";
import { datedHistoryList } from "../fakes/sourcedeploy-fake.js";
import { datedEntries, EXPECTED, IDS } from "../support/dated-history.js";
import { readFixture } from "../support/fixtures.js";

const ZONE = "Asia/Seoul";
/** Wednesday 2026-11-11 15:30 in Seoul. */
const NOW = new Date("2026-11-11T06:30:00Z");
const list: HistorySummary[] = parseHistoryList(datedHistoryList({ id: 41027, name: "shop-api" }, datedEntries(NOW.getTime(), ZONE)));
const ids = (entries: readonly HistorySummary[]) => entries.map((e) => e.id);

describe("time ranges in TIME_ZONE", () => {
  it.each([
    [{ kind: "today" } as const, "2026-11-10T15:00:00.000Z", undefined],
    [{ kind: "yesterday" } as const, "2026-11-09T15:00:00.000Z", "2026-11-10T15:00:00.000Z"],
    [{ kind: "this_week" } as const, "2026-11-08T15:00:00.000Z", undefined],
    [{ kind: "hours", hours: 24 } as const, "2026-11-10T06:30:00.000Z", undefined],
    [{ kind: "days", days: 7 } as const, "2026-11-04T15:00:00.000Z", undefined],
    [{ kind: "since", date: "2026-11-01" } as const, "2026-10-31T15:00:00.000Z", undefined],
    [{ kind: "on", date: "2026-11-01" } as const, "2026-10-31T15:00:00.000Z", "2026-11-01T15:00:00.000Z"],
  ])("%j", (range, since, until) => {
    const window = resolveRange(range, NOW, ZONE);
    expect(window.since?.toISOString()).toBe(since);
    expect(window.until?.toISOString()).toBe(until);
  });
});

describe("filters", () => {
  const run = (statuses: Parameters<typeof matcher>[0]["statuses"], stages: string[], range?: Parameters<typeof resolveRange>[0]) =>
    ids(list.filter(matcher({ statuses, stages, window: resolveRange(range, NOW, ZONE) })));

  it("answers the issue's examples with exactly the matching ids", () => {
    expect(run(["failed"], [], { kind: "days", days: 7 })).toEqual(EXPECTED.failed7d);
    expect(run(["running"], ["PROD-WEB"])).toEqual(EXPECTED.prodWebRunning);
    expect(run([], [], { kind: "yesterday" })).toEqual(EXPECTED.yesterday);
  });

  it("knows the stages it has seen and names the others", () => {
    expect(stageNames(list)).toEqual(["prod-web", "prod-asg"]);
    expect(knownStages(["Prod-Web", "prod-wbe"], ["prod-web", "prod-asg"])).toEqual({ stages: ["prod-web"], unknown: ["prod-wbe"] });
  });

  it("suggests the closest known word or stage, and nothing for a word far from all", () => {
    expect(closestWord("prod-wbe", [...FILTER_WORDS, "prod-web", "prod-asg"])).toBe("prod-web");
    expect(closestWord("faild", FILTER_WORDS)).toBe("failed");
    expect(closestWord("어재", FILTER_WORDS)).toBe("어제");
    expect(closestWord("kubernetes", FILTER_WORDS)).toBeUndefined();
  });
});

describe("stats", () => {
  it("counts, rates, durations, per day and change, exactly", () => {
    const stats = computeStats(list, 7, NOW, ZONE);
    expect(stats.current).toMatchObject({
      total: 7,
      finished: 6,
      succeeded: 3,
      successRate: 0.5,
      durations: 6,
      medianMs: 180_000,
      p90Ms: 360_000,
    });
    expect(stats.current.byStatus).toEqual([
      { status: "success", count: 3 },
      { status: "fail", count: 2 },
      { status: "canceled", count: 1 },
      { status: "inprogress", count: 1 },
    ]);
    expect(stats.perDay).toEqual([1, 1, 0, 2, 0, 2, 1]);
    expect(sparkline(stats.perDay)).toBe("▅▅▁█▁█▅");
    expect(stats.previous).toMatchObject({ total: 3, finished: 3, succeeded: 2 });
    expect(stats.previous.successRate).toBeCloseTo(2 / 3);
  });

  it("uses nearest-rank percentiles", () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([7], 90)).toBe(7);
    expect(sparkline([0, 0])).toBe("▁▁");
  });
});

describe("diff", () => {
  const failed = parseHistory(readFixture("server-fail.json"));
  const success = {
    ...failed,
    id: "903300",
    status: "success",
    scenario: { id: "7799", name: "web-release-hotfix" },
    config: { ...failed.config, file: { name: "shop-api-build-prev", type: "SourceBuild" } },
    targets: failed.targets.map((t) => (t.name === "web-03" ? { ...t, name: "web-04" } : { ...t, status: "success" })),
  };

  it("names the changed fields, targets added and removed, and what failed now but succeeded then", () => {
    expect(diffHistories(failed, success)).toEqual({
      changed: [
        { field: "scenario", then: "web-release-hotfix", now: "web-release-sequential" },
        { field: "file", then: "shop-api-build-prev (SourceBuild)", now: "shop-api-build (SourceBuild)" },
      ],
      same: ["stage", "strategy"],
      added: ["web-03"],
      removed: ["web-04"],
      regressed: ["web-02"],
    });
  });

  it("finds the last success of the same stage before a deployment", () => {
    const yesterdayFail = { ...failed, id: IDS.yesterdayFail, startTime: list.find((e) => e.id === IDS.yesterdayFail)?.startTime };
    expect(lastSuccessBefore(list, yesterdayFail)?.id).toBe(IDS.threeDaysSuccess);
  });
});

describe("reading the list", () => {
  function pagedApi(entries: readonly HistorySummary[], failAt?: number) {
    const calls: PageQuery[] = [];
    const api: SourceDeployApi = {
      description: "paged",
      getHistory: () => Promise.reject(new Error("unused")),
      listProjects: () => Promise.resolve([]),
      listHistories: (_p, query = {}) => {
        calls.push(query);
        if (query.pageNo === failAt) return Promise.reject(new SourceDeployError("slow_down", "x"));
        const size = query.pageSize ?? 100;
        const start = ((query.pageNo ?? 1) - 1) * size;
        return Promise.resolve(entries.slice(start, start + size));
      },
    };
    return { api, calls };
  }

  it("stops once the range is covered, at the page cap, at the end, or at the upstream limits", async () => {
    const since = resolveRange({ kind: "days", days: 7 }, NOW, ZONE).since;
    const covered = pagedApi(list);
    expect(await scanHistories(covered.api, "41027", { since, maxPages: 10 })).toMatchObject({ pages: 1, end: "covered" });
    const capped = pagedApi(list);
    const scan = await scanHistories(capped.api, "41027", { enough: () => false, maxPages: 3 });
    expect(scan).toMatchObject({ pages: 3, end: "cap" });
    expect(scan.entries).toHaveLength(300);
    expect(capped.calls.map((q) => q.pageNo)).toEqual([1, 2, 3]);
    expect(capped.calls.every((q) => q.pageSize === 100 && q.maxAgeMs === 30_000)).toBe(true);
    expect(await scanHistories(pagedApi(list).api, "41027", { maxPages: 10 })).toMatchObject({ pages: 4, end: "all" });
    expect(await scanHistories(pagedApi(list, 2).api, "41027", { maxPages: 10 })).toMatchObject({ pages: 1, end: "limited" });
    await expect(scanHistories(pagedApi(list, 1).api, "41027", { maxPages: 10 })).rejects.toMatchObject({ code: "slow_down" });
  });
});

describe("pages shared between askers", () => {
  it("serves a page read moments ago to a caller that accepts it, and a fresh one to every other caller", async () => {
    let clock = 0;
    let calls = 0;
    const upstream: SourceDeployApi = {
      description: "counting",
      getHistory: () => Promise.reject(new Error("unused")),
      listProjects: () => Promise.resolve([]),
      listHistories: (_p, query) => {
        calls += 1;
        expect(query).not.toHaveProperty("maxAgeMs");
        return Promise.resolve(list.slice(0, query?.pageSize ?? 100));
      },
    };
    const cache = new CachingSourceDeploy(upstream, { now: () => clock });
    const ask = { pageNo: 1, pageSize: 100, maxAgeMs: 30_000 };
    await Promise.all([cache.listHistories("41027", ask), cache.listHistories("41027", ask)]);
    expect(calls).toBe(1);
    clock = 29_000;
    await cache.listHistories("41027", ask);
    expect(calls).toBe(1);
    await cache.listHistories("41027", { pageNo: 1, pageSize: 100 });
    expect(calls).toBe(2);
    clock = 60_000;
    await cache.listHistories("41027", ask);
    expect(calls).toBe(3);
  });
});

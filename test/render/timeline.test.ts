import { describe, expect, it } from "vitest";
import { computeTimeline, type Message, messages, renderHistory, renderUnfurl, timelineText } from "../../src/render/index.js";
import type { History, ServerTarget, Steps } from "../../src/sourcedeploy/model.js";
import { assertValidMessage, mrkdwnTexts } from "../support/block-kit.js";
import { historyFixture, options } from "./helpers.js";

const T0 = 1_772_600_000_000;
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function timed(name: string, times: Partial<Record<"pre" | "deploy" | "post", number>>): ServerTarget {
  const steps: Steps = {};
  for (const [step, seconds] of Object.entries(times) as Array<["pre" | "deploy" | "post", number]>)
    steps[step] = { status: "success", time: at(seconds) };
  return { name, status: "success", steps };
}

/** Targets deployed one after another, each taking `durations[i]` seconds (pre and deploy halves). */
function sequential(durations: number[]): ServerTarget[] {
  let clock = 0;
  return durations.map((d, i) => {
    const target = timed(`srv-${i + 1}`, { pre: clock, deploy: clock + d / 2 });
    clock += d;
    return target;
  });
}

function finished(targets: ServerTarget[], endSeconds: number | undefined, status = "success"): History {
  return { ...historyFixture("server-fail.json"), status, endTime: endSeconds === undefined ? undefined : at(endSeconds), targets };
}

function timelineOf(message: Message): string | undefined {
  return mrkdwnTexts(message.blocks).find((t) => t.startsWith("*Slowest targets") || t.startsWith("*오래 걸린 배포 타겟"));
}

describe("computeTimeline", () => {
  it("derives server-fail's step durations from the start times, slowest first", () => {
    // web-01: pre 22s, deploy 31s, post until web-02's pre 3s later; web-02: pre 19s, deploy until the history's end.
    const timeline = computeTimeline(historyFixture("server-fail.json"));
    expect(timeline.entries.map((e) => ({ name: e.target.name, steps: e.steps, total: e.totalSeconds }))).toEqual([
      {
        name: "web-02",
        steps: [
          { name: "pre", seconds: 19 },
          { name: "deploy", seconds: 46 },
        ],
        total: 65,
      },
      {
        name: "web-01",
        steps: [
          { name: "pre", seconds: 22 },
          { name: "deploy", seconds: 31 },
          { name: "post", seconds: 3 },
        ],
        total: 56,
      },
    ]);
    expect(timeline.slowest).toBe(false);
  });

  it("ends a last step at the earliest later start of another target, not at an earlier one", () => {
    const targets = [timed("a", { pre: 0, deploy: 10 }), timed("b", { pre: 5 }), timed("c", { pre: 40 }), timed("d", { pre: 30 })];
    const byName = new Map(computeTimeline(finished(targets, 100)).entries.map((e) => [e.target.name, e]));
    expect(byName.get("a")?.steps).toEqual([
      { name: "pre", seconds: 10 },
      { name: "deploy", seconds: 20 },
    ]);
    expect(byName.get("b")?.steps).toEqual([{ name: "pre", seconds: 5 }]);
    expect(byName.get("d")?.steps).toEqual([{ name: "pre", seconds: 10 }]);
    expect(byName.get("c")?.steps).toEqual([{ name: "pre", seconds: 60 }]);
  });

  it("leaves a duration unknown when nothing marks the end of a step", () => {
    const targets = [
      timed("a", { pre: 0, deploy: 10 }),
      timed("b", { pre: 50 }),
      timed("backwards", { pre: 90, deploy: 80 }),
      timed("open", { pre: 200 }),
    ];
    const entries = computeTimeline(finished(targets, undefined)).entries;
    expect(entries.map((e) => [e.target.name, e.totalSeconds])).toEqual([
      ["backwards", 120],
      ["a", 50],
      ["b", 30],
      ["open", undefined],
    ]);
    // "backwards" reported deploy before pre: pre has no known end; deploy skips its own pre and ends at "open".
    expect(entries[0]?.steps).toEqual([{ name: "pre" }, { name: "deploy", seconds: 120 }]);
    expect(entries[1]?.steps).toEqual([
      { name: "pre", seconds: 10 },
      { name: "deploy", seconds: 40 },
    ]);
    // The last target started after everything else and the history has no end time.
    expect(entries[3]).toEqual({ target: targets[3], steps: [{ name: "pre" }] });
  });

  it("skips targets without step times and single-target deployments", () => {
    const targets = [timed("a", { pre: 0 }), { name: "idle", status: "no progress", steps: { pre: { status: "success" } } }];
    expect(computeTimeline(finished(targets, 20)).entries.map((e) => e.target.name)).toEqual(["a"]);
    expect(computeTimeline(historyFixture("objectstorage.json")).entries).toEqual([]);
  });

  it("marks the slowest only when it took at least 1.5× the median, with three or more timed targets", () => {
    expect(computeTimeline(finished(sequential([10, 20, 30]), 60)).slowest).toBe(true); // 30 ≥ 1.5 × 20
    expect(computeTimeline(finished(sequential([20, 20, 28]), 68)).slowest).toBe(false); // 28 < 30
    expect(computeTimeline(finished(sequential([10, 100]), 110)).slowest).toBe(false); // only two targets
    expect(computeTimeline(finished(sequential([10, 10, 20, 40]), 80)).slowest).toBe(true); // median 15
    expect(computeTimeline(finished(sequential([0, 0, 0]), 0)).slowest).toBe(false);
  });
});

describe("timelineText", () => {
  it("is nothing when no target stands out (server-fail: 65 s against 56 s)", () => {
    const timeline = computeTimeline(historyFixture("server-fail.json"));
    expect(timelineText(timeline, messages("en"))).toBeUndefined();
    expect(timelineText(timeline, messages("ko"))).toBeUndefined();
  });

  it("lists the markedly slow targets with every duration marked as an estimate, then the typical one, localized", () => {
    const targets = [...sequential([10, 10, 30]), timed("open", { pre: 50 })];
    const timeline = computeTimeline(finished(targets, undefined));
    expect(timelineText(timeline, messages("en"))).toBe(
      "*Slowest targets (≈ estimated from step start times)*\n🐢 srv-3 · ≈30s — pre-deploy ≈15s → file deploy ≈15s\nThe other 3 targets: typically ≈10s",
    );
    expect(timelineText(timeline, messages("ko"))).toBe(
      "*오래 걸린 배포 타겟 (단계 시작 시각으로 추정 ≈)*\n🐢 srv-3 · ≈30초 — 배포 전 ≈15초 → 파일 배포 ≈15초\n나머지 배포 타겟 3개: 보통 ≈10초",
    );
  });

  it("shows a step whose end is unknown without a duration", () => {
    const targets = [timed("a", { pre: 0 }), timed("b", { pre: 5 }), timed("slow", { pre: 10, deploy: 20 }), timed("c", { pre: 200 })];
    const text = timelineText(computeTimeline(finished(targets, undefined)), messages("en")) ?? "";
    expect(text).toContain("🐢 slow · ≈3m 10s — pre-deploy ≈10s → file deploy ≈3m");
  });

  it("is nothing when no target has a step time", () => {
    expect(timelineText(computeTimeline(finished([], 10)), messages("en"))).toBeUndefined();
  });
});

const HEADINGS = /^\*(Slowest targets|오래 걸린 배포 타겟)/;

describe("the timeline in renderHistory", () => {
  it("comes after the targets and before the actions of a finished deployment", () => {
    const message = renderHistory(finished(sequential([10, 10, 40]), 60), options());
    assertValidMessage(message);
    const timelineAt = message.blocks.findIndex((b) => b.type === "section" && HEADINGS.test(b.text?.text ?? ""));
    const lastTarget = message.blocks.findLastIndex((b) => b.type === "section" && b.text?.text.startsWith("✅ *srv-"));
    const actionsAt = message.blocks.findIndex((b) => b.type === "actions");
    expect(lastTarget).toBeGreaterThan(0);
    expect(timelineAt).toBeGreaterThan(lastTarget);
    expect(actionsAt).toBe(timelineAt + 1);
    expect(message.blocks[timelineAt - 1]?.type).toBe("divider");
  });

  it("is not shown when it would say nothing, while the deployment runs, nor in the unfurl", () => {
    expect(timelineOf(renderHistory(historyFixture("server-fail.json"), options()))).toBeUndefined();
    expect(timelineOf(renderHistory(finished(sequential([10, 11, 12]), 33), options()))).toBeUndefined();
    expect(timelineOf(renderHistory(historyFixture("server-inprogress.wrapped.json"), options()))).toBeUndefined();
    const slow = finished(sequential([10, 10, 40]), 60);
    expect(timelineOf(renderHistory({ ...slow, status: "inprogress" }, options()))).toBeUndefined();
    expect(timelineOf(renderUnfurl(slow, options()))).toBeUndefined();
  });

  it("lists at most 5 of the 73 slow targets among 300, slowest first, and keeps the message within limits", () => {
    const durations = Array.from({ length: 300 }, (_, i) => 10 + 2 * ((i * 37) % 300)); // 10…608 s, shuffled
    const history = finished(
      sequential(durations),
      durations.reduce((a, b) => a + b, 0),
    );
    const message = renderHistory(history, options({ demo: true, live: { kind: "expired" } }));
    assertValidMessage(message);
    const lines = timelineOf(message)?.split("\n") ?? [];
    expect(lines).toHaveLength(7);
    expect(lines[1]).toBe("🐢 srv-228 · ≈10m 8s — pre-deploy ≈5m 4s → file deploy ≈5m 4s"); // 608 s ≥ 1.5 × the median 309 s
    expect(lines.slice(1, 6).every((l) => l.startsWith("🐢 srv-"))).toBe(true);
    expect(lines[6]).toBe("The other 227 targets: typically ≈5m 9s");
  });

  it("escapes and shortens target names", () => {
    const targets = [
      timed("a", { pre: 0 }),
      timed("b", { pre: 5 }),
      timed("<!channel>", { pre: 10 }),
      timed("x".repeat(500), { pre: 100 }),
    ];
    const text = timelineOf(renderHistory(finished(targets, 200), options())) ?? "";
    expect(text).toContain("🐢 &lt;!channel&gt; · ≈1m 30s — pre-deploy ≈1m 30s");
    expect(text).not.toContain("<!channel>");
    expect(text).toContain(`🐢 ${"x".repeat(59)}… · ≈1m 40s`);
  });
});

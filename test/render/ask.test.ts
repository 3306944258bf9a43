/** Answers to plain-words questions: valid Block Kit within Slack's limits, and the figures they state. */
import { describe, expect, it } from "vitest";
import { computeStats } from "../../src/ask/stats.js";
import { renderHistory, renderSearch, renderStats } from "../../src/render/index.js";
import { parseHistoryList } from "../../src/sourcedeploy/schemas.js";
import { datedHistoryList } from "../fakes/sourcedeploy-fake.js";
import { assertValidMessage } from "../support/block-kit.js";
import { datedEntries } from "../support/dated-history.js";
import { askForms } from "./ask-forms.js";
import { historyFixture, options } from "./helpers.js";

const NOW = new Date("2026-11-11T06:30:00Z");

describe("plain-words answers", () => {
  it.each(["ko", "en"] as const)("are valid Block Kit within the limits (%s)", (locale) => {
    for (const message of askForms(options({ locale, now: NOW, timeZone: "Asia/Seoul" }))) assertValidMessage(message);
  });

  it("shows at most 50 blocks even for 50 matches, counting the rest", () => {
    const o = options({ now: NOW, timeZone: "Asia/Seoul" });
    const list = parseHistoryList(datedHistoryList({ id: 41027, name: "shop-api" }, datedEntries(NOW.getTime(), "Asia/Seoul", 60)));
    const scan = { pages: 1, entries: 70, end: "all" as const };
    const message = renderSearch(
      { project: { id: "41027", name: "shop-api" }, filter: { statuses: [], stages: [] }, matches: list.slice(0, 50), scan },
      50,
      o,
    );
    expect(message.blocks.length).toBeLessThanOrEqual(50);
    expect(JSON.stringify(message.blocks)).toMatch(/…and \d+ more matching deployments not shown/);
  });

  it("states the stats figures", () => {
    const o = options({ now: NOW, timeZone: "Asia/Seoul" });
    const list = parseHistoryList(datedHistoryList({ id: 41027, name: "shop-api" }, datedEntries(NOW.getTime(), "Asia/Seoul")));
    const text = JSON.stringify(
      renderStats(
        {
          project: { id: "41027", name: "shop-api" },
          stages: [],
          stats: computeStats(list, 7, NOW, "Asia/Seoul"),
          scan: { pages: 1, entries: 100, end: "covered" },
          previousComplete: true,
        },
        o,
      ).blocks,
    );
    for (const part of [
      "*7 deployments*",
      "*Success rate* 50% (3 of 6 finished)",
      "median 3m · p90 6m",
      "▅▅▁█▁█▅",
      "(11-05 → 11-11)",
      "was 3, +4",
      "success rate 50% (was 67%, −17 pts)",
    ])
      expect(text).toContain(part);
  });
});

describe("Compare with last success", () => {
  it("is offered on a failed deployment only", () => {
    const failed = JSON.stringify(renderHistory(historyFixture("server-fail.json"), options()).blocks);
    expect(failed).toContain('"action_id":"history_compare"');
    expect(failed).toContain("Compare with last success");
    expect(JSON.stringify(renderHistory(historyFixture("asg-bluegreen.json"), options()).blocks)).not.toContain("history_compare");
    expect(JSON.stringify(renderHistory(historyFixture("server-inprogress.wrapped.json"), options()).blocks)).not.toContain(
      "history_compare",
    );
  });
});

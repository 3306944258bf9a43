import { describe, expect, it } from "vitest";
import { historyStatus, stepStatus, targetStatus } from "../../src/render/index.js";
import { RANK } from "../../src/render/status.js";
import { HISTORY_STATUSES, isTerminalHistoryStatus, STEP_STATUSES, TARGET_STATUSES } from "../../src/sourcedeploy/model.js";

describe("status vocabulary", () => {
  it.each(HISTORY_STATUSES)("history status %s has an emoji, both labels and the model's terminal flag", (status) => {
    const info = historyStatus(status);
    expect(info.known).toBe(true);
    expect(info.emoji).not.toBe("❔");
    expect(info.label.ko).not.toBe(status);
    expect(info.label.en.length).toBeGreaterThan(0);
    expect(info.terminal).toBe(isTerminalHistoryStatus(status));
  });

  it("labels every history status differently in each locale", () => {
    for (const locale of ["ko", "en"] as const) {
      expect(new Set(HISTORY_STATUSES.map((s) => historyStatus(s).label[locale])).size).toBe(HISTORY_STATUSES.length);
    }
  });

  it.each(TARGET_STATUSES)("target status %s is known", (status) => {
    const info = targetStatus(status);
    expect(info.known).toBe(true);
    expect(info.label.ko.length).toBeGreaterThan(0);
  });

  it.each(STEP_STATUSES)("step status %s is known", (status) => {
    expect(stepStatus({ status }).known).toBe(true);
  });

  it("ranks failures first, then running, then waiting, then done", () => {
    expect(historyStatus("fail").rank).toBe(RANK.problem);
    expect(historyStatus("error").rank).toBe(RANK.problem);
    expect(historyStatus("inprogress").rank).toBe(RANK.running);
    expect(historyStatus("canary_analyzing").rank).toBe(RANK.running);
    expect(historyStatus("pending").rank).toBe(RANK.waiting);
    expect(historyStatus("success").rank).toBe(RANK.done);
    expect(targetStatus("fail").rank).toBeLessThan(targetStatus("deploy").rank);
    expect(targetStatus("deploy").rank).toBeLessThan(targetStatus("standby").rank);
    expect(targetStatus("standby").rank).toBeLessThan(targetStatus("success").rank);
  });

  it("marks finished targets as terminal", () => {
    expect(["success", "fail", "no progress"].every((s) => targetStatus(s).terminal)).toBe(true);
    expect(["pending", "standby", "pre", "deploy", "post"].some((s) => targetStatus(s).terminal)).toBe(false);
  });

  it("gives unknown values a neutral emoji and their raw text", () => {
    const info = historyStatus("rolling_back<x>");
    expect(info).toMatchObject({ known: false, emoji: "❔", label: { ko: "rolling_back<x>", en: "rolling_back<x>" }, terminal: false });
    expect(targetStatus("").label.en).toBe("(no status)");
  });

  it("tells a step that never ran from one reported without a status", () => {
    expect(stepStatus(undefined).label.en).toBe("not run");
    expect(stepStatus({ time: new Date(0) }).label.en).toBe("no status");
    expect(stepStatus({ status: "skipped" })).toMatchObject({ known: false, emoji: "❔" });
  });
});

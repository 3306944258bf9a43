import { describe, expect, it } from "vitest";
import type { HistorySummary } from "../../src/sourcedeploy/model.js";
import { compareHistoryIds } from "../../src/sourcedeploy/model.js";
import type { Subscription } from "../../src/state/types.js";
import { diffPoll, planPosts, stageMatches } from "../../src/subscriptions/diff.js";

const summary = (id: string, status = "inprogress", stage = "prod-web"): HistorySummary => ({
  id,
  project: { id: "41027", name: "shop-api" },
  stage: { id: `s-${stage}`, name: stage },
  scenario: { id: "1", name: "deploy" },
  status,
});

const sub = (overrides: Partial<Subscription> = {}): Subscription => ({
  channelId: "C1",
  projectId: "41027",
  projectName: "shop-api",
  teamId: "T1",
  stages: [],
  failuresOnly: false,
  createdBy: "U1",
  createdAt: 0,
  since: "100",
  externallyShared: false,
  ...overrides,
});

const ids = (list: readonly HistorySummary[]) => list.map((h) => h.id);

describe("compareHistoryIds", () => {
  it("compares digit ids as numbers, others as text", () => {
    expect(compareHistoryIds("99", "100")).toBeLessThan(0);
    expect(compareHistoryIds("100", "100")).toBe(0);
    expect(compareHistoryIds("b", "a")).toBeGreaterThan(0);
  });
});

describe("diffPoll", () => {
  it("finds the histories newer than the cursor, newest first, and moves the cursor to the newest", () => {
    const diff = diffPoll([summary("100"), summary("102"), summary("99"), summary("101")], "100", new Map(), 20);
    expect(ids(diff.fresh)).toEqual(["102", "101"]);
    expect(diff.cursor).toBe("102");
    expect(diff.overflow).toBe(false);
  });

  it("on a project's first poll posts nothing and only sets the cursor", () => {
    const diff = diffPoll([summary("5"), summary("7")], undefined, undefined, 20);
    expect(diff.fresh).toEqual([]);
    expect(diff.cursor).toBe("7");
  });

  it("never moves the cursor back (an empty page, or an older page after a deletion)", () => {
    expect(diffPoll([], "100", new Map(), 20).cursor).toBe("100");
    expect(diffPoll([summary("90")], "100", new Map(), 20).cursor).toBe("100");
  });

  it("reports an overflow when the whole page is newer than the cursor", () => {
    const page = [summary("201"), summary("202"), summary("203")];
    expect(diffPoll(page, "100", new Map(), 3).overflow).toBe(true);
    expect(diffPoll(page, "100", new Map(), 4).overflow).toBe(false);
    expect(diffPoll([...page, summary("100")], "100", new Map(), 4).overflow).toBe(false);
  });

  it("finds histories that reached a failing state since the previous poll, or all failing ones on the first", () => {
    const page = [summary("103", "fail"), summary("102", "canceled"), summary("101", "success"), summary("100", "canary_waiting_timeout")];
    const previous = new Map([
      ["103", "inprogress"],
      ["102", "canceled"],
      ["101", "inprogress"],
    ]);
    expect(ids(diffPoll(page, "103", previous, 20).failed)).toEqual(["103", "100"]);
    expect(ids(diffPoll(page, "103", undefined, 20).failed)).toEqual(["103", "102", "100"]);
  });
});

describe("stageMatches", () => {
  it("matches every stage when none is named, else by name (any case) or id", () => {
    expect(stageMatches({ stages: [] }, summary("1"))).toBe(true);
    expect(stageMatches({ stages: ["PROD-WEB"] }, summary("1"))).toBe(true);
    expect(stageMatches({ stages: ["s-prod-web"] }, summary("1"))).toBe(true);
    expect(stageMatches({ stages: ["dev"] }, summary("1"))).toBe(false);
  });
});

describe("planPosts", () => {
  it("posts new histories of the subscription's stages newer than the subscription, oldest first", () => {
    const diff = diffPoll([summary("104", "inprogress", "dev"), summary("103"), summary("102"), summary("100")], "99", new Map(), 20);
    expect(ids(planPosts(sub(), diff, 10).post)).toEqual(["102", "103", "104"]);
    expect(ids(planPosts(sub({ stages: ["prod-web"] }), diff, 10).post)).toEqual(["102", "103"]);
  });

  it("with failures, posts only what just reached a failing state", () => {
    const previous = new Map([
      ["103", "inprogress"],
      ["102", "inprogress"],
    ]);
    const diff = diffPoll([summary("104", "inprogress"), summary("103", "fail"), summary("102", "success")], "103", previous, 20);
    expect(ids(planPosts(sub({ failuresOnly: true }), diff, 10).post)).toEqual(["103"]);
    expect(ids(planPosts(sub(), diff, 10).post)).toEqual(["104"]);
  });

  it("posts at most maxPosts (the newest) and counts the rest, 'at least' when the page overflowed", () => {
    const page = Array.from({ length: 20 }, (_, i) => summary(String(200 + i)));
    const overflowing = diffPoll(page, "150", new Map(), 20);
    const plan = planPosts(sub(), overflowing, 5);
    expect(ids(plan.post)).toEqual(["215", "216", "217", "218", "219"]);
    expect(plan).toMatchObject({ skipped: 15, atLeast: true });
    const within = planPosts(sub(), diffPoll(page.slice(0, 8), "150", new Map(), 20), 5);
    expect(within).toMatchObject({ skipped: 3, atLeast: false });
  });
});

import { describe, expect, it } from "vitest";
import {
  ACTION_DETAILS_PATTERN,
  ACTION_IDS,
  ACTION_TARGETS_NEXT,
  ACTION_TARGETS_PREVIOUS,
  type Block,
  type Button,
  decodeHistoryRef,
  decodeTargetsPageRef,
  pageCount,
  renderHistoryList,
  renderTargetsModal,
  TARGETS_PER_PAGE,
} from "../../src/render/index.js";
import type { History, HistorySummary } from "../../src/sourcedeploy/model.js";
import { assertValidMessage, assertValidModal, mrkdwnTexts } from "../support/block-kit.js";
import { historyFixture, historyListFixture, options } from "./helpers.js";

function buttons(blocks: Block[]): Button[] {
  return blocks.flatMap((b) => (b.type === "actions" ? b.elements : b.type === "section" && b.accessory ? [b.accessory] : []));
}

function withTargets(count: number): History {
  const base = historyFixture("server-fail.json");
  const targets = Array.from({ length: count }, (_, i) => ({
    name: `node-${i}`,
    serverNo: String(1000 + i),
    status: i % 7 === 0 ? "fail" : "success",
    steps: {},
  }));
  return { ...base, targets };
}

describe("renderHistoryList", () => {
  const project = { id: "41027", name: "shop-api" };

  it.each(["ko", "en"] as const)("is valid in %s with a Details button per entry", (locale) => {
    const message = renderHistoryList(project, historyListFixture(), options({ locale, demo: true }));
    assertValidMessage(message);
    const details = buttons(message.blocks).filter((b) => ACTION_DETAILS_PATTERN.test(b.action_id));
    expect(details.map((b) => decodeHistoryRef(b.value ?? ""))).toEqual([
      { projectId: "41027", historyId: "904611" },
      { projectId: "41027", historyId: "903501" },
      { projectId: "41027", historyId: "903344" },
    ]);
    expect(ACTION_IDS.details.test(details[0]?.action_id ?? "")).toBe(true);
  });

  it("sorts newest first by start time, then by id", () => {
    const [a, b, c] = historyListFixture() as [HistorySummary, HistorySummary, HistorySummary];
    const sameStart = { ...c, id: "903999", startTime: a.startTime };
    const message = renderHistoryList(project, [c, a, b, sameStart], options());
    const ids = mrkdwnTexts(message.blocks).flatMap((t) => [...t.matchAll(/\*#(\d+)\*/g)].map((m) => m[1]));
    expect(ids).toEqual(["904611", "903999", "903501", "903344"]);
  });

  it("shows emoji, status, stage / scenario and the start as a date token on one line", () => {
    const line = mrkdwnTexts(renderHistoryList(project, historyListFixture(), options()).blocks).find((t) => t.includes("#903344"));
    expect(line).toBe(
      "❌ *#903344* deploy failed · prod-web / web-release-sequential · <!date^1772600767^{date_short_pretty} {time}|2026-03-04 14:06 GMT+9>",
    );
  });

  it("says there are no deployments yet for an empty list", () => {
    const message = renderHistoryList(project, [], options());
    assertValidMessage(message);
    expect(mrkdwnTexts(message.blocks).join("\n")).toContain("No deployments yet in shop-api.");
    expect(renderHistoryList(project, [], options({ locale: "ko" })).text).toContain("shop-api");
  });

  it("stays within the limits for 100 entries with long names, counting the rest", () => {
    const entry = historyListFixture()[0]!;
    const list = Array.from({ length: 100 }, (_, i) => ({ ...entry, id: String(i + 1), stage: { id: "1", name: "<s>".repeat(300) } }));
    const message = renderHistoryList({ id: "1", name: "<!channel>" }, list, options());
    assertValidMessage(message);
    const text = mrkdwnTexts(message.blocks).join("\n");
    const shown = (text.match(/\*#\d+\*/g) ?? []).length;
    expect(text).toContain(`…and ${100 - shown} older deployments not shown.`);
    expect(message.text).toContain("&lt;!channel&gt;");
  });
});

describe("renderTargetsModal", () => {
  it("is a valid modal with a close button and metadata", () => {
    const view = renderTargetsModal(historyFixture("server-fail.json"), 0, options({ locale: "ko", demo: true }));
    assertValidModal(view);
    expect(view.type).toBe("modal");
    expect(view.close.text).toBe("닫기");
    expect(view.title.text.length).toBeLessThanOrEqual(24);
    expect(JSON.parse(view.private_metadata)).toEqual({ projectId: "41027", historyId: "903344", page: 0 });
    expect(buttons(view.blocks)).toEqual([]);
  });

  it("pages 2000 targets, each page ≤ 100 blocks, listing every target exactly once, the failed ones first", () => {
    const history = withTargets(2000);
    const pages = pageCount(history);
    expect(pages).toBe(Math.ceil(2000 / TARGETS_PER_PAGE));
    const seen: string[] = [];
    for (let page = 0; page < pages; page++) {
      const view = renderTargetsModal(history, page, options());
      assertValidModal(view);
      expect(view.blocks.length).toBeLessThanOrEqual(100);
      seen.push(...mrkdwnTexts(view.blocks).flatMap((t) => [...t.matchAll(/\*(node-\d+)\*/g)].map((m) => m[1]!)));
      const nav = buttons(view.blocks);
      expect(nav.map((b) => b.action_id)).toEqual([
        ...(page > 0 ? [ACTION_TARGETS_PREVIOUS] : []),
        ...(page < pages - 1 ? [ACTION_TARGETS_NEXT] : []),
      ]);
      for (const b of nav) {
        const ref = decodeTargetsPageRef(b.value ?? "");
        expect(ref?.page).toBe(b.action_id === ACTION_TARGETS_NEXT ? page + 1 : page - 1);
      }
    }
    const failed = history.targets.filter((t) => t.status === "fail").map((t) => t.name);
    const succeeded = history.targets.filter((t) => t.status === "success").map((t) => t.name);
    expect(seen).toEqual([...failed, ...succeeded]);
  });

  it("clamps a page beyond the end", () => {
    const view = renderTargetsModal(withTargets(100), 99, options());
    expect(JSON.parse(view.private_metadata).page).toBe(pageCount(withTargets(100)) - 1);
    expect(mrkdwnTexts(view.blocks).join("\n")).toContain("*node-97*"); // the last success; failures come first
  });

  it("shows the steps of a single-target deployment", () => {
    const view = renderTargetsModal(historyFixture("k8s-canary.json"), 0, options());
    assertValidModal(view);
    expect(mrkdwnTexts(view.blocks).join("\n")).toMatch(/prepare ✅ <!date\^\d+\^\{time_secs\}\|[^>]+> · deploy 🔄/);
  });
});

import type { RenderOptions } from "../../src/render/index.js";
import type { History, HistorySummary, Project } from "../../src/sourcedeploy/model.js";
import { parseHistory, parseHistoryList, parseProjectList } from "../../src/sourcedeploy/schemas.js";

import { HISTORY_FIXTURES, readFixture } from "../support/fixtures.js";

export { HISTORY_FIXTURES };

const fixture = (name: string): unknown => readFixture(name);

export function historyFixture(name: (typeof HISTORY_FIXTURES)[number]): History {
  return parseHistory(fixture(name));
}

export function historyListFixture(): HistorySummary[] {
  return parseHistoryList(fixture("history-list.wrapped.json"));
}

export function projectListFixture(): Project[] {
  return parseProjectList(fixture("project-list.json"));
}

/** 2026-03-08 23:02:00 KST: a little after server-inprogress started (23:00:00 KST). */
export const NOW = new Date(1772978520000);

export function options(overrides: Partial<RenderOptions> = {}): RenderOptions {
  return {
    locale: "en",
    timeZone: "Asia/Seoul",
    now: NOW,
    consoleUrlTemplate: "https://console.ncloud.com/sourcedeploy/project/{projectId}/history/{historyId}",
    ...overrides,
  };
}

/** Every text of a message joined, for content assertions. */
export function allText(value: unknown): string {
  return JSON.stringify(value);
}

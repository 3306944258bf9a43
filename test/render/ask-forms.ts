/** Every answer to a plain-words question, rendered from the dated list (for wording and Block Kit checks). */
import { diffHistories } from "../../src/ask/diff.js";
import { computeStats } from "../../src/ask/stats.js";
import type { RenderOptions } from "../../src/render/index.js";
import {
  type Message,
  renderDiff,
  renderNoSuccess,
  renderProjectNotFound,
  renderSearch,
  renderStats,
  renderUnknownWords,
} from "../../src/render/index.js";
import { parseHistory, parseHistoryList } from "../../src/sourcedeploy/schemas.js";
import { datedHistoryList } from "../fakes/sourcedeploy-fake.js";
import { datedEntries } from "../support/dated-history.js";
import { readFixture } from "../support/fixtures.js";

export function askForms(o: RenderOptions): Message[] {
  const list = parseHistoryList(datedHistoryList({ id: 41027, name: "shop-api" }, datedEntries(o.now.getTime(), o.timeZone, 120)));
  const project = { id: "41027", name: "결제" };
  const scan = { pages: 2, entries: 200, oldest: new Date(o.now.getTime() - 86_400_000), end: "cap" as const };
  const failed = parseHistory(readFixture("server-fail.json"));
  const then = { ...failed, id: "903300", status: "success", config: {}, targets: failed.targets.slice(1) };
  const filter = { statuses: ["failed", "running"] as const, stages: ["prod-web"], range: { kind: "days", days: 7 } as const, count: 10 };
  return [
    renderSearch({ project, filter: { ...filter, statuses: [...filter.statuses] }, matches: list.slice(0, 50), scan }, 50, o),
    renderSearch(
      {
        project,
        filter: { statuses: [], stages: [], range: { kind: "since", date: "2026-11-01" } },
        matches: [],
        scan: { ...scan, end: "limited" },
      },
      10,
      o,
    ),
    renderSearch(
      {
        project: { id: "1", name: "" },
        filter: { statuses: [], stages: [], range: { kind: "yesterday" } },
        matches: list.slice(0, 3),
        scan: { ...scan, end: "all" },
      },
      10,
      o,
    ),
    renderStats({ project, stages: ["prod-web"], stats: computeStats(list, 7, o.now, o.timeZone), scan, previousComplete: false }, o),
    renderStats(
      { project, stages: [], stats: computeStats([], 30, o.now, o.timeZone), scan: { ...scan, end: "all" }, previousComplete: true },
      o,
    ),
    renderDiff({ projectId: "41027", now: failed, then, lastSuccess: true, diff: diffHistories(failed, then) }, o),
    renderDiff({ projectId: "41027", now: failed, then: failed, lastSuccess: false, diff: diffHistories(failed, failed) }, o),
    renderNoSuccess("prod-web", scan, o),
    renderUnknownWords([{ word: "prod-wbe", suggestion: "prod-web" }, { word: "!!" }], o),
    renderProjectNotFound("shop-apj", o, "shop-api"),
  ];
}

/**
 * Parse + render of a large history, as a ratio to JSON.parse + JSON.stringify of the same body
 * measured in the same run (the machines are shared and noisy; ratios travel, absolute times don't).
 * Target: ≤ 5× for 300 targets. Run: node --import tsx bench/render.ts
 */
import { pathToFileURL } from "node:url";
import { renderHistory, renderUnfurl } from "../src/render/index.js";
import { parseHistory } from "../src/sourcedeploy/schemas.js";
import { type Figure, machine, printTable, timeMedian } from "./lib.js";

const STATUSES = ["success", "success", "success", "deploy", "fail", "pending", "no progress"];

export function bigHistoryBody(targets: number): string {
  const start = 1772600767000;
  return JSON.stringify({
    result: {
      project: { id: 41027, name: "shop-api" },
      stage: { id: 5183, name: "prod-web" },
      scenario: { id: 7712, name: "web-release-sequential" },
      id: 903999,
      status: "inprogress",
      executor: "hyejin.park",
      startTime: start,
      endTime: null,
      type: "Server",
      config: [
        {
          strategy: "normal",
          file: { selected: "shop-api-build", type: "SourceBuild" },
          targets: Array.from({ length: targets }, (_, i) => ({
            server: { no: 21880000 + i, name: `web-${String(i).padStart(4, "0")}` },
            status: STATUSES[i % STATUSES.length],
            time: { pre: start + i * 1000, deploy: start + i * 1000 + 400, post: start + i * 1000 + 800 },
            step: { pre: "success", deploy: i % 7 === 4 ? "fail" : "success", post: "success" },
          })),
        },
      ],
    },
  });
}

export function renderFigures(runs = 200): Figure[] {
  const options = {
    locale: "en" as const,
    timeZone: "Asia/Seoul",
    now: new Date(1772600900000),
    consoleUrlTemplate: "https://console.ncloud.com/vpc-source-deploy",
  };
  const figures: Figure[] = [];
  for (const targets of [300, 2000]) {
    const body = bigHistoryBody(targets);
    const baseline = timeMedian(() => JSON.stringify(JSON.parse(body)), runs);
    const detail = timeMedian(() => renderHistory(parseHistory(JSON.parse(body)), options), runs);
    const unfurl = timeMedian(() => renderUnfurl(parseHistory(JSON.parse(body)), options), runs);
    const goal = targets === 300 ? "goal ≤ 5×" : "";
    figures.push(
      { bench: "render", metric: `${targets} targets: JSON.parse+stringify`, value: `${baseline.toFixed(3)} ms` },
      {
        bench: "render",
        metric: `${targets} targets: parse+renderHistory`,
        value: `${detail.toFixed(3)} ms`,
        note: `${(detail / baseline).toFixed(2)}× baseline ${goal}`,
      },
      {
        bench: "render",
        metric: `${targets} targets: parse+renderUnfurl`,
        value: `${unfurl.toFixed(3)} ms`,
        note: `${(unfurl / baseline).toFixed(2)}× baseline`,
      },
    );
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  console.log(machine());
  printTable(renderFigures());
}

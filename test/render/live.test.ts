import { describe, expect, it } from "vitest";
import { type LiveNote, type Message, renderHistory, renderUnfurl } from "../../src/render/index.js";
import { messageProblems, mrkdwnTexts } from "../support/block-kit.js";
import { historyFixture, NOW, options } from "./helpers.js";

const LAST_SUCCESS = new Date(1772978490000); // 2026-03-08 23:01:30 KST
const STALE_TOKEN = "<!date^1772978490^{date_short_pretty} {time}|2026-03-08 23:01 GMT+9>";

const NOTES: Array<[LiveNote, string, string]> = [
  [{ kind: "live" }, "📡 Updates itself until the deployment ends", "📡 배포가 끝날 때까지 자동으로 업데이트됩니다"],
  [
    { kind: "live_limited" },
    "📡 Updates itself a few times (Slack limits private replies) — Share to channel to follow it live",
    "📡 몇 번만 자동으로 업데이트됩니다(Slack이 비공개 응답을 제한합니다) — 실시간으로 보려면 채널에 공유하세요",
  ],
  [
    { kind: "last_update" },
    "⏸ No more automatic updates for this private reply — press Refresh",
    "⏸ 이 비공개 응답은 더 이상 자동으로 업데이트되지 않습니다 — 새로고침을 누르세요",
  ],
  [
    { kind: "stale", lastSuccessAt: LAST_SUCCESS },
    `⚠️ Last updated ${STALE_TOKEN} (SourceDeploy unreachable)`,
    `⚠️ 마지막 업데이트 ${STALE_TOKEN} (SourceDeploy에 연결할 수 없음)`,
  ],
  [
    { kind: "expired" },
    "💤 Stopped following this deployment — press Refresh for the latest",
    "💤 이 배포는 더 이상 따라가지 않습니다 — 최신 상태를 보려면 새로고침을 누르세요",
  ],
  [
    { kind: "not_followed", quota: "user", limit: 20 },
    "⏸ Not updating live: you already follow 20 deployments live — press Refresh for the latest",
    "⏸ 실시간으로 업데이트하지 않습니다: 이미 배포 20개를 실시간으로 따라가고 있습니다 — 최신 상태를 보려면 새로고침을 누르세요",
  ],
  [
    { kind: "not_followed", quota: "channel", limit: 50 },
    "⏸ Not updating live: this channel already follows 50 deployments live — press Refresh for the latest",
    "⏸ 실시간으로 업데이트하지 않습니다: 이 채널에서 이미 배포 50개를 실시간으로 따라가고 있습니다 — 최신 상태를 보려면 새로고침을 누르세요",
  ],
  [
    { kind: "not_followed", quota: "total", limit: 500 },
    "⏸ Not updating live: the app follows as many deployments as it may — press Refresh for the latest",
    "⏸ 실시간으로 업데이트하지 않습니다: 앱이 따라갈 수 있는 배포 수가 가득 찼습니다 — 최신 상태를 보려면 새로고침을 누르세요",
  ],
];

/** The texts of the context blocks, in order. */
function contextTexts(message: Message): string[] {
  return message.blocks.flatMap((b) => (b.type === "context" ? b.elements.map((e) => e.text) : []));
}

function fieldTexts(message: Message): string[] {
  return message.blocks.flatMap((b) => (b.type === "section" ? (b.fields ?? []).map((f) => f.text) : []));
}

const running = () => historyFixture("server-inprogress.wrapped.json");

describe.each(NOTES)("live note %o", (note, english, korean) => {
  it.each([
    ["en", english],
    ["ko", korean],
  ] as const)("renders its line at the bottom of the detail message in %s, before the demo notice", (locale, line) => {
    const message = renderHistory(running(), options({ locale, live: note, demo: true }));
    expect(messageProblems(message)).toEqual([]);
    const last = message.blocks.slice(-3).map((b) => b.type);
    expect(last).toEqual(["actions", "context", "context"]);
    const [noteLine, demo] = message.blocks.slice(-2).map((b) => (b.type === "context" ? b.elements.map((e) => e.text) : []));
    expect(noteLine).toEqual([line]);
    expect(demo?.[0]).toMatch(/Demo data|데모 데이터/);
  });

  it.each([
    ["en", english],
    ["ko", korean],
  ] as const)("renders its line in the unfurl in %s", (locale, line) => {
    const unfurl = renderUnfurl(running(), options({ locale, live: note }));
    expect(messageProblems(unfurl)).toEqual([]);
    expect(unfurl.blocks.length).toBeLessThanOrEqual(8);
    const last = unfurl.blocks.at(-1);
    expect(last?.type === "context" ? last.elements.map((e) => e.text) : []).toEqual([line]);
  });
});

describe("live notes", () => {
  it("are absent unless asked for", () => {
    const texts = [...contextTexts(renderHistory(running(), options())), ...contextTexts(renderUnfurl(running(), options()))].join("\n");
    for (const [, english] of NOTES) expect(texts).not.toContain(english.slice(0, 12));
  });

  it("never promise or stop updates on a finished deployment", () => {
    const finished = historyFixture("server-fail.json");
    for (const kind of ["live", "live_limited", "last_update"] as const) {
      for (const message of [renderHistory(finished, options({ live: { kind } })), renderUnfurl(finished, options({ live: { kind } }))]) {
        expect(contextTexts(message).some((t) => /^(📡|⏸)/.test(t))).toBe(false);
      }
    }
  });

  it("say when a stale message was last updated, or a dash when that time is unknown", () => {
    const text = contextTexts(renderHistory(running(), options({ live: { kind: "stale", lastSuccessAt: new Date(NaN) } })));
    expect(text).toContain("⚠️ Last updated — (SourceDeploy unreachable)");
  });
});

describe("relativeElapsed", () => {
  const later = new Date(NOW.getTime() + 7 * 60_000);
  const START_TOKEN = "<!date^1772978400^{ago}|2026-03-08 23:00 GMT+9>";
  const DATE_TOKEN = "<!date^1772978400^{date_short_pretty} {time}|2026-03-08 23:00 GMT+9>";

  it("renders a running deployment identically at any time, with a live {ago} token", () => {
    for (const locale of ["en", "ko"] as const) {
      const at = (now: Date) => options({ locale, now, relativeElapsed: true, live: { kind: "live" } });
      expect(renderHistory(running(), at(later))).toEqual(renderHistory(running(), at(NOW)));
      expect(renderUnfurl(running(), at(later))).toEqual(renderUnfurl(running(), at(NOW)));
    }
    const message = renderHistory(running(), options({ relativeElapsed: true }));
    expect(messageProblems(message)).toEqual([]);
    expect(fieldTexts(message)).toContain(`*Started*\n${DATE_TOKEN} (${START_TOKEN})`);
    const ko = fieldTexts(renderHistory(running(), options({ locale: "ko", relativeElapsed: true })));
    expect(ko).toContain(`*시작*\n${DATE_TOKEN} (${START_TOKEN})`);
    expect(mrkdwnTexts(renderUnfurl(running(), options({ relativeElapsed: true })).blocks).join("\n")).toContain(
      `Started: ${DATE_TOKEN} (${START_TOKEN})`,
    );
  });

  it("shows a running deployment's start once, with no end and no second start field", () => {
    for (const locale of ["en", "ko"] as const) {
      for (const relativeElapsed of [false, true]) {
        const fields = fieldTexts(renderHistory(running(), options({ locale, relativeElapsed })));
        const labels = fields.map((f) => /^\*([^*]+)\*/.exec(f)?.[1]);
        expect(labels.filter((l) => l === "Started" || l === "시작")).toHaveLength(1);
        expect(labels).not.toContain(locale === "en" ? "Ended" : "종료");
        expect(labels).not.toContain(locale === "en" ? "Running since" : "진행 시작");
      }
    }
  });

  it("is needed for that: without it the elapsed time follows `now`", () => {
    const elapsed = (now: Date) => fieldTexts(renderHistory(running(), options({ now }))).find((f) => f.startsWith("*Elapsed*"));
    expect(elapsed(NOW)).toBe("*Elapsed*\n2m");
    expect(elapsed(later)).toBe("*Elapsed*\n9m");
  });

  it("keeps the duration of a finished deployment", () => {
    const fields = fieldTexts(renderHistory(historyFixture("server-fail.json"), options({ relativeElapsed: true })));
    expect(fields).toContain("*Duration*\n2m 3s");
    expect(fields.join("\n")).not.toContain("{ago}");
  });
});

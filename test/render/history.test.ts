import { describe, expect, it } from "vitest";
import {
  ACTION_IDS,
  ACTION_REFRESH,
  ACTION_SHARE,
  ACTION_SHOW_TARGETS,
  type Message,
  renderHistory,
  renderUnfurl,
} from "../../src/render/index.js";
import type { History, ServerTarget } from "../../src/sourcedeploy/model.js";
import { assertValidMessage, mrkdwnTexts, textObjects } from "../support/block-kit.js";
import { allText, HISTORY_FIXTURES, historyFixture, options } from "./helpers.js";

function actionIds(message: Message): string[] {
  return message.blocks.flatMap((b) => (b.type === "actions" ? b.elements.map((e) => e.action_id) : []));
}

function sectionTexts(message: Message): string[] {
  return message.blocks.flatMap((b) => (b.type === "section" && b.text ? [b.text.text] : []));
}

function headerText(message: Message): string {
  const header = message.blocks.find((b) => b.type === "header");
  return header?.type === "header" ? header.text.text : "";
}

function target(name: string, status: string): ServerTarget {
  return { name, serverNo: "1", status, steps: {} };
}

function manyTargets(statuses: Array<[string, number]>): History {
  const base = historyFixture("server-fail.json");
  let n = 0;
  const targets = statuses.flatMap(([status, count]) => Array.from({ length: count }, () => target(`srv-${++n}`, status)));
  return { ...base, status: "inprogress", endTime: undefined, targets };
}

describe.each(HISTORY_FIXTURES)("fixture %s", (name) => {
  it.each(["ko", "en"] as const)("renders a valid detail message and unfurl in %s", (locale) => {
    const history = historyFixture(name);
    for (const shareButton of [false, true]) {
      const message = renderHistory(history, options({ locale, shareButton }));
      assertValidMessage(message);
      expect(message.text).not.toContain("\n");
    }
    const unfurl = renderUnfurl(history, options({ locale }));
    assertValidMessage(unfurl);
    expect(unfurl.blocks.length).toBeLessThanOrEqual(8);
  });
});

describe("renderHistory content", () => {
  it("names the failed target and its failing step for server-fail", () => {
    const message = renderHistory(historyFixture("server-fail.json"), options());
    const web02 = sectionTexts(message).find((t) => t.includes("web-02"));
    expect(web02).toBeDefined();
    expect(web02).toMatch(/^❌ \*web-02\* \(21880452\) · failed\n/);
    expect(web02).toMatch(/file deploy ❌ <!date\^1772600844\^\{time_secs\}\|14:07:24>/);
    expect(web02).toContain("post-deploy ⚪");
    expect(headerText(message)).toBe(
      "❌ shop-api › prod-web deploy failed — web-02 at the file deploy step (1/3 servers failed) · #903344",
    );
  });

  it("localizes the title", () => {
    expect(headerText(renderHistory(historyFixture("server-fail.json"), options({ locale: "ko" })))).toBe(
      "❌ shop-api › prod-web 배포 실패 — web-02 파일 배포 단계 (서버 1/3 실패) · #903344",
    );
  });

  it("gives each of a few server targets its own section, the failed one first", () => {
    const message = renderHistory(historyFixture("server-fail.json"), options());
    const targets = sectionTexts(message).filter((t) => /\*web-0\d\*/.test(t));
    expect(targets).toHaveLength(3);
    expect(targets.map((t) => /web-0\d/.exec(t)?.[0])).toEqual(["web-02", "web-01", "web-03"]);
  });

  it("shows the duration in both locales", () => {
    expect(allText(renderHistory(historyFixture("server-fail.json"), options()))).toContain("*Duration*\\n2m 3s");
    expect(allText(renderHistory(historyFixture("server-fail.json"), options({ locale: "ko" })))).toContain("*소요 시간*\\n2분 3초");
  });

  it("shows start and end as Slack date tokens with a fallback in the configured zone", () => {
    const text = allText(renderHistory(historyFixture("server-fail.json"), options()));
    expect(text).toContain("<!date^1772600767^{date_short_pretty} {time}|2026-03-04 14:06 GMT+9>");
    const utc = allText(renderHistory(historyFixture("server-fail.json"), options({ timeZone: "UTC" })));
    expect(utc).toContain("|2026-03-04 05:06 GMT+0>");
  });

  it("counts targets per status", () => {
    const summary = sectionTexts(renderHistory(historyFixture("server-fail.json"), options())).find((t) => t.startsWith("*Targets"));
    expect(summary).toBe("*Targets (3)*\n❌ 1 failed · ✅ 1 succeeded · ⚪ 1 not deployed");
  });

  it("offers no Refresh for a finished deployment", () => {
    const ids = actionIds(renderHistory(historyFixture("server-fail.json"), options()));
    expect(ids).not.toContain(ACTION_REFRESH);
    expect(ids).toContain(ACTION_IDS.openConsole);
  });

  it("shows the progress bar and elapsed time while running", () => {
    const message = renderHistory(historyFixture("server-inprogress.wrapped.json"), options());
    const summary = sectionTexts(message).find((t) => t.startsWith("*Targets"));
    expect(summary).toContain("`▰▱▱▱ 1/4`");
    expect(allText(message)).toContain("*Elapsed*\\n2m");
    expect(actionIds(message)).toContain(ACTION_REFRESH);
  });

  it("shows the canary-analyzing status of k8s-canary and offers Refresh", () => {
    for (const locale of ["en", "ko"] as const) {
      const message = renderHistory(historyFixture("k8s-canary.json"), options({ locale }));
      expect(headerText(message)).toBe(
        locale === "en"
          ? "🔬 catalog-svc › prod-nks analyzing canary — at the deploy step · #904120"
          : "🔬 catalog-svc › prod-nks 카나리 분석 중 — 배포 단계 · #904120",
      );
      expect(actionIds(message)).toContain(ACTION_REFRESH);
    }
  });

  it("gives a single-target deployment one section with its pre and deploy steps", () => {
    const message = renderHistory(historyFixture("objectstorage.json"), options());
    const steps = sectionTexts(message).filter((t) => t.includes("prepare ✅"));
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatch(/^\*Steps\*\nprepare ✅ <!date\^1772882102\^\{time_secs\}\|[^>]+> · deploy ✅ <!date\^1772882120\^/);
    expect(steps[0]).not.toContain("post");
    const ko = sectionTexts(renderHistory(historyFixture("objectstorage.json"), options({ locale: "ko" })));
    expect(ko.find((t) => t.startsWith("*단계*"))).toMatch(/^\*단계\*\n배포 준비 ✅ .* · 배포 ✅ /);
    expect(allText(message)).toContain("*Backup file*\\nbackup/storefront-web/20260307-173502.zip");
  });

  it("shows the auto scaling group and the file", () => {
    const text = allText(renderHistory(historyFixture("asg-bluegreen.json"), options()));
    expect(text).toContain("*Auto Scaling Group*\\nshop-api-green (880211)");
    expect(text).toContain("*Deployment file*\\nreleases/shop-api-2.14.0.zip (Object Storage)");
    expect(text).toContain("*Strategy*\\nBlue/Green");
    const ko = allText(renderHistory(historyFixture("asg-bluegreen.json"), options({ locale: "ko" })));
    expect(ko).toContain("*배포 전략*\\n블루/그린");
    expect(ko).toContain("*배포 파일*\\nreleases/shop-api-2.14.0.zip (Object Storage)");
  });

  it("offers Share to channel only when asked, with the history reference as value", () => {
    const history = historyFixture("server-fail.json");
    expect(actionIds(renderHistory(history, options()))).not.toContain(ACTION_SHARE);
    const shared = renderHistory(history, options({ shareButton: true }));
    const share = shared.blocks.flatMap((b) => (b.type === "actions" ? b.elements : [])).find((e) => e.action_id === ACTION_SHARE);
    expect(share?.value).toBe("41027:903344");
  });

  it("fills the console URL template, encoding the ids", () => {
    const history = { ...historyFixture("server-fail.json"), id: "9/9?x" };
    const message = renderHistory(history, options());
    const open = message.blocks
      .flatMap((b) => (b.type === "actions" ? b.elements : []))
      .find((e) => e.action_id === ACTION_IDS.openConsole);
    expect(open?.url).toBe("https://console.ncloud.com/sourcedeploy/project/41027/history/9%2F9%3Fx");
  });

  it("says the data is demo data when it is", () => {
    const history = historyFixture("server-fail.json");
    expect(allText(renderHistory(history, options({ demo: true })))).toContain("Demo data");
    expect(allText(renderUnfurl(history, options({ demo: true, locale: "ko" })))).toContain("데모 데이터");
    expect(allText(renderHistory(history, options()))).not.toContain("Demo data");
  });

  it("writes a one-line notification text: outcome, project › stage, failing server and step, id", () => {
    expect(renderHistory(historyFixture("server-fail.json"), options()).text).toBe(
      "❌ shop-api › prod-web deploy failed — web-02 at the file deploy step (1/3 servers failed) · #903344",
    );
    expect(renderHistory(historyFixture("server-fail.json"), options({ locale: "ko" })).text).toBe(
      "❌ shop-api › prod-web 배포 실패 — web-02 파일 배포 단계 (서버 1/3 실패) · #903344",
    );
  });

  it("names the current server and step of a running deployment in the notification", () => {
    expect(renderHistory(historyFixture("server-inprogress.wrapped.json"), options({ locale: "ko" })).text).toBe(
      "🔄 shop-api › prod-web 배포 중 — web-02 파일 배포 단계 (서버 1/4 완료) · #904611",
    );
  });

  it("names no server when nothing failed or runs", () => {
    expect(renderHistory(historyFixture("asg-bluegreen.json"), options()).text).toBe("✅ shop-api › prod-asg deploy succeeded · #903501");
  });
});

/** The sections between the targets summary's divider and the next non-section block. */
function firstTargetsSection(message: Message): string {
  const at = message.blocks.findIndex((b) => b.type === "divider");
  const block = message.blocks[at + 1];
  return block?.type === "section" ? (block.text?.text ?? "") : "";
}

describe("many targets", () => {
  it("lists failed, running and waiting targets first and folds 350 successes into a count", () => {
    const history = manyTargets([
      ["success", 250],
      ["standby", 2],
      ["fail", 3],
      ["deploy", 1],
      ["success", 100],
    ]);
    const message = renderHistory(history, options());
    assertValidMessage(message);
    const texts = mrkdwnTexts(message.blocks).join("\n");
    const shown = [...texts.matchAll(/\*(srv-\d+)\*/g)].map((m) => m[1]);
    expect(shown).toEqual(["srv-253", "srv-254", "srv-255", "srv-256", "srv-251", "srv-252"]);
    expect(texts).toContain("350 more targets: 350 ✅");
    expect(actionIds(message)).toContain(ACTION_SHOW_TARGETS);
  });

  it("puts failures at positions 45 and 52 of 60 targets in the first targets section", () => {
    const statuses = Array.from({ length: 60 }, (_, i) => (i === 44 || i === 51 ? "fail" : i % 2 === 0 ? "no progress" : "success"));
    const base = historyFixture("server-fail.json");
    const history: History = { ...base, targets: statuses.map((status, i) => target(`srv-${i + 1}`, status)) };
    for (const locale of ["en", "ko"] as const) {
      const message = renderHistory(history, options({ locale }));
      assertValidMessage(message);
      const first = firstTargetsSection(message);
      expect(first.indexOf("*srv-45*")).toBe(first.indexOf("❌ *srv-45*") + 2);
      expect(first).toMatch(/^❌ \*srv-45\*[^\n]*\n❌ \*srv-52\*/);
    }
  });

  it("lists up to ten successful targets and folds eleven", () => {
    const ten = renderHistory(
      manyTargets([
        ["fail", 1],
        ["success", 10],
      ]),
      options(),
    );
    expect((allText(ten).match(/\*srv-\d+\*/g) ?? []).length).toBe(11);
    expect(actionIds(ten)).not.toContain(ACTION_SHOW_TARGETS);
    const eleven = renderHistory(
      manyTargets([
        ["fail", 1],
        ["success", 11],
      ]),
      options({ locale: "ko" }),
    );
    const texts = mrkdwnTexts(eleven.blocks).join("\n");
    expect(texts.match(/\*srv-\d+\*/g)).toEqual(["*srv-1*"]);
    expect(texts).toContain("그 밖의 배포 타겟 11개: 11 ✅");
    expect(actionIds(eleven)).toContain(ACTION_SHOW_TARGETS);
  });

  it("packs 40 targets that are not successes without leaving any out", () => {
    const message = renderHistory(manyTargets([["no progress", 40]]), options());
    assertValidMessage(message);
    expect((allText(message).match(/\*srv-\d+\*/g) ?? []).length).toBe(40);
    expect(actionIds(message)).not.toContain(ACTION_SHOW_TARGETS);
  });

  it("keeps 20 targets one per section", () => {
    const message = renderHistory(manyTargets([["no progress", 20]]), options());
    expect(sectionTexts(message).filter((t) => t.includes("*srv-"))).toHaveLength(20);
  });

  it("counts what still does not fit, per status", () => {
    const message = renderHistory(
      manyTargets([
        ["no progress", 400],
        ["fail", 1],
      ]),
      options(),
    );
    assertValidMessage(message);
    const texts = mrkdwnTexts(message.blocks).join("\n");
    expect(firstTargetsSection(message)).toMatch(/^❌ \*srv-401\*/);
    const leftOut = /(\d+) more targets: (\d+) ⚪/.exec(texts);
    const shown = (texts.match(/\*srv-\d+\*/g) ?? []).length;
    expect(Number(leftOut?.[1])).toBe(Number(leftOut?.[2]));
    expect(shown + Number(leftOut?.[1])).toBe(401);
  });
});

describe("renderUnfurl", () => {
  it("leads with the outcome, then the failed server and step without a second ❌", () => {
    const unfurl = renderUnfurl(historyFixture("server-fail.json"), options());
    const first = sectionTexts(unfurl)[0];
    expect(first).toBe("*❌ shop-api › prod-web deploy failed · #903344*\nweb-02 at the file deploy step (1/3 servers failed)");
    const text = mrkdwnTexts(unfurl.blocks).join("\n");
    expect(text).toContain("❌ 1 failed · ✅ 1 succeeded · ⚪ 1 not deployed");
    expect(text).not.toContain("web-01");
    expect(sectionTexts(renderUnfurl(historyFixture("server-fail.json"), options({ locale: "ko" })))[0]).toBe(
      "*❌ shop-api › prod-web 배포 실패 · #903344*\nweb-02 파일 배포 단계 (서버 1/3 실패)",
    );
  });

  it("names the current server while running", () => {
    const first = sectionTexts(renderUnfurl(historyFixture("server-inprogress.wrapped.json"), options()))[0];
    expect(first).toBe("*🔄 shop-api › prod-web deploying · #904611*\nweb-02 at the file deploy step (1/4 servers done)");
  });

  it("lists further failed targets, counting those beyond the first five", () => {
    const history = { ...manyTargets([["fail", 9]]), status: "fail" };
    const text = mrkdwnTexts(renderUnfurl(history, options()).blocks).join("\n");
    expect(text).toContain("srv-1 (9/9 servers failed)");
    expect(text).not.toContain("❌ *srv");
    expect(text).toContain("*srv-5*");
    expect(text).not.toContain("*srv-6*");
    expect(text).toContain("…and 4 more failed");
  });

  it("shows the progress of a running deployment", () => {
    const text = mrkdwnTexts(renderUnfurl(historyFixture("server-inprogress.wrapped.json"), options()).blocks).join("\n");
    expect(text).toContain("▰▱▱▱ 1/4");
    expect(text).toMatch(/Started: <!date[^>]+> \(2m\)/);
  });
});

describe("escaping", () => {
  it("renders a <!channel> project and a <@U123|x> server as text", () => {
    const base = historyFixture("server-fail.json");
    const history: History = {
      ...base,
      project: { id: "41027", name: "<!channel>" },
      executor: "a&b",
      targets: [{ ...target("<@U123|x>", "fail"), serverNo: "<#C1>" }],
    };
    for (const message of [renderHistory(history, options()), renderUnfurl(history, options())]) {
      const all = [message.text, ...mrkdwnTexts(message.blocks)].join("\n");
      expect(all).toContain("&lt;!channel&gt;");
      expect(all).not.toContain("<!channel>");
      expect(all).not.toContain("<@U123");
      expect(all).toContain("a&amp;b");
    }
    const detail = mrkdwnTexts(renderHistory(history, options()).blocks).join("\n");
    expect(detail).toContain("*&lt;@U123|x&gt;* (&lt;#C1&gt;)");
  });

  it("keeps plain-text titles unescaped but within limits", () => {
    const history = { ...historyFixture("server-fail.json"), id: "<1>".repeat(100) };
    const message = renderHistory(history, options());
    assertValidMessage(message);
    const header = textObjects(message.blocks).find((t) => t.type === "plain_text")?.text ?? "";
    expect(header.startsWith("❌ shop-api › prod-web deploy failed")).toBe(true);
    expect(header).toContain("#<1><1>");
    expect(header.length).toBeLessThanOrEqual(150);
  });
});

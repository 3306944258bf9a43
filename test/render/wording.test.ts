/**
 * What an on-call engineer reads: NAVER Cloud's own terms, no raw API values, no broken Korean
 * particles, nothing that looks running once a deployment ended, and emoji that mean one thing.
 */
import { describe, expect, it } from "vitest";
import {
  type LiveNote,
  type Message,
  type ModalView,
  renderAccessDenied,
  renderAmbiguousProject,
  renderAppHome,
  renderAuditList,
  renderDeployFailed,
  renderError,
  renderExternalChannelNote,
  renderHelp,
  renderHistory,
  renderHistoryList,
  renderNoScenarios,
  renderNotSubscribed,
  renderProjectList,
  renderProjectNotFound,
  renderSkipped,
  renderSubscribed,
  renderSubscriptionList,
  renderSubscriptionRefusal,
  renderTargetsModal,
  renderUnfurl,
  renderUnsubscribed,
  renderUsageError,
  renderWriteNote,
  renderWritesUnavailable,
  startedByBlock,
  type WriteAnswer,
  withPostedLate,
  writeThreadText,
} from "../../src/render/index.js";
import { SourceDeployError, type SourceDeployErrorCode } from "../../src/sourcedeploy/errors.js";
import { HISTORY_STATUSES, type History } from "../../src/sourcedeploy/model.js";
import { parseHistory } from "../../src/sourcedeploy/schemas.js";
import { assertValidMessage, textObjects } from "../support/block-kit.js";
import { readFixture } from "../support/fixtures.js";
import { askForms } from "./ask-forms.js";
import { HISTORY_FIXTURES, historyFixture, historyListFixture, options, projectListFixture } from "./helpers.js";

const LOCALES = ["ko", "en"] as const;
const ALL_FIXTURES = [...HISTORY_FIXTURES, "server-pending-approval.wrapped.json", "k8s-canary-pending.json"] as const;

const NOTES: LiveNote[] = [
  { kind: "live" },
  { kind: "live_limited" },
  { kind: "last_update" },
  { kind: "stale", lastSuccessAt: new Date(1772978490000) },
  { kind: "expired" },
  { kind: "not_followed", quota: "user", limit: 20 },
  { kind: "not_followed", quota: "channel", limit: 50 },
  { kind: "not_followed", quota: "total", limit: 500 },
];

const ERROR_CODES: SourceDeployErrorCode[] = [
  "not_found",
  "auth_failed",
  "permission_denied",
  "rate_limited",
  "unavailable",
  "timeout",
  "aborted",
  "invalid_response",
  "invalid_request",
  "slow_down",
  "refused",
  "unknown_outcome",
];

function fixture(name: (typeof ALL_FIXTURES)[number]): History {
  return parseHistory(readFixture(name));
}

/** The same history with every name from the data replaced, so only our own words are left to check. */
function anonymous(history: History): History {
  return {
    ...history,
    project: { id: "1", name: "P" },
    stage: { id: "2", name: "S" },
    scenario: { id: "3", name: "C" },
    executor: "someone",
    config: {
      ...history.config,
      ...(history.config.file && { file: { ...history.config.file, name: "f.zip" } }),
      ...(history.config.autoScalingGroup && { autoScalingGroup: { no: "4", name: "G" } }),
      ...(history.config.backupFile && { backupFile: "b.zip" }),
    },
    targets: history.targets.map((t, i) => ({ ...t, name: `srv${i}`, serverNo: String(i) })),
  };
}

function texts(rendered: Message | ModalView): string[] {
  const objects = textObjects(rendered.blocks).map((t) => t.text);
  return "text" in rendered && typeof rendered.text === "string" ? [rendered.text, ...objects] : objects;
}

/** Every history form in a locale: detail (with each live note and Share), unfurl and modal. */
function historyTexts(history: History, locale: "ko" | "en"): string[] {
  const forms: Array<Message | ModalView> = [
    renderHistory(history, options({ locale, shareButton: true, writeButtons: true })),
    renderHistory(history, options({ locale, relativeElapsed: true })),
    ...NOTES.map((live) => renderHistory(history, options({ locale, live }))),
    renderUnfurl(history, options({ locale, writeButtons: true })),
    renderTargetsModal(history, 0, options({ locale })),
  ];
  return forms.flatMap(texts);
}

/** Every other message in a locale, with data that ends in a consonant and in a vowel. */
/** Channel subscriptions (issue 13): every message, with names ending in a consonant and in a vowel. */
function subscriptionForms(o: ReturnType<typeof options>): Message[] {
  const base = {
    channelId: "C0DEPLOY",
    projectId: "41027",
    teamId: "T1",
    createdBy: "U0ALICE",
    createdAt: 0,
    externallyShared: false,
  };
  const subs = [
    { ...base, projectName: "결제", stages: ["운영"], failuresOnly: true },
    { ...base, projectId: "41028", projectName: "shop", stages: [], failuresOnly: false, paused: { reason: "is_archived", at: 0 } },
  ];
  const home = renderAppHome([{ subscriptions: subs, recent: historyListFixture() }], o);
  return [
    ...subs.flatMap((sub) => [renderSubscribed(sub, o), renderUnsubscribed(sub, "U0BOB", o)]),
    renderNotSubscribed("배포", o),
    renderSubscriptionList(subs, o),
    renderSubscriptionList([], o),
    ...(["invite_first", "external_channel", "limit", "save_failed"] as const).map((r) => renderSubscriptionRefusal(r, o, 1000)),
    withPostedLate(renderHistory(historyFixture("server-fail.json"), o), o),
    renderSkipped({ id: "41027", name: "결제" }, 1, false, o),
    renderSkipped({ id: "41027", name: "shop" }, 12, true, o),
    { text: "", blocks: home.blocks },
    { text: "", blocks: renderAppHome([], o).blocks },
  ];
}

function messageTexts(locale: "ko" | "en"): string[] {
  const o = options({ locale });
  const projects = projectListFixture();
  const notFound = new SourceDeployError("not_found", "x", { resource: { projectId: "41027", historyId: "903344" } });
  const forms: Message[] = [
    renderHelp(o),
    ...(["unrecognized", "bad_history_id", "too_long"] as const).flatMap((r) => [
      renderUsageError("배포", r, o),
      renderUsageError("shop", r, o),
    ]),
    ...ERROR_CODES.map((code) => renderError(code === "not_found" ? notFound : new SourceDeployError(code, "x"), o)),
    renderError(new SourceDeployError("not_found", "x", { resource: { projectId: "41027" } }), o),
    renderProjectList(projects, undefined, o),
    renderProjectList(projects, "샵", o),
    renderProjectList([], "shop", o),
    renderProjectNotFound("결제", o),
    renderAmbiguousProject("shop", projects, o),
    renderHistoryList(projects[0] ?? { id: "1", name: "P" }, historyListFixture(), o),
    renderHistoryList({ id: "1", name: "결제" }, [], o),
    renderAccessDenied(o),
    renderExternalChannelNote(o),
    ...askForms(o),
    ...subscriptionForms(o),
    ...writeAnswers().flatMap((answer) => [renderWriteNote(answer, o)].filter((m): m is Message => m !== undefined)),
    renderWritesUnavailable(o),
    renderNoScenarios({ id: "41027", name: "결제" }, o),
    renderDeployFailed({ id: "41027", name: "결제" }, new SourceDeployError("refused", "x"), o),
    renderAuditList([], "결제", o),
    renderAuditList(
      (["done", "denied", "not_now", "already", "refused", "unknown_outcome", "failed"] as const).map((outcome, i) => ({
        at: 1772978490000,
        actor: "U0ALICE",
        verb: (["approve", "reject", "promote", "abort", "cancel", "deploy", "approve"] as const)[i] ?? "approve",
        projectId: "41027",
        projectName: "결제",
        historyId: "9",
        outcome,
      })),
      undefined,
      o,
    ),
  ];
  const threads = writeAnswers().flatMap((answer) => writeThreadText(answer, "U0ALICE", o) ?? []);
  const started = [startedByBlock("U0ALICE", o)].flatMap((b) =>
    b.type === "context" ? b.elements.map((e) => ("text" in e ? e.text : "")) : [],
  );
  return [...forms.flatMap(texts), ...threads, ...started];
}

/** Every outcome of a write button, for each action. */
function writeAnswers(): WriteAnswer[] {
  const actions = ["approve", "reject", "promote", "abort", "cancel"] as const;
  return actions.flatMap((action): WriteAnswer[] => [
    { outcome: "done", action },
    { outcome: "denied", action, denial: { reason: "not_granted", verb: "approve", elsewhere: false } },
    { outcome: "denied", action, denial: { reason: "not_granted", verb: "cancel", elsewhere: true } },
    { outcome: "denied", action, denial: { reason: "groups_unknown" } },
    { outcome: "not_now", action, status: "success" },
    { outcome: "already", action, holder: { userId: "U0BOB", at: 1772978490000 } },
    { outcome: "already", action },
    { outcome: "refused", action },
    { outcome: "unknown_outcome", action },
    { outcome: "failed", action, errorCode: "state_unavailable" },
    { outcome: "failed", action, error: new SourceDeployError("unavailable", "x") },
  ]);
}

const STATUS_ENUMS = [...HISTORY_STATUSES, "standby", "no progress", "succss"];
const STRATEGY_ENUMS = ["normal", "blueGreen", "rolling", "canary"];
/** Raw values that are not also plain English words an English label may use. */
const NOT_ENGLISH = ["inprogress", "canary_", "no progress", "standby", "succss", "blueGreen", "Kuberneteservice", "ObjectStroage"];

describe("wording", () => {
  it.each(LOCALES)("never writes a particle that guesses the last syllable (%s)", (locale) => {
    const all = [...ALL_FIXTURES.flatMap((name) => historyTexts(fixture(name), locale)), ...messageTexts(locale)];
    expect(all.length).toBeGreaterThan(100);
    for (const text of all) expect(text).not.toMatch(/\((을|를|은|는|이|가|와|과|으로|로)\)/);
  });

  it("writes no raw status or strategy value in Korean", () => {
    for (const name of ALL_FIXTURES) {
      const all = historyTexts(anonymous(fixture(name)), "ko").join("\n");
      for (const raw of [...STATUS_ENUMS, ...STRATEGY_ENUMS]) expect(all, `${name}: ${raw}`).not.toMatch(new RegExp(`\\b${raw}\\b`, "i"));
    }
  });

  it("writes no raw status or strategy value in English", () => {
    for (const name of ALL_FIXTURES) {
      const all = historyTexts(anonymous(fixture(name)), "en").join("\n");
      for (const raw of NOT_ENGLISH) expect(all, `${name}: ${raw}`).not.toContain(raw);
      expect(all).not.toMatch(/\*Strategy\*\n(normal|blueGreen|rolling|canary)\b/);
    }
  });

  it("labels strategies and deployment file types for people", () => {
    const asg = historyFixture("asg-bluegreen.json");
    const expectations = [
      ["normal", "Basic", "기본"],
      ["blueGreen", "Blue/Green", "블루/그린"],
      ["rolling", "Rolling", "롤링"],
      ["canary", "Canary", "카나리"],
    ] as const;
    for (const [raw, en, ko] of expectations) {
      const history = { ...asg, config: { ...asg.config, strategy: raw } };
      expect(texts(renderHistory(history, options())).join("\n")).toContain(`*Strategy*\n${en}`);
      expect(texts(renderHistory(history, options({ locale: "ko" }))).join("\n")).toContain(`*배포 전략*\n${ko}`);
    }
    const unknown = { ...asg, config: { ...asg.config, strategy: "bigbang-v2" } };
    expect(texts(renderHistory(unknown, options())).join("\n")).toContain("*Strategy*\nbigbang-v2");
  });

  it("corrects the documented type typos: Kuberneteservice and ObjectStroage", () => {
    const k8s = readFixture<Record<string, unknown>>("k8s-canary.json");
    const storage = readFixture<{ result: Record<string, unknown> & { config: { file: { type: string } } } }>("objectstorage.json");
    storage.result.type = "ObjectStroage";
    storage.result.config.file.type = "ObjectStroage";
    const cases = [
      [parseHistory({ ...k8s, type: "Kuberneteservice" }), "Kubernetes Service"],
      [parseHistory(storage), "Object Storage"],
    ] as const;
    for (const [history, label] of cases) {
      for (const locale of LOCALES) {
        const all = historyTexts(history, locale).join("\n");
        expect(all).toContain(`\n${label}`);
        expect(all).not.toMatch(/Kuberneteservice|ObjectStroage/);
      }
    }
  });

  it("names steps as the API page does: 배포 전 / 파일 배포 / 배포 후 for servers, 배포 준비 / 배포 otherwise", () => {
    const server = texts(renderHistory(historyFixture("server-fail.json"), options({ locale: "ko" }))).join("\n");
    expect(server).toContain("배포 전 ✅");
    expect(server).toContain("파일 배포 ❌");
    expect(server).toContain("배포 후 ⚪");
    const asg = texts(renderHistory(historyFixture("asg-bluegreen.json"), options({ locale: "ko" }))).join("\n");
    expect(asg).toContain("파일 배포 ✅");
    const k8s = texts(renderHistory(historyFixture("k8s-canary.json"), options({ locale: "ko" }))).join("\n");
    expect(k8s).toMatch(/배포 준비 ✅ .* · 배포 🔄/);
    const statuses = texts(renderHistory(historyFixture("server-inprogress.wrapped.json"), options({ locale: "ko" }))).join("\n");
    expect(statuses).toContain("에이전트 응답 대기 중");
    expect(statuses).toContain("에이전트 연결 완료");
    expect(texts(renderHistory(historyFixture("server-fail.json"), options({ locale: "ko" }))).join("\n")).toContain("배포 진행 안 함");
  });

  it("says Deployed by, 배포 실행자, 배포 타겟, 배포 파일 and 새로고침", () => {
    const en = texts(renderHistory(historyFixture("server-inprogress.wrapped.json"), options())).join("\n");
    expect(en).toContain("*Deployed by*\nhyejin.park");
    const ko = texts(renderHistory(historyFixture("server-inprogress.wrapped.json"), options({ locale: "ko" }))).join("\n");
    for (const term of ["*배포 실행자*", "*배포 타겟 (4)*", "*배포 파일*", "새로고침"]) expect(ko).toContain(term);
    expect(ko).not.toContain("새로 고침");
  });
});

describe("a finished deployment", () => {
  const leftRunning = (status: string): History => {
    const history = historyFixture("server-inprogress.wrapped.json");
    return { ...history, status, endTime: new Date(1772978700000) };
  };

  it.each(["canceled", "canary_waiting_timeout", "fail"])("never shows 🔄 once it is %s", (status) => {
    for (const locale of LOCALES) {
      for (const text of historyTexts(leftRunning(status), locale)) expect(text).not.toContain("🔄");
    }
    const k8s = { ...historyFixture("k8s-canary.json"), status, endTime: new Date(1772978700000) };
    for (const text of historyTexts(k8s, "en")) expect(text).not.toContain("🔄");
  });

  it("shows what was still deploying as unfinished, and servers that never started as not deployed", () => {
    const message = renderHistory(leftRunning("canary_waiting_timeout"), options());
    const all = texts(message).join("\n");
    expect(all).toContain("⚠️ *web-02* (21880452) · did not finish");
    expect(all).toContain("file deploy ⚠️");
    expect(all).toMatch(/⚪ \*web-0[34]\*[^\n]* · not deployed/);
    expect(all).not.toContain("agent connected");
  });

  it("counts what did not finish first, with the failures", () => {
    const summary = texts(renderHistory(leftRunning("canceled"), options())).find((t) => t.startsWith("*Targets"));
    expect(summary).toMatch(/^\*Targets \(4\)\*\n⚠️ 1 did not finish · /);
  });
});

describe("escaping in the newer messages", () => {
  it("escapes an unknown status from the API in a write note, and an odd project id in the skipped line", () => {
    const note = renderWriteNote({ outcome: "not_now", action: "approve", status: "<!channel>" }, options());
    expect(texts(note!).join("\n")).toContain("&lt;!channel&gt;");
    expect(texts(note!).join("\n")).not.toContain("<!channel>");
    const skipped = renderSkipped({ id: "<!here>", name: "a b" }, 3, false, options());
    expect(texts(skipped).join("\n")).not.toContain("<!here>");
  });
});

describe("emoji", () => {
  it("keeps 🔄 for work in progress, ⏹️ for a canceled deployment, and no ⏸️ for standby", () => {
    const running = historyFixture("server-inprogress.wrapped.json");
    for (const locale of LOCALES) {
      for (const live of NOTES) {
        const message = renderHistory(running, options({ locale, live }));
        const notes = message.blocks.flatMap((b) => (b.type === "context" ? b.elements.map((e) => e.text) : []));
        for (const note of notes) expect(note).not.toMatch(/🔄|⏹/);
      }
      const all = historyTexts(running, locale).join("\n");
      expect(all).toContain("🔗 *web-03*");
      expect(all).not.toContain("⏸️");
    }
    expect(texts(renderHistory({ ...running, status: "canceled" }, options())).join("\n")).toContain("⏹️");
  });
});

describe("layout", () => {
  it.each(ALL_FIXTURES)("puts no field alone in a section (%s)", (name) => {
    for (const locale of LOCALES) {
      for (const relativeElapsed of [false, true]) {
        const message = renderHistory(fixture(name), options({ locale, relativeElapsed }));
        assertValidMessage(message);
        const sizes = message.blocks.flatMap((b) => (b.type === "section" && b.fields ? [b.fields.length] : []));
        expect(sizes.every((n) => n >= 2 && n <= 10)).toBe(true);
      }
    }
  });

  it("splits the Auto Scaling Group's eleven fields six and five", () => {
    const message = renderHistory(historyFixture("asg-bluegreen.json"), options());
    expect(message.blocks.flatMap((b) => (b.type === "section" && b.fields ? [b.fields.length] : []))).toEqual([6, 5]);
  });
});

describe("the console button", () => {
  const label = (message: Message) =>
    message.blocks.flatMap((b) => (b.type === "actions" ? b.elements : [])).find((e) => e.url !== undefined)?.text.text;

  it("says it opens the SourceDeploy console when the URL does not lead to the history", () => {
    const history = historyFixture("server-fail.json");
    const template = "https://console.ncloud.com/vpc-source-deploy";
    expect(label(renderHistory(history, options({ consoleUrlTemplate: template })))).toBe("SourceDeploy console");
    expect(label(renderHistory(history, options({ consoleUrlTemplate: template, locale: "ko" })))).toBe("SourceDeploy 콘솔");
    expect(label(renderUnfurl(history, options({ consoleUrlTemplate: template })))).toBe("SourceDeploy console");
  });

  it("says Open in console when the template names the history", () => {
    expect(label(renderHistory(historyFixture("server-fail.json"), options()))).toBe("Open in console");
    expect(label(renderHistory(historyFixture("server-fail.json"), options({ locale: "ko" })))).toBe("콘솔에서 열기");
  });
});

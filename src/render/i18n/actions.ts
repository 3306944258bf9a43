/** Acting from Slack (approve, reject, promote, abort, cancel, deploy) and the audit trail. Korean in NAVER Cloud's SourceDeploy terms beside English. */
import type { Locale } from "../../config.js";
import type { HistoryAction } from "../../sourcedeploy/model.js";

export interface ActionTexts {
  /** Decision and command buttons, and the confirm dialog each opens ("plain" text: where comes in unescaped). */
  write: {
    button: Record<HistoryAction, string>;
    confirmTitle: Record<HistoryAction, string>;
    /** What happens when confirmed. */
    consequence: Record<HistoryAction, string>;
    confirm: Record<HistoryAction, string>;
    deny: string;
  };
  // ---- acting from Slack (issue 14): write buttons' outcomes, the deploy modal, the audit list ----
  act: {
    /** The action as a noun phrase, after a colon: "approve", "승인". */
    verb: Record<HistoryAction | "deploy", string>;
    /** Thread replies everyone in the channel sees; `user` is a mention. */
    thread: Record<"done" | "refused" | "unknown_outcome", (verb: string, user: string) => string>;
    /** No rule grants the verb for this project (`elsewhere`: some rule does for other projects). */
    denied: (verb: string, elsewhere: boolean) => string;
    groupsUnknown: string;
    notNow: (status: string, verb: string) => string;
    already: (user: string, when: string) => string;
    alreadyUnknown: string;
    notRecorded: string;
    /** Demo data: nothing can be changed. */
    unavailable: string;
  };
  deploy: {
    title: string;
    submit: string;
    close: string;
    intro: (project: string) => string;
    scenarioLabel: string;
    scenarioPlaceholder: string;
    confirmLabel: string;
    confirmOption: (project: string) => string;
    noScenarios: (project: string) => string;
    /** The context line of the channel message of a deployment started from Slack. */
    startedBy: (user: string) => string;
    pickAgain: string;
    failed: (project: string) => string;
  };
  audit: {
    heading: (project: string | undefined) => string;
    text: (count: number) => string;
    empty: (project: string | undefined) => string;
    line: (when: string, user: string, verb: string, subject: string, outcome: string) => string;
    outcome: Record<"done" | "denied" | "not_now" | "already" | "refused" | "unknown_outcome" | "failed", string>;
  };
}

export const actionsTexts: Record<Locale, ActionTexts> = {
  ko: {
    write: {
      button: { approve: "승인", reject: "승인 거절", promote: "카나리 계속 배포", abort: "카나리 배포 취소", cancel: "배포 취소" },
      confirmTitle: {
        approve: "이 배포를 승인할까요?",
        reject: "이 배포의 승인을 거절할까요?",
        promote: "카나리 배포를 계속할까요?",
        abort: "카나리 배포를 취소할까요?",
        cancel: "이 배포를 취소할까요?",
      },
      consequence: {
        approve: "승인하면 바로 배포가 시작됩니다.",
        reject: "거절하면 배포되지 않습니다.",
        promote: "새 버전이 모든 배포 타겟에 배포됩니다.",
        abort: "카나리 배포가 취소되고 더 배포되지 않습니다.",
        cancel: "진행 중인 배포 타겟의 배포가 중단됩니다.",
      },
      confirm: { approve: "승인", reject: "승인 거절", promote: "계속 배포", abort: "카나리 배포 취소", cancel: "배포 취소" },
      deny: "그대로 두기",
    },
    // ---- acting from Slack (issue 14) ----
    act: {
      verb: {
        approve: "승인",
        reject: "승인 거절",
        promote: "카나리 계속 배포",
        abort: "카나리 배포 취소",
        cancel: "배포 취소",
        deploy: "배포 시작",
      },
      thread: {
        done: (verb, user) => `✅ ${verb}: ${user}`,
        refused: (verb, user) => `⚠️ SourceDeploy가 거절함 — ${verb}: ${user}. 그사이 배포 상태가 바뀌었습니다.`,
        unknown_outcome: (verb, user) => `❓ SourceDeploy 응답 없음 — ${verb}: ${user}. SourceDeploy 콘솔에서 확인하세요.`,
      },
      denied: (verb, elsewhere) =>
        elsewhere
          ? `🔒 처리하지 않았습니다. 다른 프로젝트에서는 가능하지만, 이 프로젝트에서 본인이나 본인의 Slack 사용자 그룹에 이 권한을 주는 접근 정책 규칙이 없습니다: \`${verb}\`. 앱 관리자에게 문의하세요.`
          : `🔒 처리하지 않았습니다. 이 프로젝트에서 본인이나 본인의 Slack 사용자 그룹에 이 권한을 주는 접근 정책 규칙이 없습니다: \`${verb}\`. 앱 관리자에게 문의하세요.`,
      groupsUnknown: "🔒 처리하지 않았습니다. Slack에서 사용자 그룹을 확인하지 못했습니다. 잠시 후 다시 시도하세요.",
      notNow: (status, verb) =>
        `ℹ️ 처리하지 않았습니다. 지금 배포 상태(${status})에서는 할 수 없습니다: ${verb}. 메시지에 현재 상태가 표시됩니다.`,
      already: (user, when) => `ℹ️ 다시 보내지 않았습니다. 이미 처리되었습니다: ${user} (${when})`,
      alreadyUnknown: "ℹ️ 다시 보내지 않았습니다. 방금 다른 사람이 이미 처리했습니다.",
      notRecorded: "⚠️ 보내지 않았습니다. 앱이 이 작업을 기록하지 못했습니다. 잠시 후 다시 시도하세요.",
      unavailable: "ℹ️ 데모 데이터는 바꿀 수 없습니다. 처리하지 않았습니다.",
    },
    deploy: {
      title: "배포 시작",
      submit: "배포",
      close: "취소",
      intro: (project) => `배포를 시작합니다: *${project}*. 선택한 스테이지에 배포됩니다.`,
      scenarioLabel: "스테이지 › 시나리오",
      scenarioPlaceholder: "시나리오 선택",
      confirmLabel: "확인",
      confirmOption: (project) => `지금 배포를 시작합니다: ${project}`,
      noScenarios: (project) => `🔍 배포할 시나리오가 있는 스테이지가 없습니다: ${project}`,
      startedBy: (user) => `🚀 Slack에서 시작: ${user}`,
      pickAgain: "이 시나리오는 더 이상 이 프로젝트에 없습니다. 다시 선택하세요.",
      failed: (project) => `⚠️ 배포를 시작하지 못했습니다: ${project}`,
    },
    audit: {
      heading: (project) => (project === undefined ? "최근 작업" : `최근 작업: ${project}`),
      text: (count) => `최근 작업 ${count}건`,
      empty: (project) => (project === undefined ? "아직 기록된 작업이 없습니다." : `아직 기록된 작업이 없습니다: ${project}`),
      line: (when, user, verb, subject, outcome) => `${when} · ${user} · ${verb} · ${subject} · ${outcome}`,
      outcome: {
        done: "✅ 완료",
        denied: "🔒 접근 정책이 거부",
        not_now: "ℹ️ 그 상태에서는 불가",
        already: "ℹ️ 이미 처리됨",
        refused: "⚠️ SourceDeploy가 거절",
        unknown_outcome: "❓ 응답 없음(콘솔 확인)",
        failed: "⚠️ 실패",
      },
    },
  },
  en: {
    write: {
      button: { approve: "Approve", reject: "Reject", promote: "Promote canary", abort: "Abort canary", cancel: "Cancel deployment" },
      confirmTitle: {
        approve: "Approve this deployment?",
        reject: "Reject this deployment?",
        promote: "Promote the canary?",
        abort: "Abort the canary?",
        cancel: "Cancel this deployment?",
      },
      consequence: {
        approve: "It starts deploying right away.",
        reject: "It will not be deployed.",
        promote: "The new version goes on to every target.",
        abort: "The canary is canceled and not deployed further.",
        cancel: "Targets still deploying are stopped.",
      },
      confirm: { approve: "Approve", reject: "Reject", promote: "Promote", abort: "Abort canary", cancel: "Cancel deployment" },
      deny: "Keep as is",
    },
    // ---- acting from Slack (issue 14) ----
    act: {
      verb: {
        approve: "approve",
        reject: "reject",
        promote: "promote the canary",
        abort: "abort the canary",
        cancel: "cancel",
        deploy: "deploy",
      },
      thread: {
        done: (verb, user) => `✅ Done — ${verb}: ${user}`,
        refused: (verb, user) => `⚠️ SourceDeploy declined — ${verb}: ${user}. The deployment had moved on.`,
        unknown_outcome: (verb, user) => `❓ No answer from SourceDeploy — ${verb}: ${user}. Check the SourceDeploy console.`,
      },
      denied: (verb, elsewhere) =>
        elsewhere
          ? `🔒 Nothing was done. You may do this in other projects, but no rule of the access policy grants \`${verb}\` in this one to you or your Slack user groups. Ask the app's administrator.`
          : `🔒 Nothing was done. No rule of the access policy grants \`${verb}\` to you or your Slack user groups for this project. Ask the app's administrator.`,
      groupsUnknown: "🔒 Nothing was done: Slack could not tell which user groups you are in. Please try again in a minute.",
      notNow: (status, verb) =>
        `ℹ️ Nothing was done: the deployment is now ${status}, so this is no longer possible — ${verb}. The message shows where it stands.`,
      already: (user, when) => `ℹ️ Nothing was sent again: ${user} already acted on this decision (${when}).`,
      alreadyUnknown: "ℹ️ Nothing was sent again: someone already acted on this decision a moment ago.",
      notRecorded: "⚠️ Nothing was sent: the app could not record this action. Please try again later.",
      unavailable: "ℹ️ Demo data cannot be changed: nothing was done.",
    },
    deploy: {
      title: "Start a deployment",
      submit: "Deploy",
      close: "Cancel",
      intro: (project) => `Start a deployment of *${project}*. This deploys to the stage you choose.`,
      scenarioLabel: "Stage › scenario",
      scenarioPlaceholder: "Choose a scenario",
      confirmLabel: "Confirm",
      confirmOption: (project) => `Yes, start this deployment of ${project} now`,
      noScenarios: (project) => `🔍 There is no stage with a scenario to deploy in ${project}.`,
      startedBy: (user) => `🚀 Started from Slack by ${user}`,
      pickAgain: "That scenario is not in this project any more. Choose again.",
      failed: (project) => `⚠️ The deployment of ${project} was not started.`,
    },
    audit: {
      heading: (project) => (project === undefined ? "Recent actions" : `Recent actions in ${project}`),
      text: (count) => `${count} recent actions`,
      empty: (project) => (project === undefined ? "No actions recorded yet." : `No actions recorded yet in ${project}.`),
      line: (when, user, verb, subject, outcome) => `${when} · ${user} · ${verb} · ${subject} · ${outcome}`,
      outcome: {
        done: "✅ done",
        denied: "🔒 refused by the policy",
        not_now: "ℹ️ not possible in that status",
        already: "ℹ️ already done by someone",
        refused: "⚠️ declined by SourceDeploy",
        unknown_outcome: "❓ no answer (check the console)",
        failed: "⚠️ failed",
      },
    },
  },
};

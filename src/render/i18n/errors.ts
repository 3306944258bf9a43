/** Help, usage, errors and refusals. Korean in NAVER Cloud's SourceDeploy terms beside English. */
import type { Locale } from "../../config.js";
import type { SourceDeployErrorCode } from "../../sourcedeploy/errors.js";

export interface ErrorTexts {
  help: {
    text: string;
    heading: string;
    intro: string;
    examples: Array<[command: string, meaning: string]>;
    mention: string;
  };
  usage: {
    text: string;
    reason: Record<"unrecognized" | "bad_history_id" | "too_long" | "two_ranges", (input: string) => string>;
    hint: string;
  };
  error: {
    notFound: (what: { projectId?: string; historyId?: string }) => string;
    byCode: Record<Exclude<SourceDeployErrorCode, "not_found" | "slow_down">, string>;
    /** The asker spent their share of SourceDeploy calls; `seconds` until they may ask again. */
    slowDown: (seconds: number) => string;
    generic: string;
  };
  accessDenied: string;
  /** Said only to the mentioner: why a mention in a channel shared with another organisation gets no answer there. */
  externalChannelNote: string;
}

export const errorsTexts: Record<Locale, ErrorTexts> = {
  ko: {
    help: {
      text: "/deploy-history 사용법",
      heading: "/deploy-history 사용법",
      intro: "NAVER Cloud SourceDeploy 배포 이력을 Slack에서 바로 확인합니다.",
      examples: [
        ["/deploy-history 41027 903344", "프로젝트 41027의 배포 이력 903344 상세"],
        ["/deploy-history <history link>", "콘솔 또는 API 링크로 상세 보기"],
        ["/deploy-history shop-api", "프로젝트(이름 또는 ID)의 최근 배포 10건"],
        ["/deploy-history shop-api latest", "가장 최근 배포의 상세"],
        [
          "/deploy-history shop-api 실패 7일",
          "상태, 스테이지, 기간(오늘, 어제, 이번 주, 24h, 7일, 30일, 2026-11-01 이후), 개수(5, 최근 20)로 찾기",
        ],
        ["/deploy-history shop-api prod-web 진행 중", "스테이지에서 지금 진행 중인 배포"],
        ["/deploy-history 통계 shop-api [stage] [7일|30일]", "상태별 건수, 성공률, 소요 시간, 일별 배포, 직전 기간 대비"],
        ["/deploy-history 비교 shop-api 903344 [903501]", "마지막 성공 배포(또는 다른 배포)와 달라진 점"],
        ["/deploy-history projects [filter]", "프로젝트와 ID 목록"],
        ["/deploy-history deploy shop-api [stage] [scenario]", "배포 시작(확인 단계가 있는 입력 창, deploy 권한 필요)"],
        ["/deploy-history audit [project]", "Slack에서 실행한 최근 작업 20건(본인에게만 표시)"],
        ["/deploy-history help", "이 도움말"],
      ],
      mention:
        "채널에서는 같은 말로 봇을 멘션하세요. 예: `@deploy-history shop-api latest`. 배포 이력 링크를 붙여 넣으면 자동으로 미리 보기가 표시됩니다.",
    },
    usage: {
      text: "요청을 이해하지 못했습니다.",
      reason: {
        unrecognized: (input) => `요청을 이해하지 못했습니다: “${input}”`,
        bad_history_id: (input) => `올바른 배포 이력 ID가 아닙니다(ID는 숫자입니다): “${input}”`,
        too_long: (input) => `요청이 너무 깁니다: “${input}”`,
        two_ranges: (input) => `기간은 한 번에 하나만 지정하세요: “${input}”`,
      },
      hint: "`/deploy-history &lt;projectId&gt; &lt;historyId&gt;`, `/deploy-history &lt;project&gt;` 또는 `/deploy-history help`로 시도해 보세요.",
    },
    error: {
      notFound: ({ projectId, historyId }) =>
        projectId !== undefined && historyId !== undefined
          ? `배포 이력을 찾을 수 없습니다: ${projectId}/${historyId}`
          : projectId !== undefined
            ? `프로젝트를 찾을 수 없습니다: ${projectId}`
            : "SourceDeploy에서 찾을 수 없습니다.",
      byCode: {
        auth_failed: "SourceDeploy가 인증 키를 거부했습니다. NCP_ACCESS_KEY / NCP_SECRET_KEY 값을 확인하세요.",
        permission_denied: "NCP 인증 키에 SourceDeploy의 이 정보를 읽을 권한이 없습니다. 서브 계정 권한을 확인하세요.",
        rate_limited: "지금 SourceDeploy에 요청이 너무 많습니다. 잠시 후 다시 시도하세요.",
        unavailable: "지금 SourceDeploy를 사용할 수 없습니다. 잠시 후 다시 시도하세요.",
        timeout: "지금 SourceDeploy 응답이 느립니다. 다시 시도하세요.",
        aborted: "앱이 다시 시작되는 중이라 요청이 중단되었습니다. 다시 시도하세요.",
        invalid_response: "SourceDeploy의 응답을 읽을 수 없습니다.",
        invalid_request: "SourceDeploy에 보낼 수 없는 요청입니다. 프로젝트와 배포 이력 ID를 확인하세요.",
        refused: "SourceDeploy가 거절했습니다. 이 메시지 이후 배포 상태가 바뀌었습니다. 지금 상태는 다음과 같습니다.",
        unknown_outcome:
          "SourceDeploy가 응답하지 않아 처리되었는지 알 수 없습니다. 다시 시도하기 전에 SourceDeploy 콘솔에서 배포 상태를 확인하세요.",
      },
      slowDown: (seconds) => `조회가 너무 잦습니다. 최근 1분 동안 SourceDeploy 조회를 많이 하셨습니다. ${seconds}초 후에 다시 시도하세요.`,
      generic: "죄송합니다. 문제가 발생했습니다. 다시 시도하세요.",
    },
    accessDenied: "죄송합니다. 이 배포 이력은 여기에서 볼 수 없습니다. 필요하다면 앱 관리자에게 문의하세요.",
    externalChannelNote:
      "다른 조직과 공유된 채널에는 배포 이력을 게시하지 않습니다. `/deploy-history`로 확인하거나(답은 본인에게만 보입니다) 내부 채널에서 멘션해 주세요.",
  },
  en: {
    help: {
      text: "How to use /deploy-history",
      heading: "How to use /deploy-history",
      intro: "Show NAVER Cloud SourceDeploy deployment histories right here.",
      examples: [
        ["/deploy-history 41027 903344", "details of history 903344 in project 41027"],
        ["/deploy-history <history link>", "details from a console or API link"],
        ["/deploy-history shop-api", "the 10 most recent deployments of a project (name or id)"],
        ["/deploy-history shop-api latest", "details of the newest deployment"],
        [
          "/deploy-history shop-api failed 7d",
          "filter by status, stage, time (today, yesterday, this week, 24h, 7d, 30d, since 2026-11-01) and count (5, last 20)",
        ],
        ["/deploy-history shop-api prod-web running", "what is running in a stage now"],
        ["/deploy-history stats shop-api [stage] [7d|30d]", "counts by status, success rate, durations, per day, vs the period before"],
        ["/deploy-history diff shop-api 903344 [903501]", "what changed against the last success (or another deployment)"],
        ["/deploy-history projects [filter]", "projects and their ids"],
        ["/deploy-history deploy shop-api [stage] [scenario]", "start a deployment (a form with a confirm; needs the deploy permission)"],
        ["/deploy-history audit [project]", "the last 20 actions taken from Slack (only you see them)"],
        ["/deploy-history help", "this help"],
      ],
      mention:
        "In a channel, mention the bot with the same words, e.g. `@deploy-history shop-api latest`. Pasted history links are previewed automatically.",
    },
    usage: {
      text: "Sorry, I didn't understand that.",
      reason: {
        unrecognized: (input) => `Sorry, I didn't understand “${input}”.`,
        bad_history_id: (input) => `“${input}” is not a valid history id: ids are numbers.`,
        too_long: (input) => `That request is too long: “${input}”.`,
        two_ranges: (input) => `Please give one time range at a time: “${input}”.`,
      },
      hint: "Try `/deploy-history &lt;projectId&gt; &lt;historyId&gt;`, `/deploy-history &lt;project&gt;` or `/deploy-history help`.",
    },
    error: {
      notFound: ({ projectId, historyId }) =>
        projectId !== undefined && historyId !== undefined
          ? `History ${projectId}/${historyId} was not found.`
          : projectId !== undefined
            ? `Project ${projectId} was not found.`
            : "That was not found in SourceDeploy.",
      byCode: {
        auth_failed: "SourceDeploy rejected our credentials — check NCP_ACCESS_KEY / NCP_SECRET_KEY.",
        permission_denied: "Our NCP credentials are not allowed to read this in SourceDeploy — check the sub-account's permissions.",
        rate_limited: "SourceDeploy is receiving too many requests right now; please try again in a minute.",
        unavailable: "SourceDeploy is unavailable right now; please try again later.",
        timeout: "SourceDeploy is slow right now, try again.",
        aborted: "The app is restarting and your request was interrupted; please try again.",
        invalid_response: "SourceDeploy sent a response I couldn't read.",
        invalid_request: "That request can't be sent to SourceDeploy — check the project and history ids.",
        refused: "SourceDeploy declined: the deployment has moved on since this message was drawn. Here is where it stands now.",
        unknown_outcome:
          "SourceDeploy did not answer, so it is not known whether that happened. Check the deployment in the SourceDeploy console before trying again.",
      },
      slowDown: (seconds) =>
        `Slow down: you have made many SourceDeploy lookups in the last minute. Please try again in ${seconds} ${seconds === 1 ? "second" : "seconds"}.`,
      generic: "Sorry, something went wrong. Please try again.",
    },
    accessDenied: "Sorry, you can't view that deployment history here. If you think you should, ask the app's administrator.",
    externalChannelNote:
      "I don't post deployment histories in channels shared with other organisations. Ask with `/deploy-history` (only you see the answer), or mention me in an internal channel.",
  },
};

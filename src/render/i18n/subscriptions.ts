/** Channel subscriptions and App Home. Korean in NAVER Cloud's SourceDeploy terms beside English. */
import type { Locale } from "../../config.js";

/** Channel subscriptions: confirmations, the list, refusals, notes on posted deployments, App Home. */
export interface SubscriptionTexts {
  /** `help` lines: [command, meaning]. */
  help: ReadonlyArray<readonly [string, string]>;
  /** "shop-api (prod-web, dev)": the project and the stages a subscription names. */
  what: (project: string, stages: readonly string[]) => string;
  subscribed: (what: string, failuresOnly: boolean, user: string) => string;
  unsubscribed: (what: string, user: string) => string;
  notSubscribed: (project: string) => string;
  listHeading: string;
  listText: (count: number) => string;
  listEmpty: string;
  everyStage: string;
  stages: (names: string) => string;
  everyDeployment: string;
  failuresOnly: string;
  by: (user: string) => string;
  paused: string;
  unsubscribeButton: string;
  inviteFirst: string;
  externalChannel: string;
  limitReached: (max: number) => string;
  saveFailed: string;
  /** Context line of a deployment posted after a restart: it started while the app was down. */
  postedLate: string;
  skipped: (count: number, atLeast: boolean, project: string, command: string) => string;
  homeHeading: string;
  homeIntro: string;
  homeEmpty: string;
  homeRecent: (project: string) => string;
  homeNoRecent: string;
  homeIn: (channel: string) => string;
}

export interface SubscriptionSurfaceTexts {
  /** Channel subscriptions (issue 13). */
  subscriptions: SubscriptionTexts;
}

export const subscriptionsTexts: Record<Locale, SubscriptionSurfaceTexts> = {
  ko: {
    subscriptions: {
      help: [
        ["/deploy-history 구독 shop-api [스테이지 …] [실패]", "이 채널에 프로젝트의 새 배포를 모두 알림 (`실패`: 실패한 배포만)"],
        ["/deploy-history 구독취소 shop-api", "이 채널에서 그 프로젝트 알림 중지"],
        ["/deploy-history 구독목록", "이 채널의 구독 목록"],
      ],
      what: (project, stages) => (stages.length === 0 ? project : `${project} (${stages.join(", ")})`),
      subscribed: (what, failuresOnly, user) => `📣 이 채널에 ${what} ${failuresOnly ? "실패한 배포만" : "배포를"} 알립니다 — ${user}`,
      unsubscribed: (what, user) => `🔕 이 채널에 더 이상 알리지 않습니다: ${what} 배포 — ${user}`,
      notSubscribed: (project) => `이 채널은 구독하고 있지 않습니다: “${project}”. \`/deploy-history 구독목록\`에서 확인하세요.`,
      listHeading: "이 채널의 배포 알림 구독",
      listText: (count) => `이 채널의 배포 알림 구독 ${count}개`,
      listEmpty: "이 채널에는 배포 알림 구독이 없습니다. 구독하려면: `/deploy-history 구독 &lt;프로젝트&gt;`",
      everyStage: "모든 스테이지",
      stages: (names) => `스테이지: ${names}`,
      everyDeployment: "모든 배포",
      failuresOnly: "실패한 배포만",
      by: (user) => `구독한 사람: ${user}`,
      paused: "💤 일시 중지됨: 봇이 채널에서 나갔거나 채널이 보관되었습니다. 봇을 초대한 뒤 다시 구독하세요.",
      unsubscribeButton: "구독 취소",
      inviteFirst: "이 채널에 봇이 없습니다. 먼저 봇을 초대한 뒤(`/invite @deploy-history`) 다시 구독하세요.",
      externalChannel: "다른 조직과 공유된 채널에는 배포 알림을 보내지 않으므로 이 채널은 구독할 수 없습니다.",
      limitReached: (max) =>
        `구독 수가 최대치에 이르렀습니다(${max}개). 필요 없는 구독을 취소하거나 관리자에게 SUBSCRIPTIONS_MAX 조정을 요청하세요.`,
      saveFailed: "구독을 저장하지 못했습니다. 잠시 후 다시 시도하세요.",
      postedLate: "🕰️ 늦게 알림: 앱이 멈춰 있던 동안 시작된 배포입니다.",
      skipped: (count, atLeast, project, command) =>
        `⏭️ 새 배포가 한꺼번에 많아 ${count}건${atLeast ? " 이상" : ""}은 알리지 않았습니다: ${project}. 전체 보기: \`${command}\``,
      homeHeading: "배포 알림 구독",
      homeIntro: "볼 수 있는 채널 구독과 그 프로젝트의 최근 배포입니다.",
      homeEmpty: "아직 볼 수 있는 구독이 없습니다. 채널에서 구독하려면: `/deploy-history 구독 &lt;프로젝트&gt;`",
      homeRecent: (project) => `최근 배포: ${project}`,
      homeNoRecent: "아직 확인된 배포가 없습니다.",
      homeIn: (channel) => `채널: ${channel}`,
    },
  },
  en: {
    subscriptions: {
      help: [
        [
          "/deploy-history subscribe shop-api [stage …] [failures]",
          "post every new deployment of a project in this channel (only failures, with `failures`)",
        ],
        ["/deploy-history unsubscribe shop-api", "stop posting that project here"],
        ["/deploy-history subscriptions", "this channel's subscriptions"],
      ],
      what: (project, stages) => (stages.length === 0 ? project : `${project} (${stages.join(", ")})`),
      subscribed: (what, failuresOnly, user) =>
        `📣 This channel will get ${failuresOnly ? "every failed deployment" : "every deployment"} of ${what} — set up by ${user}`,
      unsubscribed: (what, user) => `🔕 This channel no longer gets deployments of ${what} — ${user}`,
      notSubscribed: (project) => `This channel has no subscription to “${project}”. See them with \`/deploy-history subscriptions\`.`,
      listHeading: "Deployment subscriptions of this channel",
      listText: (count) => `${count} deployment ${count === 1 ? "subscription" : "subscriptions"} in this channel`,
      listEmpty: "This channel has no deployment subscriptions. Start one with `/deploy-history subscribe &lt;project&gt;`.",
      everyStage: "every stage",
      stages: (names) => `stages: ${names}`,
      everyDeployment: "every deployment",
      failuresOnly: "failures only",
      by: (user) => `by ${user}`,
      paused: "💤 Paused: I was removed from the channel or it was archived. Invite me, then subscribe again.",
      unsubscribeButton: "Unsubscribe",
      inviteFirst: "I'm not in this channel. Invite me first (`/invite @deploy-history`), then subscribe again.",
      externalChannel: "I don't post deployments in channels shared with other organisations, so this channel can't subscribe.",
      limitReached: (max) =>
        `The app already has ${max} subscriptions, its limit. Unsubscribe one that is no longer needed, or ask the administrator to raise SUBSCRIPTIONS_MAX.`,
      saveFailed: "The subscription could not be saved. Please try again in a minute.",
      postedLate: "🕰️ Posted late: this deployment started while the app was not running.",
      skipped: (count, atLeast, project, command) =>
        `⏭️ ${atLeast ? "At least " : ""}${count} more new ${count === 1 ? "deployment" : "deployments"} of ${project} started at once and ${count === 1 ? "was" : "were"} not posted. See them with \`${command}\`.`,
      homeHeading: "Deployment subscriptions",
      homeIntro: "Channel subscriptions you may see, and the latest deployments of their projects.",
      homeEmpty: "No subscriptions you may see yet. In a channel, type `/deploy-history subscribe &lt;project&gt;`.",
      homeRecent: (project) => `Latest deployments of ${project}`,
      homeNoRecent: "No deployments seen yet.",
      homeIn: (channel) => `in ${channel}`,
    },
  },
};

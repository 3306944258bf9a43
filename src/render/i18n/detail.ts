/** The detail message and unfurl of one deployment: statuses, steps, fields, headline, live notes, timeline, buttons. Korean in NAVER Cloud's SourceDeploy terms beside English. */
import type { Locale } from "../../config.js";
import type {
  DeploymentType,
  KnownFileType,
  KnownHistoryStatus,
  KnownStepStatus,
  KnownStrategy,
  KnownTargetStatus,
  StepName,
  TargetShape,
} from "../../sourcedeploy/model.js";

export interface DurationUnits {
  d: string;
  h: string;
  m: string;
  s: string;
}

/** Target and step states that only the app knows: a step or server left running when the deployment ended. */
export type SettledStatus = "stopped";

export interface DetailTexts {
  historyStatus: Record<KnownHistoryStatus, string>;
  targetStatus: Record<KnownTargetStatus | SettledStatus, string>;
  stepStatus: Record<KnownStepStatus | "not_run" | "unreported" | SettledStatus, string>;
  /** Step names differ by deployment: Server and Auto Scaling Group targets vs Kubernetes / Object Storage. */
  stepName: Record<TargetShape, Record<StepName, string>>;
  deploymentType: Record<DeploymentType, string>;
  strategy: Record<KnownStrategy, string>;
  fileType: Record<KnownFileType, string>;
  durationUnits: DurationUnits;
  /** Joins duration parts: "2m 3s" vs "2분 3초". */
  durationSeparator: string;
  /**
   * The first line of every history message, its push notification and header:
   * "shop-api › prod-web 배포 실패 — web-02 파일 배포 단계 (서버 1/3 실패) · #903344" (no emoji).
   */
  headline: (where: string, outcome: string, id: string, detail: string | undefined) => string;
  /** The parts of `headline`'s detail: which target and step, and how many servers. */
  detail: {
    targetAtStep: (target: string, step: string) => string;
    atStep: (step: string) => string;
    failedServers: (failed: number, total: number) => string;
    doneServers: (done: number, total: number) => string;
  };
  field: {
    project: string;
    stage: string;
    scenario: string;
    executor: string;
    type: string;
    strategy: string;
    start: string;
    end: string;
    duration: string;
    elapsed: string;
    file: string;
    autoScalingGroup: string;
    backupFile: string;
  };
  notYet: string;
  unnamed: string;
  emptyStatus: string;
  targetsHeading: (total: number) => string;
  stepsHeading: string;
  noTargets: string;
  otherStatuses: string;
  /** One entry of the per-status counts: "✅ 3 succeeded" / "✅ 배포 성공 3". */
  statusCount: (emoji: string, label: string, count: number) => string;
  serverNo: (no: string) => string;
  leftOut: (count: number) => string;
  demoNotice: string;
  /** How a message stays current (see `LiveNote`); `time` is a Slack date token. */
  liveNote: {
    live: string;
    liveLimited: string;
    lastUpdate: string;
    stale: (time: string) => string;
    expired: string;
    notFollowed: { user: (limit: number) => string; channel: (limit: number) => string; total: string };
  };
  /**
   * Per-target step durations of a finished deployment; names and durations come in escaped. The API
   * reports only step start times, so every duration is an estimate and says so.
   */
  timeline: {
    heading: string;
    slowMark: string;
    estimate: (duration: string) => string;
    step: (step: string, duration: string | undefined) => string;
    line: (name: string, total: string | undefined, steps: string[]) => string;
    /** The targets not listed, and the median total duration (an estimate). */
    typical: (others: number, duration: string) => string;
  };
  button: {
    /** A console URL template that names the history opens that history… */
    openConsole: string;
    /** …otherwise the button opens the SourceDeploy console and says so. */
    sourceDeployConsole: string;
    refresh: string;
    showAllTargets: string;
    share: string;
    details: string;
    recentHistories: string;
    /** On a failed deployment: what changed since the last success in its stage. */
    compare: string;
    next: string;
    previous: string;
  };
  unfurl: {
    failingTargets: string;
    moreFailing: (count: number) => string;
  };
}

const deployments = (count: number) => (count === 1 ? "1 deployment" : `${count} deployments`);

export const detailTexts: Record<Locale, DetailTexts> = {
  ko: {
    historyStatus: {
      success: "배포 성공",
      fail: "배포 실패",
      inprogress: "배포 중",
      pending: "승인 대기 중",
      reject: "승인 거절",
      canceling: "배포 취소 중",
      canceled: "배포 취소",
      waiting: "배포 대기 중",
      error: "문제 발생",
      canary_pending: "카나리 배포 대기",
      canary_reject: "카나리 배포 취소",
      canary_analyzing: "카나리 분석 중",
      canary_waiting_timeout: "카나리 분석 시간 초과",
      canary_rejecting: "카나리 배포 취소 중",
    },
    targetStatus: {
      pending: "에이전트 응답 대기 중",
      standby: "에이전트 연결 완료",
      pre: "배포 전 단계 진행 중",
      deploy: "파일 배포 중",
      post: "배포 후 단계 진행 중",
      success: "배포 성공",
      fail: "배포 실패",
      "no progress": "배포 진행 안 함",
      stopped: "완료되지 않음",
    },
    stepStatus: {
      success: "성공",
      fail: "실패",
      inprogress: "진행 중",
      not_run: "진행 안 함",
      unreported: "상태 없음",
      stopped: "완료되지 않음",
    },
    stepName: {
      servers: { pre: "배포 전", deploy: "파일 배포", post: "배포 후" },
      single: { pre: "배포 준비", deploy: "배포", post: "배포 후" },
    },
    deploymentType: {
      Server: "Server",
      AutoScalingGroup: "Auto Scaling Group",
      KubernetesService: "Kubernetes Service",
      ObjectStorage: "Object Storage",
      Unknown: "알 수 없음",
    },
    strategy: { normal: "기본", blueGreen: "블루/그린", rolling: "롤링", canary: "카나리" },
    fileType: { SourceBuild: "SourceBuild", ObjectStorage: "Object Storage" },
    durationUnits: { d: "일", h: "시간", m: "분", s: "초" },
    durationSeparator: " ",
    headline: (where, outcome, id, detail) => `${where} ${outcome}${detail === undefined ? "" : ` — ${detail}`} · #${id}`,
    detail: {
      targetAtStep: (target, step) => `${target} ${step} 단계`,
      atStep: (step) => `${step} 단계`,
      failedServers: (failed, total) => `(서버 ${failed}/${total} 실패)`,
      doneServers: (done, total) => `(서버 ${done}/${total} 완료)`,
    },
    field: {
      project: "프로젝트",
      stage: "스테이지",
      scenario: "시나리오",
      executor: "배포 실행자",
      type: "유형",
      strategy: "배포 전략",
      start: "시작",
      end: "종료",
      duration: "소요 시간",
      elapsed: "경과 시간",
      file: "배포 파일",
      autoScalingGroup: "Auto Scaling Group",
      backupFile: "백업 파일",
    },
    notYet: "—",
    unnamed: "(이름 없음)",
    emptyStatus: "(상태 없음)",
    targetsHeading: (total) => `배포 타겟 (${total})`,
    stepsHeading: "단계",
    noTargets: "아직 보고된 배포 타겟이 없습니다.",
    otherStatuses: "기타",
    statusCount: (emoji, label, count) => `${emoji} ${label} ${count}`,
    serverNo: (no) => `서버 ${no}`,
    leftOut: (count) => `그 밖의 배포 타겟 ${count}개:`,
    demoNotice: "🧪 데모 데이터: NCP 인증 키가 설정되지 않아 내장된 예시 배포를 보여 줍니다.",
    liveNote: {
      live: "📡 배포가 끝날 때까지 자동으로 업데이트됩니다",
      liveLimited: "📡 몇 번만 자동으로 업데이트됩니다(Slack이 비공개 응답을 제한합니다) — 실시간으로 보려면 채널에 공유하세요",
      lastUpdate: "⏸ 이 비공개 응답은 더 이상 자동으로 업데이트되지 않습니다 — 새로고침을 누르세요",
      stale: (time) => `⚠️ 마지막 업데이트 ${time} (SourceDeploy에 연결할 수 없음)`,
      expired: "💤 이 배포는 더 이상 따라가지 않습니다 — 최신 상태를 보려면 새로고침을 누르세요",
      notFollowed: {
        user: (limit) =>
          `⏸ 실시간으로 업데이트하지 않습니다: 이미 배포 ${limit}개를 실시간으로 따라가고 있습니다 — 최신 상태를 보려면 새로고침을 누르세요`,
        channel: (limit) =>
          `⏸ 실시간으로 업데이트하지 않습니다: 이 채널에서 이미 배포 ${limit}개를 실시간으로 따라가고 있습니다 — 최신 상태를 보려면 새로고침을 누르세요`,
        total: "⏸ 실시간으로 업데이트하지 않습니다: 앱이 따라갈 수 있는 배포 수가 가득 찼습니다 — 최신 상태를 보려면 새로고침을 누르세요",
      },
    },
    timeline: {
      heading: "오래 걸린 배포 타겟 (단계 시작 시각으로 추정 ≈)",
      slowMark: "🐢",
      estimate: (duration) => `≈${duration}`,
      step: (step, duration) => (duration === undefined ? step : `${step} ${duration}`),
      line: (name, total, steps) => `${name}${total === undefined ? "" : ` · ${total}`} — ${steps.join(" → ")}`,
      typical: (others, duration) => `나머지 배포 타겟 ${others}개: 보통 ${duration}`,
    },
    button: {
      openConsole: "콘솔에서 열기",
      sourceDeployConsole: "SourceDeploy 콘솔",
      refresh: "새로고침",
      showAllTargets: "전체 배포 타겟 보기",
      share: "채널에 공유",
      details: "상세 보기",
      recentHistories: "최근 배포 보기",
      compare: "마지막 성공 배포와 비교",
      next: "다음 ›",
      previous: "‹ 이전",
    },
    unfurl: {
      failingTargets: "실패한 배포 타겟",
      moreFailing: (count) => `…외 ${count}개 실패`,
    },
  },
  en: {
    historyStatus: {
      success: "deploy succeeded",
      fail: "deploy failed",
      inprogress: "deploying",
      pending: "awaiting approval",
      reject: "approval rejected",
      canceling: "canceling deploy",
      canceled: "deploy canceled",
      waiting: "waiting to deploy",
      error: "deploy error",
      canary_pending: "canary awaiting approval",
      canary_reject: "canary canceled",
      canary_analyzing: "analyzing canary",
      canary_waiting_timeout: "canary analysis timed out",
      canary_rejecting: "canceling canary",
    },
    targetStatus: {
      pending: "waiting for agent response",
      standby: "agent connected",
      pre: "running pre-deploy",
      deploy: "deploying files",
      post: "running post-deploy",
      success: "succeeded",
      fail: "failed",
      "no progress": "not deployed",
      stopped: "did not finish",
    },
    stepStatus: {
      success: "succeeded",
      fail: "failed",
      inprogress: "in progress",
      not_run: "not run",
      unreported: "no status",
      stopped: "did not finish",
    },
    stepName: {
      servers: { pre: "pre-deploy", deploy: "file deploy", post: "post-deploy" },
      single: { pre: "prepare", deploy: "deploy", post: "post-deploy" },
    },
    deploymentType: {
      Server: "Server",
      AutoScalingGroup: "Auto Scaling Group",
      KubernetesService: "Kubernetes Service",
      ObjectStorage: "Object Storage",
      Unknown: "Unknown",
    },
    strategy: { normal: "Basic", blueGreen: "Blue/Green", rolling: "Rolling", canary: "Canary" },
    fileType: { SourceBuild: "SourceBuild", ObjectStorage: "Object Storage" },
    durationUnits: { d: "d", h: "h", m: "m", s: "s" },
    durationSeparator: " ",
    headline: (where, outcome, id, detail) => `${where} ${outcome}${detail === undefined ? "" : ` — ${detail}`} · #${id}`,
    detail: {
      targetAtStep: (target, step) => `${target} at the ${step} step`,
      atStep: (step) => `at the ${step} step`,
      failedServers: (failed, total) => `(${failed}/${total} ${total === 1 ? "server" : "servers"} failed)`,
      doneServers: (done, total) => `(${done}/${total} ${total === 1 ? "server" : "servers"} done)`,
    },
    field: {
      project: "Project",
      stage: "Stage",
      scenario: "Scenario",
      executor: "Deployed by",
      type: "Type",
      strategy: "Strategy",
      start: "Started",
      end: "Ended",
      duration: "Duration",
      elapsed: "Elapsed",
      file: "Deployment file",
      autoScalingGroup: "Auto Scaling Group",
      backupFile: "Backup file",
    },
    notYet: "—",
    unnamed: "(no name)",
    emptyStatus: "(no status)",
    targetsHeading: (total) => `Targets (${total})`,
    stepsHeading: "Steps",
    noTargets: "No targets reported yet.",
    otherStatuses: "other",
    statusCount: (emoji, label, count) => `${emoji} ${count} ${label}`,
    serverNo: (no) => `server ${no}`,
    leftOut: (count) => `${count} more ${count === 1 ? "target" : "targets"}:`,
    demoNotice: "🧪 Demo data: NCP credentials are not configured, so these are built-in sample deployments.",
    liveNote: {
      live: "📡 Updates itself until the deployment ends",
      liveLimited: "📡 Updates itself a few times (Slack limits private replies) — Share to channel to follow it live",
      lastUpdate: "⏸ No more automatic updates for this private reply — press Refresh",
      stale: (time) => `⚠️ Last updated ${time} (SourceDeploy unreachable)`,
      expired: "💤 Stopped following this deployment — press Refresh for the latest",
      notFollowed: {
        user: (limit) => `⏸ Not updating live: you already follow ${deployments(limit)} live — press Refresh for the latest`,
        channel: (limit) => `⏸ Not updating live: this channel already follows ${deployments(limit)} live — press Refresh for the latest`,
        total: "⏸ Not updating live: the app follows as many deployments as it may — press Refresh for the latest",
      },
    },
    timeline: {
      heading: "Slowest targets (≈ estimated from step start times)",
      slowMark: "🐢",
      estimate: (duration) => `≈${duration}`,
      step: (step, duration) => (duration === undefined ? step : `${step} ${duration}`),
      line: (name, total, steps) => `${name}${total === undefined ? "" : ` · ${total}`} — ${steps.join(" → ")}`,
      typical: (others, duration) => `The other ${others === 1 ? "target" : `${others} targets`}: typically ${duration}`,
    },
    button: {
      openConsole: "Open in console",
      sourceDeployConsole: "SourceDeploy console",
      refresh: "Refresh",
      showAllTargets: "Show all targets",
      share: "Share to channel",
      details: "Details",
      recentHistories: "Recent deployments",
      compare: "Compare with last success",
      next: "Next ›",
      previous: "‹ Previous",
    },
    unfurl: {
      failingTargets: "Failed targets",
      moreFailing: (count) => `…and ${count} more failed`,
    },
  },
};

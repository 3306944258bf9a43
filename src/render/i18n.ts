/**
 * Every user-visible string, in Korean and English. Values that come from the API are passed in
 * already escaped (or as plain text for plain_text fields); the catalogue never escapes them. mrkdwn
 * strings write a literal `<` as `&lt;`; `help.examples` commands are plain and escaped when rendered.
 */

import type { StatusGroup } from "../command.js";
import type { Locale } from "../config.js";
import type { SourceDeployErrorCode } from "../sourcedeploy/errors.js";
import type {
  DeploymentType,
  HistoryAction,
  KnownFileType,
  KnownHistoryStatus,
  KnownStepStatus,
  KnownStrategy,
  KnownTargetStatus,
  StepName,
  TargetShape,
} from "../sourcedeploy/model.js";

export interface DurationUnits {
  d: string;
  h: string;
  m: string;
  s: string;
}

/** Target and step states that only the app knows: a step or server left running when the deployment ended. */
export type SettledStatus = "stopped";

export interface Catalogue {
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
  /** Decision and command buttons, and the confirm dialog each opens ("plain" text: where comes in unescaped). */
  write: {
    button: Record<HistoryAction, string>;
    confirmTitle: Record<HistoryAction, string>;
    /** What happens when confirmed. */
    consequence: Record<HistoryAction, string>;
    confirm: Record<HistoryAction, string>;
    deny: string;
  };
  list: {
    heading: (project: string) => string;
    text: (project: string, count: number) => string;
    empty: (project: string) => string;
    more: (count: number) => string;
  };
  modal: {
    title: string;
    close: string;
    heading: (title: string, total: number) => string;
    page: (page: number, pages: number) => string;
  };
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
  projects: {
    heading: (filter: string | undefined) => string;
    text: (count: number) => string;
    empty: (filter: string | undefined) => string;
    more: (count: number) => string;
    line: (name: string, id: string) => string;
    notFound: (name: string) => string;
    ambiguous: (name: string, count: number) => string;
    ambiguousHint: string;
  };
  /** A search in plain words (`shop-api failed 7d`); dates come in as Slack date tokens, names escaped. */
  ask: {
    statusWord: Record<StatusGroup, string>;
    range: {
      today: string;
      yesterday: string;
      thisWeek: string;
      hours: (hours: number) => string;
      days: (days: number) => string;
      since: (date: string) => string;
      on: (date: string) => string;
    };
    stages: (names: string) => string;
    count: (count: number) => string;
    heading: (project: string) => string;
    text: (project: string, count: number) => string;
    searched: (parts: string) => string;
    none: string;
    read: (pages: number, entries: number, oldest: string | undefined) => string;
    /** Reading stopped before the question was answered: the page cap or the upstream limits. */
    stoppedAtCap: (pages: number) => string;
    stoppedLimited: string;
    more: (count: number) => string;
    unknownText: string;
    unknown: (words: string) => string;
    didYouMean: (word: string, suggestion: string) => string;
    knownWords: string;
  };
  stats: {
    heading: (project: string, days: number) => string;
    text: (project: string, days: number, total: number) => string;
    stages: (names: string) => string;
    total: (count: number) => string;
    byStatus: string;
    successRate: (percent: number, succeeded: number, finished: number) => string;
    noneFinished: string;
    durations: (median: string, p90: string, count: number) => string;
    noDurations: string;
    perDay: (chart: string, first: string, last: string) => string;
    change: (days: number, total: number, before: number, delta: string) => string;
    rateChange: (now: string, before: string, points: string) => string;
    partial: string;
  };
  diff: {
    heading: (id: string, against: string) => string;
    text: (id: string, against: string) => string;
    lastSuccess: (id: string) => string;
    other: (id: string) => string;
    change: (field: string, then: string, now: string) => string;
    same: (fields: string) => string;
    added: (names: string) => string;
    removed: (names: string) => string;
    regressed: (names: string) => string;
    nothing: string;
    noSuccess: (stage: string, entries: number) => string;
    none: string;
  };
  /** "Did you mean …?" after a project name that matched nothing. */
  projectSuggestion: (name: string) => string;
  accessDenied: string;
  /** Said only to the mentioner: why a mention in a channel shared with another organisation gets no answer there. */
  externalChannelNote: string;
  /** Channel subscriptions (issue 13). */
  subscriptions: SubscriptionTexts;
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

const deployments = (count: number) => (count === 1 ? "1 deployment" : `${count} deployments`);

const en: Catalogue = {
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
  list: {
    heading: (project) => `Recent deployments of ${project}`,
    text: (project, count) => `${count} recent deployments of ${project}`,
    empty: (project) => `No deployments yet in ${project}.`,
    more: (count) => `…and ${count} older deployments not shown.`,
  },
  modal: {
    title: "All targets",
    close: "Close",
    heading: (title, total) => `${title} · ${total} targets`,
    page: (page, pages) => `Page ${page} of ${pages}`,
  },
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
  projects: {
    heading: (filter) => (filter === undefined ? "SourceDeploy projects" : `SourceDeploy projects matching “${filter}”`),
    text: (count) => `${count} SourceDeploy projects`,
    empty: (filter) => (filter === undefined ? "There are no SourceDeploy projects yet." : `No projects match “${filter}”.`),
    more: (count) => `…and ${count} more. Narrow the list with \`/deploy-history projects &lt;filter&gt;\`.`,
    line: (name, id) => `*${name}* · id \`${id}\``,
    notFound: (name) => `No project named “${name}”. Try \`/deploy-history projects\` to see them all.`,
    ambiguous: (name, count) => `“${name}” matches ${count} projects. Which one?`,
    ambiguousHint: "Use the project id, e.g. `/deploy-history 41027`.",
  },
  ask: {
    statusWord: { failed: "failed", running: "running", succeeded: "succeeded", canceled: "canceled", waiting: "waiting" },
    range: {
      today: "today",
      yesterday: "yesterday",
      thisWeek: "this week",
      hours: (hours) => `last ${hours} ${hours === 1 ? "hour" : "hours"}`,
      days: (days) => `last ${days} ${days === 1 ? "day" : "days"}`,
      since: (date) => `since ${date}`,
      on: (date) => `on ${date}`,
    },
    stages: (names) => `stage ${names}`,
    count: (count) => `the ${count} newest`,
    heading: (project) => `Deployments of ${project}`,
    text: (project, count) => `${count} matching deployments of ${project}`,
    searched: (parts) => `🔎 Searched: ${parts}`,
    none: "No deployments match.",
    read: (pages, entries, oldest) =>
      `Read ${pages} ${pages === 1 ? "page" : "pages"} of the list (${deployments(entries)})${oldest === undefined ? "" : `, back to ${oldest}`}.`,
    stoppedAtCap: (pages) => `⚠️ Stopped early at the limit of ${pages} pages per question: older deployments were not searched.`,
    stoppedLimited: "⚠️ Stopped early: SourceDeploy lookups are limited right now, so older deployments were not searched.",
    more: (count) => `…and ${count} more matching deployments not shown.`,
    unknownText: "Some words were not understood.",
    unknown: (words) => `🤔 I don't know these words: ${words}.`,
    didYouMean: (word, suggestion) => `${word}: did you mean ${suggestion}?`,
    knownWords:
      "I know: a status (failed, running, succeeded, canceled, waiting), a stage name, a time (today, yesterday, this week, 24h, 7d, 30d, since 2026-11-01) and a count (5, last 20).",
  },
  stats: {
    heading: (project, days) => `Stats of ${project} · last ${days} ${days === 1 ? "day" : "days"}`,
    text: (project, days, total) => `${deployments(total)} of ${project} in the last ${days} ${days === 1 ? "day" : "days"}`,
    stages: (names) => `Stage: ${names}`,
    total: (count) => `*${deployments(count)}*`,
    byStatus: "By status",
    successRate: (percent, succeeded, finished) => `*Success rate* ${percent}% (${succeeded} of ${finished} finished)`,
    noneFinished: "*Success rate* — (none finished)",
    durations: (median, p90, count) => `*Duration* median ${median} · p90 ${p90} (${deployments(count)})`,
    noDurations: "*Duration* — (the list reports no end times)",
    perDay: (chart, first, last) => `*Per day* \`${chart}\` (${first} → ${last})`,
    change: (days, total, before, delta) =>
      `*vs the previous ${days} ${days === 1 ? "day" : "days"}*: ${deployments(total)} (was ${before}, ${delta})`,
    rateChange: (now, before, points) => `success rate ${now} (was ${before}, ${points} pts)`,
    partial: "⚠️ The list was not read back to the start of the previous period, so its figures are partial.",
  },
  diff: {
    heading: (id, against) => `What changed: #${id} vs #${against}`,
    text: (id, against) => `What changed between #${id} and #${against}`,
    lastSuccess: (id) => `Compared with the last success in this stage: #${id}`,
    other: (id) => `Compared with #${id}`,
    change: (field, then, now) => `*${field}*: ${then} → ${now}`,
    same: (fields) => `Unchanged: ${fields}`,
    added: (names) => `*Targets added*: ${names}`,
    removed: (names) => `*Targets removed*: ${names}`,
    regressed: (names) => `❌ *Failed now, succeeded then*: ${names}`,
    nothing: "No differences in stage, scenario, strategy, file or targets.",
    noSuccess: (stage, entries) => `No earlier successful deployment of stage ${stage} among the ${deployments(entries)} read.`,
    none: "(none)",
  },
  projectSuggestion: (name) => `Did you mean ${name}?`,
  accessDenied: "Sorry, you can't view that deployment history here. If you think you should, ask the app's administrator.",
  externalChannelNote:
    "I don't post deployment histories in channels shared with other organisations. Ask with `/deploy-history` (only you see the answer), or mention me in an internal channel.",
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
};

/**
 * Korean in NAVER Cloud's own words (the SourceDeploy API page): 배포 타겟, 배포 전 / 파일 배포 /
 * 배포 후, 에이전트 응답 대기 중 … A value from the API never takes a particle that depends on its
 * last syllable (을/를, 은/는, 와/과): it follows a colon or a particle that fits any word.
 */
const ko: Catalogue = {
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
  list: {
    heading: (project) => `최근 배포: ${project}`,
    text: (project, count) => `최근 배포 ${count}건: ${project}`,
    empty: (project) => `아직 배포 이력이 없습니다: ${project}`,
    more: (count) => `…이전 배포 ${count}건은 표시하지 않았습니다.`,
  },
  modal: {
    title: "전체 배포 타겟",
    close: "닫기",
    heading: (title, total) => `${title} · 배포 타겟 ${total}개`,
    page: (page, pages) => `${pages}쪽 중 ${page}쪽`,
  },
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
  projects: {
    heading: (filter) => (filter === undefined ? "SourceDeploy 프로젝트" : `SourceDeploy 프로젝트 검색: “${filter}”`),
    text: (count) => `SourceDeploy 프로젝트 ${count}개`,
    empty: (filter) => (filter === undefined ? "아직 SourceDeploy 프로젝트가 없습니다." : `일치하는 프로젝트가 없습니다: “${filter}”`),
    more: (count) => `…외 ${count}개. \`/deploy-history projects &lt;filter&gt;\`로 범위를 좁혀 보세요.`,
    line: (name, id) => `*${name}* · ID \`${id}\``,
    notFound: (name) => `이 이름의 프로젝트가 없습니다: “${name}”. \`/deploy-history projects\`로 전체 목록을 확인하세요.`,
    ambiguous: (name, count) => `일치하는 프로젝트가 ${count}개 있습니다: “${name}”. 어느 것인가요?`,
    ambiguousHint: "프로젝트 ID를 사용하세요. 예: `/deploy-history 41027`",
  },
  ask: {
    statusWord: { failed: "실패", running: "진행 중", succeeded: "성공", canceled: "취소", waiting: "대기" },
    range: {
      today: "오늘",
      yesterday: "어제",
      thisWeek: "이번 주",
      hours: (hours) => `최근 ${hours}시간`,
      days: (days) => `최근 ${days}일`,
      since: (date) => `시작: ${date} 이후`,
      on: (date) => `날짜: ${date}`,
    },
    stages: (names) => `스테이지: ${names}`,
    count: (count) => `최근 ${count}건`,
    heading: (project) => `배포 검색: ${project}`,
    text: (project, count) => `조건에 맞는 배포 ${count}건: ${project}`,
    searched: (parts) => `🔎 검색 조건: ${parts}`,
    none: "조건에 맞는 배포가 없습니다.",
    read: (pages, entries, oldest) =>
      `배포 목록 ${pages}쪽(배포 ${entries}건)을 읽었습니다${oldest === undefined ? "" : ` — 가장 오래된 배포: ${oldest}`}.`,
    stoppedAtCap: (pages) => `⚠️ 질문당 읽을 수 있는 ${pages}쪽에서 멈췄습니다. 그보다 이전의 배포는 검색하지 않았습니다.`,
    stoppedLimited: "⚠️ 지금은 SourceDeploy 조회가 제한되어 중간에 멈췄습니다. 그보다 이전의 배포는 검색하지 않았습니다.",
    more: (count) => `…조건에 맞는 배포 ${count}건은 표시하지 않았습니다.`,
    unknownText: "이해하지 못한 단어가 있습니다.",
    unknown: (words) => `🤔 알 수 없는 단어: ${words}`,
    didYouMean: (word, suggestion) => `${word}: 혹시 이 단어인가요? ${suggestion}`,
    knownWords:
      "사용할 수 있는 단어: 상태(실패, 진행 중, 성공, 취소, 승인 대기), 스테이지 이름, 기간(오늘, 어제, 이번 주, 24h, 7일, 30일, 2026-11-01 이후), 개수(5, 최근 20)",
  },
  stats: {
    heading: (project, days) => `배포 통계: ${project} · 최근 ${days}일`,
    text: (project, days, total) => `최근 ${days}일 배포 ${total}건: ${project}`,
    stages: (names) => `스테이지: ${names}`,
    total: (count) => `*배포 ${count}건*`,
    byStatus: "상태별",
    successRate: (percent, succeeded, finished) => `*성공률* ${percent}% (완료 ${finished}건 중 성공 ${succeeded}건)`,
    noneFinished: "*성공률* — (완료된 배포 없음)",
    durations: (median, p90, count) => `*소요 시간* 중앙값 ${median} · p90 ${p90} (배포 ${count}건)`,
    noDurations: "*소요 시간* — (목록에 종료 시각이 없음)",
    perDay: (chart, first, last) => `*일별 배포* \`${chart}\` (${first} → ${last})`,
    change: (days, total, before, delta) => `*직전 ${days}일 대비*: 배포 ${total}건 (이전 ${before}건, ${delta})`,
    rateChange: (now, before, points) => `성공률 ${now} (이전 ${before}, ${points}%p)`,
    partial: "⚠️ 직전 기간의 처음까지 목록을 읽지 못해 직전 기간 수치는 일부입니다.",
  },
  diff: {
    heading: (id, against) => `변경 사항: #${id} · 비교 대상 #${against}`,
    text: (id, against) => `변경 사항: #${id} · 비교 대상 #${against}`,
    lastSuccess: (id) => `이 스테이지의 마지막 성공 배포와 비교: #${id}`,
    other: (id) => `비교 대상: #${id}`,
    change: (field, then, now) => `*${field}*: ${then} → ${now}`,
    same: (fields) => `변경 없음: ${fields}`,
    added: (names) => `*추가된 배포 타겟*: ${names}`,
    removed: (names) => `*제외된 배포 타겟*: ${names}`,
    regressed: (names) => `❌ *이번에 실패, 그때는 성공*: ${names}`,
    nothing: "스테이지, 시나리오, 배포 전략, 배포 파일, 배포 타겟에 차이가 없습니다.",
    noSuccess: (stage, entries) => `읽은 배포 ${entries}건 중 이 스테이지의 이전 성공 배포가 없습니다. 스테이지: ${stage}`,
    none: "(없음)",
  },
  projectSuggestion: (name) => `혹시 이 프로젝트인가요? ${name}`,
  accessDenied: "죄송합니다. 이 배포 이력은 여기에서 볼 수 없습니다. 필요하다면 앱 관리자에게 문의하세요.",
  externalChannelNote:
    "다른 조직과 공유된 채널에는 배포 이력을 게시하지 않습니다. `/deploy-history`로 확인하거나(답은 본인에게만 보입니다) 내부 채널에서 멘션해 주세요.",
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
};

const CATALOGUES: Record<Locale, Catalogue> = { en, ko };

export function messages(locale: Locale): Catalogue {
  return CATALOGUES[locale];
}

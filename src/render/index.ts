export {
  type AuditLine,
  DEPLOY_CONFIRM_ACTION,
  DEPLOY_CONFIRM_BLOCK,
  DEPLOY_MODAL_CALLBACK_ID,
  DEPLOY_SCENARIO_ACTION,
  DEPLOY_SCENARIO_BLOCK,
  decodeChoice,
  encodeChoice,
  renderAuditList,
  renderDeployFailed,
  renderDeployModal,
  renderDeployPickAgain,
  renderNoScenarios,
  renderWriteNote,
  renderWritesUnavailable,
  type StageChoices,
  startedByBlock,
  type WriteAnswer,
  writeThreadText,
} from "./act.js";
export {
  ACTION_COMPARE,
  ACTION_DETAILS_PATTERN,
  ACTION_DETAILS_PREFIX,
  ACTION_IDS,
  ACTION_OPEN_CONSOLE,
  ACTION_PROJECT_HISTORIES_PATTERN,
  ACTION_PROJECT_HISTORIES_PREFIX,
  ACTION_REFRESH,
  ACTION_SHARE,
  ACTION_SHOW_TARGETS,
  ACTION_TARGETS_NEXT,
  ACTION_TARGETS_PREVIOUS,
  ACTION_UNSUBSCRIBE_PATTERN,
  ACTION_UNSUBSCRIBE_PREFIX,
  ACTION_WRITE,
  ACTION_WRITE_PATTERN,
  consoleUrl,
  decodeHistoryRef,
  decodeProjectRef,
  decodeTargetsPageRef,
  encodeHistoryRef,
  encodeProjectRef,
  encodeTargetsPageRef,
  type HistoryRef,
  TARGETS_MODAL_CALLBACK_ID,
  type TargetsPageRef,
  writeActionOf,
} from "./actions.js";
export {
  type DiffView,
  renderDiff,
  renderNoSuccess,
  renderSearch,
  renderStats,
  renderUnknownWords,
  type ScanSummary,
  type SearchView,
  type StatsView,
} from "./ask.js";
export type { Block, Button, Message, ModalView } from "./blocks.js";
export { LIMITS } from "./blocks.js";
export { escapeMrkdwn, mrkdwn, plain, userMention } from "./escape.js";
export { actionsFor, renderHistory, renderUnfurl } from "./history.js";
export { type Catalogue, messages } from "./i18n.js";
export { newestFirst, renderHistoryList } from "./list.js";
export {
  renderAccessDenied,
  renderAmbiguousProject,
  renderError,
  renderExternalChannelNote,
  renderHelp,
  renderProjectList,
  renderProjectNotFound,
  renderUsageError,
  type UsageErrorReason,
} from "./messages.js";
export { pageCount, renderTargetsModal, TARGETS_PER_PAGE } from "./modal.js";
export type { LiveNote, RenderOptions } from "./options.js";
export { historyStatus, type StatusInfo, stepStatus, targetStatus } from "./status.js";
export {
  type HomeEntry,
  type HomeView,
  renderAppHome,
  renderNotSubscribed,
  renderSkipped,
  renderSubscribed,
  renderSubscriptionList,
  renderSubscriptionRefusal,
  renderUnsubscribed,
  type SubscriptionRefusal,
  withPostedLate,
} from "./subscriptions.js";
export { computeTimeline, type Timeline, type TimelineEntry, type TimelineStep, timelineText } from "./timeline.js";

export type { LiveNote, RenderOptions } from "./options.js";
export type { Block, Button, Message, ModalView } from "./blocks.js";
export { LIMITS } from "./blocks.js";
export {
  ACTION_DETAILS_PATTERN,
  ACTION_IDS,
  ACTION_DETAILS_PREFIX,
  ACTION_OPEN_CONSOLE,
  ACTION_PROJECT_HISTORIES_PATTERN,
  ACTION_PROJECT_HISTORIES_PREFIX,
  ACTION_REFRESH,
  ACTION_SHARE,
  ACTION_SHOW_TARGETS,
  ACTION_TARGETS_NEXT,
  ACTION_TARGETS_PREVIOUS,
  TARGETS_MODAL_CALLBACK_ID,
  consoleUrl,
  decodeHistoryRef,
  decodeProjectRef,
  decodeTargetsPageRef,
  encodeHistoryRef,
  encodeProjectRef,
  encodeTargetsPageRef,
  type HistoryRef,
  type TargetsPageRef,
} from "./actions.js";
export { escapeMrkdwn, mrkdwn, plain } from "./escape.js";
export { messages, type Catalogue } from "./i18n.js";
export { historyStatus, targetStatus, stepStatus, type StatusInfo } from "./status.js";
export { renderHistory, renderUnfurl } from "./history.js";
export { computeTimeline, timelineText, type Timeline, type TimelineEntry, type TimelineStep } from "./timeline.js";
export { renderHistoryList, newestFirst } from "./list.js";
export { renderTargetsModal, pageCount, TARGETS_PER_PAGE } from "./modal.js";
export {
  renderAccessDenied,
  renderAmbiguousProject,
  renderError,
  renderHelp,
  renderProjectList,
  renderProjectNotFound,
  renderUsageError,
  type UsageErrorReason,
} from "./messages.js";

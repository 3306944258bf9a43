/**
 * Interactive elements: action ids (stable; the Slack layer matches on them) and button values.
 *
 * | action id                  | where                         | value                               |
 * |----------------------------|-------------------------------|-------------------------------------|
 * | `history_open_console`     | detail, unfurl (url button)   | `projectId:historyId`               |
 * | `history_refresh`          | detail, while not terminal    | `projectId:historyId`               |
 * | `history_show_targets`     | detail, when targets were cut | `projectId:historyId`               |
 * | `history_share`            | detail, ephemeral replies     | `projectId:historyId`               |
 * | `history_compare`          | detail of a failed deployment | `projectId:historyId`               |
 * | `history_details:<n>`      | history list, n-th entry      | `projectId:historyId`               |
 * | `project_histories:<n>`    | project list, n-th project    | `projectId`                         |
 * | `targets_page_previous`    | all-targets modal             | `projectId:historyId:page` (0-based)|
 * | `targets_page_next`        | all-targets modal             | `projectId:historyId:page` (0-based)|
 * | `history_approve`, `history_reject` | detail, unfurl: awaiting approval | `projectId:historyId`       |
 * | `history_promote`, `history_abort`  | detail, unfurl: canary awaiting a decision | `projectId:historyId` |
 * | `history_cancel`           | detail, unfurl: running       | `projectId:historyId`               |
 * | `subscription_remove:<n>`  | subscription list, n-th entry | `projectId` (the channel is the clicker's) |
 *
 * Ids inside values are `encodeURIComponent`-encoded, so a `:` in an id cannot split a value; use
 * the decode functions below. A value longer than Slack's 2000 characters is never produced: the
 * button is left out instead.
 */
import type { HistoryAction } from "../sourcedeploy/model.js";

export const ACTION_OPEN_CONSOLE = "history_open_console";
export const ACTION_REFRESH = "history_refresh";
export const ACTION_SHOW_TARGETS = "history_show_targets";
export const ACTION_SHARE = "history_share";
export const ACTION_COMPARE = "history_compare";
export const ACTION_DETAILS_PREFIX = "history_details:";
export const ACTION_DETAILS_PATTERN = /^history_details:\d+$/;
export const ACTION_PROJECT_HISTORIES_PREFIX = "project_histories:";
export const ACTION_PROJECT_HISTORIES_PATTERN = /^project_histories:\d+$/;
export const ACTION_TARGETS_PREVIOUS = "targets_page_previous";
export const ACTION_UNSUBSCRIBE_PREFIX = "subscription_remove:";
export const ACTION_UNSUBSCRIBE_PATTERN = /^subscription_remove:\d+$/;
export const ACTION_TARGETS_NEXT = "targets_page_next";

/** A write button's action id per action; each has a Slack confirm dialog and is checked on click. */
export const ACTION_WRITE: Readonly<Record<HistoryAction, string>> = {
  approve: "history_approve",
  reject: "history_reject",
  promote: "history_promote",
  abort: "history_abort",
  cancel: "history_cancel",
};
export const ACTION_WRITE_PATTERN = /^history_(approve|reject|promote|abort|cancel)$/;

/** The action a write button's action id names, or undefined. */
export function writeActionOf(actionId: string): HistoryAction | undefined {
  const match = ACTION_WRITE_PATTERN.exec(actionId);
  return match === null ? undefined : (match[1] as HistoryAction);
}

/**
 * All of the above for the Slack layer. `details` and `projectHistories` are patterns: each entry of
 * a list has its own action id (Slack wants them unique in a message), so listen with the RegExp.
 */
export const ACTION_IDS = {
  openConsole: ACTION_OPEN_CONSOLE,
  refresh: ACTION_REFRESH,
  showTargets: ACTION_SHOW_TARGETS,
  share: ACTION_SHARE,
  compare: ACTION_COMPARE,
  details: ACTION_DETAILS_PATTERN,
  projectHistories: ACTION_PROJECT_HISTORIES_PATTERN,
  targetsPrevious: ACTION_TARGETS_PREVIOUS,
  targetsNext: ACTION_TARGETS_NEXT,
  unsubscribe: ACTION_UNSUBSCRIBE_PATTERN,
  write: ACTION_WRITE_PATTERN,
} as const;

/** `callback_id` of the all-targets modal. */
export const TARGETS_MODAL_CALLBACK_ID = "history_targets";

export const MAX_BUTTON_VALUE = 2000;

export interface HistoryRef {
  projectId: string;
  historyId: string;
}

export interface TargetsPageRef extends HistoryRef {
  page: number;
}

function fits(value: string): string | undefined {
  return value.length > 0 && value.length <= MAX_BUTTON_VALUE ? value : undefined;
}

function decodePart(part: string | undefined): string | undefined {
  if (part === undefined || part === "") return undefined;
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** `41027:903344`, or undefined when it would not fit in a button. */
export function encodeHistoryRef(ref: HistoryRef): string | undefined {
  return fits(`${encodeURIComponent(ref.projectId)}:${encodeURIComponent(ref.historyId)}`);
}

export function decodeHistoryRef(value: string): HistoryRef | undefined {
  const parts = value.split(":");
  if (parts.length !== 2) return undefined;
  const projectId = decodePart(parts[0]);
  const historyId = decodePart(parts[1]);
  return projectId === undefined || historyId === undefined ? undefined : { projectId, historyId };
}

export function encodeProjectRef(projectId: string): string | undefined {
  return fits(encodeURIComponent(projectId));
}

export function decodeProjectRef(value: string): string | undefined {
  return value.includes(":") ? undefined : decodePart(value);
}

export function encodeTargetsPageRef(ref: TargetsPageRef): string | undefined {
  const history = encodeHistoryRef(ref);
  return history === undefined ? undefined : fits(`${history}:${ref.page}`);
}

export function decodeTargetsPageRef(value: string): TargetsPageRef | undefined {
  const match = /^(.*):(\d{1,9})$/.exec(value);
  const history = match === null ? undefined : decodeHistoryRef(match[1] ?? "");
  return history === undefined ? undefined : { ...history, page: Number(match?.[2]) };
}

/** Fills `{projectId}` / `{historyId}` in the console template; undefined if the result is no http(s) URL. */
export function consoleUrl(template: string, ref: HistoryRef): string | undefined {
  const url = template
    .replaceAll("{projectId}", encodeURIComponent(ref.projectId))
    .replaceAll("{historyId}", encodeURIComponent(ref.historyId));
  if (url.length > 3000 || !URL.canParse(url)) return undefined;
  return /^https?:$/.test(new URL(url).protocol) ? url : undefined;
}

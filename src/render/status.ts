/**
 * Status vocabulary: an emoji, a label per locale, whether the status is final, and a sort rank
 * (0 failed / errored, 1 running, 2 waiting, 3 done). Unknown values keep their raw text with a
 * neutral emoji; labels are raw text, so callers escape them like any other API string.
 */
import type { Locale } from "../config.js";
import {
  isTerminalHistoryStatus,
  type KnownHistoryStatus,
  type KnownStepStatus,
  type KnownTargetStatus,
  type Step,
} from "../sourcedeploy/model.js";
import { type Catalogue, messages, type SettledStatus } from "./i18n.js";

export const RANK = { problem: 0, running: 1, waiting: 2, done: 3 } as const;
export type Rank = (typeof RANK)[keyof typeof RANK];

export const NEUTRAL_EMOJI = "❔";

export interface StatusInfo {
  /** The status as given ("" stays ""). */
  status: string;
  known: boolean;
  emoji: string;
  label: Record<Locale, string>;
  terminal: boolean;
  rank: Rank;
}

interface Known {
  emoji: string;
  terminal: boolean;
  rank: Rank;
}

const HISTORY: Record<KnownHistoryStatus, Known> = {
  fail: { emoji: "❌", terminal: true, rank: RANK.problem },
  error: { emoji: "💥", terminal: true, rank: RANK.problem },
  canary_waiting_timeout: { emoji: "⌛", terminal: true, rank: RANK.problem },
  inprogress: { emoji: "🔄", terminal: false, rank: RANK.running },
  canceling: { emoji: "🛑", terminal: false, rank: RANK.running },
  canary_analyzing: { emoji: "🔬", terminal: false, rank: RANK.running },
  canary_rejecting: { emoji: "↩️", terminal: false, rank: RANK.running },
  pending: { emoji: "✋", terminal: false, rank: RANK.waiting },
  canary_pending: { emoji: "🙋", terminal: false, rank: RANK.waiting },
  waiting: { emoji: "⏳", terminal: false, rank: RANK.waiting },
  success: { emoji: "✅", terminal: true, rank: RANK.done },
  reject: { emoji: "🚫", terminal: true, rank: RANK.done },
  canceled: { emoji: "⏹️", terminal: true, rank: RANK.done },
  canary_reject: { emoji: "🚫", terminal: true, rank: RANK.done },
};

/** Not 🔄 (running) and not ⏹️ (canceled): something was left unfinished when the deployment ended. */
const STOPPED: Known = { emoji: "⚠️", terminal: true, rank: RANK.problem };

const TARGET: Record<KnownTargetStatus | SettledStatus, Known> = {
  fail: { emoji: "❌", terminal: true, rank: RANK.problem },
  pre: { emoji: "🔄", terminal: false, rank: RANK.running },
  deploy: { emoji: "🔄", terminal: false, rank: RANK.running },
  post: { emoji: "🔄", terminal: false, rank: RANK.running },
  standby: { emoji: "🔗", terminal: false, rank: RANK.waiting },
  pending: { emoji: "⏳", terminal: false, rank: RANK.waiting },
  success: { emoji: "✅", terminal: true, rank: RANK.done },
  "no progress": { emoji: "⚪", terminal: true, rank: RANK.done },
  stopped: STOPPED,
};

const STEP: Record<KnownStepStatus | "not_run" | "unreported" | SettledStatus, Known> = {
  fail: { emoji: "❌", terminal: true, rank: RANK.problem },
  inprogress: { emoji: "🔄", terminal: false, rank: RANK.running },
  success: { emoji: "✅", terminal: true, rank: RANK.done },
  not_run: { emoji: "⚪", terminal: false, rank: RANK.waiting },
  unreported: { emoji: "▫️", terminal: false, rank: RANK.waiting },
  stopped: STOPPED,
};

function labels(pick: (c: Catalogue) => string): Record<Locale, string> {
  return { ko: pick(messages("ko")), en: pick(messages("en")) };
}

function unknown(status: string, terminal: boolean): StatusInfo {
  return {
    status,
    known: false,
    emoji: NEUTRAL_EMOJI,
    label: status === "" ? labels((c) => c.emptyStatus) : { ko: status, en: status },
    terminal,
    rank: RANK.waiting,
  };
}

function table<K extends string>(entries: Record<K, Known>, label: (c: Catalogue, key: K) => string): ReadonlyMap<string, StatusInfo> {
  return new Map(
    (Object.entries(entries) as Array<[K, Known]>).map(([key, known]) => [
      key,
      { status: key, known: true, ...known, label: labels((c) => label(c, key)) },
    ]),
  );
}

const HISTORY_INFO = table(HISTORY, (c, key) => c.historyStatus[key]);
const TARGET_INFO = table(TARGET, (c, key) => c.targetStatus[key]);
const STEP_INFO = table(STEP, (c, key) => c.stepStatus[key]);

export function historyStatus(status: string): StatusInfo {
  return HISTORY_INFO.get(status) ?? unknown(status, isTerminalHistoryStatus(status));
}

export function targetStatus(status: string): StatusInfo {
  return TARGET_INFO.get(status) ?? unknown(status, false);
}

/** `undefined` step: the API did not report it, so it never ran. */
export function stepStatus(step: Step | undefined): StatusInfo {
  const key = step === undefined ? "not_run" : (step.status ?? "unreported");
  return STEP_INFO.get(key) ?? unknown(key, false);
}

/** Whether a target has finished (it counts towards the progress bar). */
export function isTargetDone(status: string): boolean {
  return targetStatus(status).terminal;
}

/** Which deployments a search keeps: status words as groups of SourceDeploy statuses, stage names, a window. Pure. */
import type { StatusGroup } from "../command.js";
import type { HistorySummary, KnownHistoryStatus } from "../sourcedeploy/model.js";
import { inWindow, type Window } from "./range.js";

/**
 * What each status word means, in SourceDeploy's statuses. Every known status is in exactly one
 * group (test/ask/filter.test.ts checks it): an approval rejected counts as canceled.
 */
export const STATUS_GROUP_MEMBERS: Record<StatusGroup, readonly KnownHistoryStatus[]> = {
  failed: ["fail", "error", "canary_waiting_timeout"],
  running: ["inprogress", "canceling", "canary_analyzing", "canary_rejecting"],
  succeeded: ["success"],
  canceled: ["canceled", "canary_reject", "reject"],
  waiting: ["pending", "waiting", "canary_pending"],
};

export interface Criteria {
  statuses: readonly StatusGroup[];
  /** Stage names, compared without case; empty = every stage. */
  stages: readonly string[];
  window: Window;
}

export function matcher(criteria: Criteria): (entry: HistorySummary) => boolean {
  const statuses = new Set<string>(criteria.statuses.flatMap((group) => STATUS_GROUP_MEMBERS[group]));
  const stages = new Set(criteria.stages.map((s) => s.toLowerCase()));
  return (entry) =>
    (statuses.size === 0 || statuses.has(entry.status)) &&
    (stages.size === 0 || stages.has(entry.stage.name.toLowerCase())) &&
    inWindow(entry.startTime, criteria.window);
}

/** Distinct stage names in a list, in order of first appearance. */
export function stageNames(entries: readonly HistorySummary[]): string[] {
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const key = entry.stage.name.toLowerCase();
    if (entry.stage.name !== "" && !seen.has(key)) seen.set(key, entry.stage.name);
  }
  return [...seen.values()];
}

/** Splits typed stage words into the project's stages (as the project spells them) and unknown words. */
export function knownStages(words: readonly string[], stages: readonly string[]): { stages: string[]; unknown: string[] } {
  const byKey = new Map(stages.map((s) => [s.toLowerCase(), s]));
  const known: string[] = [];
  const unknown: string[] = [];
  for (const word of words) {
    const stage = byKey.get(word.toLowerCase());
    if (stage === undefined) unknown.push(word);
    else if (!known.includes(stage)) known.push(stage);
  }
  return { stages: known, unknown };
}

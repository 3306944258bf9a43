/**
 * Deployment statistics of one period from a history list: counts by status, success rate of the
 * finished ones, median and p90 duration, deployments per day, and the same figures for the period
 * of the same length before it. Pure; days are calendar days in TIME_ZONE.
 */
import { tz } from "@date-fns/tz";
import { addDays } from "date-fns/addDays";
import { startOfDay } from "date-fns/startOfDay";
import { type HistorySummary, isTerminalHistoryStatus } from "../sourcedeploy/model.js";
import { inWindow, type Window } from "./range.js";

export interface PeriodStats {
  window: Required<Window>;
  total: number;
  /** Count per status as sent, most frequent first (ties by status). */
  byStatus: Array<{ status: string; count: number }>;
  /** Terminal ones: succeeded, failed, canceled, rejected… */
  finished: number;
  succeeded: number;
  /** `succeeded / finished`, undefined when nothing finished. */
  successRate?: number;
  /** Durations of finished deployments whose list entry has both times. */
  durations: number;
  medianMs?: number;
  p90Ms?: number;
}

export interface Stats {
  days: number;
  current: PeriodStats;
  previous: PeriodStats;
  /** Deployments per calendar day of the current period, oldest first (`days` entries). */
  perDay: number[];
}

/** The current period: `days` calendar days ending now (today included); the previous one just before it. */
export function statsWindows(days: number, now: Date, timeZone: string): { current: Required<Window>; previous: Required<Window> } {
  const today = startOfDay(now, { in: tz(timeZone) });
  const since = new Date(addDays(today, -(days - 1)).getTime());
  const previousSince = new Date(addDays(today, -(2 * days - 1)).getTime());
  return { current: { since, until: new Date(now.getTime() + 1) }, previous: { since: previousSince, until: since } };
}

export function computeStats(entries: readonly HistorySummary[], days: number, now: Date, timeZone: string): Stats {
  const windows = statsWindows(days, now, timeZone);
  const current = period(entries, windows.current);
  const perDay: number[] = [];
  const today = startOfDay(now, { in: tz(timeZone) });
  for (let i = days - 1; i >= 0; i--) {
    const since = new Date(addDays(today, -i).getTime());
    const until = new Date(addDays(today, -i + 1).getTime());
    perDay.push(entries.filter((e) => inWindow(e.startTime, { since, until })).length);
  }
  return { days, current, previous: period(entries, windows.previous), perDay };
}

function period(all: readonly HistorySummary[], window: Required<Window>): PeriodStats {
  const entries = all.filter((e) => inWindow(e.startTime, window));
  const counts = new Map<string, number>();
  for (const e of entries) counts.set(e.status, (counts.get(e.status) ?? 0) + 1);
  const byStatus = [...counts].map(([status, count]) => ({ status, count }));
  byStatus.sort((a, b) => b.count - a.count || (a.status < b.status ? -1 : 1));
  const finished = entries.filter((e) => isTerminalHistoryStatus(e.status));
  const succeeded = finished.filter((e) => e.status === "success").length;
  const durations = finished
    .map((e) => (e.startTime && e.endTime ? e.endTime.getTime() - e.startTime.getTime() : Number.NaN))
    .filter((ms) => Number.isFinite(ms) && ms >= 0)
    .sort((a, b) => a - b);
  return {
    window,
    total: entries.length,
    byStatus,
    finished: finished.length,
    succeeded,
    ...(finished.length > 0 && { successRate: succeeded / finished.length }),
    durations: durations.length,
    ...(durations.length > 0 && { medianMs: percentile(durations, 50), p90Ms: percentile(durations, 90) }),
  };
}

/** Nearest-rank percentile of an ascending list: the smallest value with at least p% of the values at or below it. */
export function percentile(sorted: readonly number[], p: number): number {
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? Number.NaN;
}

const BARS = "▁▂▃▄▅▆▇█";

/** One bar per value, scaled to the largest: 0 is the lowest bar, the largest the full one. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (max === 0 || v <= 0 ? BARS[0] : BARS[Math.max(1, Math.round((v / max) * (BARS.length - 1)))])).join("");
}

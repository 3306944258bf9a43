/** Time ranges of the grammar as instants: days start at midnight in TIME_ZONE, weeks on Monday. Pure. */
import { TZDate, tz } from "@date-fns/tz";
import { addDays } from "date-fns/addDays";
import { startOfDay } from "date-fns/startOfDay";
import { startOfISOWeek } from "date-fns/startOfISOWeek";
import { subDays } from "date-fns/subDays";
import { dateOf, type TimeRange } from "../command.js";

/** `since` inclusive, `until` exclusive; an absent end is open. */
export interface Window {
  since?: Date;
  until?: Date;
}

const HOUR_MS = 3_600_000;

export function startOfDayIn(date: Date, timeZone: string): Date {
  return new Date(startOfDay(date, { in: tz(timeZone) }).getTime());
}

/** Midnight starting `date` (YYYY-MM-DD) in `timeZone`. */
function dayStart(date: string, timeZone: string): Date | undefined {
  const parts = dateOf(date);
  return parts === undefined ? undefined : new Date(new TZDate(parts.year, parts.month - 1, parts.day, timeZone).getTime());
}

/** `days` calendar days ending today: `7d` on a Wednesday starts on the Thursday before, at midnight. */
export function lastDays(days: number, now: Date, timeZone: string): Window {
  return { since: new Date(subDays(startOfDay(now, { in: tz(timeZone) }), days - 1).getTime()) };
}

export function resolveRange(range: TimeRange | undefined, now: Date, timeZone: string): Window {
  if (range === undefined) return {};
  const zone = { in: tz(timeZone) };
  switch (range.kind) {
    case "today":
      return { since: startOfDayIn(now, timeZone) };
    case "yesterday": {
      const today = startOfDay(now, zone);
      return { since: new Date(subDays(today, 1).getTime()), until: new Date(today.getTime()) };
    }
    case "this_week":
      return { since: new Date(startOfISOWeek(now, zone).getTime()) };
    case "hours":
      return { since: new Date(now.getTime() - range.hours * HOUR_MS) };
    case "days":
      return lastDays(range.days, now, timeZone);
    case "since":
      return { since: dayStart(range.date, timeZone) ?? new Date(now.getTime()) };
    case "on": {
      const start = dayStart(range.date, timeZone) ?? new Date(now.getTime());
      return { since: start, until: new Date(addDays(new TZDate(start.getTime(), timeZone), 1).getTime()) };
    }
  }
}

export function inWindow(date: Date | undefined, window: Window): boolean {
  if (window.since === undefined && window.until === undefined) return true;
  if (date === undefined || !Number.isFinite(date.getTime())) return false;
  return (window.since === undefined || date >= window.since) && (window.until === undefined || date < window.until);
}

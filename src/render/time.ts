/**
 * Times as Slack date tokens (each viewer sees their own zone) with a fallback in the configured
 * zone, and short localized durations ("2m 3s" / "2분 3초").
 */

import { tz, tzOffset } from "@date-fns/tz";
import { differenceInSeconds } from "date-fns/differenceInSeconds";
import { format } from "date-fns/format";
import { LRUCache } from "lru-cache";
import type { Catalogue } from "./i18n.js";

export function isValidDate(date: Date | undefined): date is Date {
  return date !== undefined && Number.isFinite(date.getTime());
}

/**
 * A message has a dozen dates that repeat each time the same deployment is rendered again
 * (Refresh, live updates), so results are memoized.
 */
const formatted = new LRUCache<string, string>({ max: 20_000 });

type Pattern = "yyyy-MM-dd HH:mm zzz" | "HH:mm:ss";

function formatIn(date: Date, pattern: Pattern, timeZone: string): string {
  const key = `${date.getTime()}|${pattern}|${timeZone}`;
  let text = formatted.get(key);
  if (text === undefined) {
    text = formatUncached(date, pattern, timeZone);
    formatted.set(key, text);
  }
  return text;
}

function formatUncached(date: Date, pattern: Pattern, timeZone: string): string {
  return formatFromOffset(date, pattern, timeZone) ?? formatWithDateFns(date, pattern, timeZone);
}

const pad = (value: number, width = 2): string => String(value).padStart(width, "0");

/**
 * The two patterns written out from the zone's UTC offset: ~2 µs against ~10–14 µs for date-fns'
 * `format` with a zone, which matters for a stream of new deployments (each date new to the memo).
 * Same output as date-fns (test/render/time.test.ts); undefined where it might not be (an offset
 * that is not whole minutes, a zone tzOffset cannot read, a date at the edge of the Date range).
 */
function formatFromOffset(date: Date, pattern: Pattern, timeZone: string): string | undefined {
  const offset = tzOffset(timeZone, date);
  if (!Number.isInteger(offset)) return undefined;
  const local = new Date(date.getTime() + offset * 60_000);
  if (!isValidDate(local)) return undefined;
  const time = `${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}`;
  if (pattern === "HH:mm:ss") return `${time}:${pad(local.getUTCSeconds())}`;
  return `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())} ${time} ${gmtOffset(offset)}`;
}

/** date-fns' `zzz`: `GMT+9`, `GMT-3:30`, `GMT+0`. */
function gmtOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  const rest = abs % 60;
  return `GMT${minutes < 0 ? "-" : "+"}${Math.trunc(abs / 60)}${rest === 0 ? "" : `:${pad(rest)}`}`;
}

function formatWithDateFns(date: Date, pattern: Pattern, timeZone: string): string {
  try {
    return format(date, pattern, { in: tz(timeZone) });
  } catch {
    return format(date, pattern, { in: tz("UTC") });
  }
}

function unix(date: Date): number {
  return Math.floor(date.getTime() / 1000);
}

/** `<!date^…^{date_short_pretty} {time}|2026-03-04 14:06 GMT+9>`; mrkdwn only. */
export function dateToken(date: Date, timeZone: string): string {
  return `<!date^${unix(date)}^{date_short_pretty} {time}|${formatIn(date, "yyyy-MM-dd HH:mm zzz", timeZone)}>`;
}

/**
 * `<!date^…^{ago}|2026-03-04 14:06 GMT+9>`: Slack shows "3 minutes ago" in each viewer's client.
 * The fallback is the moment itself, not a duration from "now", so the text never changes.
 */
export function agoToken(date: Date, timeZone: string): string {
  return `<!date^${unix(date)}^{ago}|${formatIn(date, "yyyy-MM-dd HH:mm zzz", timeZone)}>`;
}

/** A time of day with seconds, for steps: `<!date^…^{time_secs}|14:06:09>`. */
export function timeToken(date: Date, timeZone: string): string {
  return `<!date^${unix(date)}^{time_secs}|${formatIn(date, "HH:mm:ss", timeZone)}>`;
}

/** "1h 5m", "2분 3초": the two largest units (see `formatSeconds`). Negative spans count as 0. */
export function formatDuration(start: Date, end: Date, catalogue: Catalogue): string {
  return formatSeconds(differenceInSeconds(end, start), catalogue);
}

/**
 * Whole seconds as at most two adjacent units, rounded down: "11일 20시간", "1h 5m", "2m 3s", "1h"
 * (a zero second unit is left out); 0 is "0s". Negative or not finite counts as 0.
 */
export function formatSeconds(seconds: number, catalogue: Catalogue): string {
  const total = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const u = catalogue.durationUnits;
  const units = [
    [86_400, u.d],
    [3_600, u.h],
    [60, u.m],
    [1, u.s],
  ] as const;
  const first = units.findIndex(([size]) => total >= size);
  if (first === -1) return `0${u.s}`;
  const [size, unit] = units[first] ?? units[3];
  const parts = [`${Math.floor(total / size)}${unit}`];
  const next = units[first + 1];
  const rest = next === undefined ? 0 : Math.floor((total % size) / next[0]);
  if (next !== undefined && rest > 0) parts.push(`${rest}${next[1]}`);
  return parts.join(catalogue.durationSeparator);
}

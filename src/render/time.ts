/**
 * Times as Slack date tokens (each viewer sees their own zone) with a fallback in the configured
 * zone, and short localized durations ("2m 3s" / "2분 3초").
 */

import { tz } from "@date-fns/tz";
import { differenceInSeconds } from "date-fns/differenceInSeconds";
import { format } from "date-fns/format";
import { LRUCache } from "lru-cache";
import type { Catalogue } from "./i18n.js";

export function isValidDate(date: Date | undefined): date is Date {
  return date !== undefined && Number.isFinite(date.getTime());
}

/**
 * Zone-aware formatting costs ~10 µs a call and a message has a dozen dates that repeat each time
 * the same deployment is rendered again (Refresh, live updates), so results are memoized.
 */
const formatted = new LRUCache<string, string>({ max: 20_000 });

function formatIn(date: Date, pattern: string, timeZone: string): string {
  const key = `${date.getTime()}|${pattern}|${timeZone}`;
  let text = formatted.get(key);
  if (text === undefined) {
    text = formatUncached(date, pattern, timeZone);
    formatted.set(key, text);
  }
  return text;
}

function formatUncached(date: Date, pattern: string, timeZone: string): string {
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

/** "1h 5s", "2분 3초"; zero units are left out, a zero duration is "0s". Negative spans count as 0. */
export function formatDuration(start: Date, end: Date, catalogue: Catalogue): string {
  return formatSeconds(differenceInSeconds(end, start), catalogue);
}

/** Whole seconds as "1h 5s" / "1시간 5초"; negative or not finite counts as 0. */
export function formatSeconds(seconds: number, catalogue: Catalogue): string {
  let rest = Number.isFinite(seconds) ? Math.max(0, Math.floor(seconds)) : 0;
  const u = catalogue.durationUnits;
  const parts: string[] = [];
  for (const [size, unit] of [
    [86_400, u.d],
    [3_600, u.h],
    [60, u.m],
    [1, u.s],
  ] as const) {
    const amount = Math.floor(rest / size);
    rest -= amount * size;
    if (amount > 0) parts.push(`${amount}${unit}`);
  }
  return parts.length === 0 ? `0${u.s}` : parts.join(catalogue.durationSeparator);
}

/**
 * How long each server target spent in each step of a finished deployment, slowest target first.
 * The API reports only when each step started, so durations are derived from start times: every
 * one is an estimate, shown with "≈". The message shows the timeline only when it says something:
 * some targets took markedly longer than the typical one.
 */
import { type History, type ServerTarget, STEP_NAMES, type StepName } from "../sourcedeploy/model.js";
import { isBlank, mrkdwn } from "./escape.js";
import type { Catalogue } from "./i18n.js";
import { formatSeconds, isValidDate } from "./time.js";

/** At most this many slow targets are listed. */
export const TIMELINE_LINES = 5;
/** A target is slow when it took at least this many times the median… */
export const SLOW_FACTOR = 1.5;
/** …and at least this many targets have a known total. */
export const SLOW_MIN_TARGETS = 3;
const NAME_MAX = 60;

export interface TimelineStep {
  name: StepName;
  /** Whole seconds; undefined when the step's end is unknown. */
  seconds?: number;
}

export interface TimelineEntry {
  target: ServerTarget;
  /** Steps that reported a start time, in step order. */
  steps: TimelineStep[];
  /** Sum of the known step durations; undefined when none is known. */
  totalSeconds?: number;
}

export interface Timeline {
  /** Targets with at least one step time, slowest first (unknown totals last, ties in original order). */
  entries: TimelineEntry[];
  /** Whether the first entry is markedly slower than the median target. */
  slowest: boolean;
  /** How many of the first entries are markedly slow (0 unless `slowest`). */
  slowCount: number;
  /** Median of the known totals, when there are enough of them to compare. */
  medianSeconds?: number;
}

interface Start {
  ms: number;
  owner: number;
}

function timedSteps(target: ServerTarget): Array<{ name: StepName; ms: number }> {
  return STEP_NAMES.flatMap((name) => {
    const time = target.steps[name]?.time;
    return isValidDate(time) ? [{ name, ms: time.getTime() }] : [];
  });
}

/** Index of the first start strictly later than `ms` (starts sorted by time). */
function firstLater(starts: readonly Start[], ms: number): number {
  let low = 0;
  let high = starts.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((starts[mid]?.ms ?? Infinity) > ms) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * Where the last reported step of target `owner` ends. This is an estimate: the API has no end
 * times, so we take the earliest step start of any other target after it (targets deployed one
 * after another), or else the history's end.
 */
function lastStepEnd(starts: readonly Start[], owner: number, ms: number, historyEnd: number | undefined): number | undefined {
  for (let i = firstLater(starts, ms); i < starts.length; i++) {
    const start = starts[i];
    if (start !== undefined && start.owner !== owner) return start.ms;
  }
  return historyEnd !== undefined && historyEnd >= ms ? historyEnd : undefined;
}

function seconds(from: number, to: number | undefined): number | undefined {
  return to === undefined || to < from ? undefined : Math.round((to - from) / 1000);
}

function entryOf(target: ServerTarget, owner: number, starts: readonly Start[], historyEnd: number | undefined): TimelineEntry {
  const timed = timedSteps(target);
  const steps = timed.map((step, i): TimelineStep => {
    const next = timed[i + 1];
    const end = next === undefined ? lastStepEnd(starts, owner, step.ms, historyEnd) : next.ms;
    const duration = seconds(step.ms, end);
    return duration === undefined ? { name: step.name } : { name: step.name, seconds: duration };
  });
  const known = steps.flatMap((s) => (s.seconds === undefined ? [] : [s.seconds]));
  const total = known.length === 0 ? undefined : known.reduce((a, b) => a + b, 0);
  return total === undefined ? { target, steps } : { target, steps, totalSeconds: total };
}

function median(sorted: readonly number[]): number {
  const mid = Math.floor(sorted.length / 2);
  const at = (i: number) => sorted[i] ?? 0;
  return sorted.length % 2 === 1 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
}

function slowness(entries: readonly TimelineEntry[]): Pick<Timeline, "slowest" | "slowCount" | "medianSeconds"> {
  const totals = entries.flatMap((e) => (e.totalSeconds === undefined ? [] : [e.totalSeconds])).sort((a, b) => a - b);
  if (totals.length < SLOW_MIN_TARGETS) return { slowest: false, slowCount: 0 };
  const middle = median(totals);
  const isSlow = (total: number | undefined) => total !== undefined && total > 0 && total >= SLOW_FACTOR * middle;
  let slowCount = 0;
  while (slowCount < entries.length && isSlow(entries[slowCount]?.totalSeconds)) slowCount += 1;
  return { slowest: slowCount > 0, slowCount, medianSeconds: middle };
}

/** The timeline of a history's server targets (any status; the caller decides when to show it). */
export function computeTimeline(history: History): Timeline {
  if (history.targetShape !== "servers") return { entries: [], slowest: false, slowCount: 0 };
  const starts: Start[] = history.targets
    .flatMap((target, owner) => timedSteps(target).map(({ ms }) => ({ ms, owner })))
    .sort((a, b) => a.ms - b.ms);
  const historyEnd = isValidDate(history.endTime) ? history.endTime.getTime() : undefined;
  const entries = history.targets
    .flatMap((target, owner) => (timedSteps(target).length === 0 ? [] : [entryOf(target, owner, starts, historyEnd)]))
    .sort((a, b) => (b.totalSeconds ?? -1) - (a.totalSeconds ?? -1));
  return { entries, ...slowness(entries) };
}

function estimate(seconds: number, c: Catalogue): string {
  return c.timeline.estimate(formatSeconds(seconds, c));
}

function entryLine(entry: TimelineEntry, c: Catalogue): string {
  const name = isBlank(entry.target.name) ? c.unnamed : mrkdwn(entry.target.name, NAME_MAX);
  const total = entry.totalSeconds === undefined ? undefined : estimate(entry.totalSeconds, c);
  const steps = entry.steps.map((s) =>
    c.timeline.step(c.stepName.servers[s.name], s.seconds === undefined ? undefined : estimate(s.seconds, c)),
  );
  return c.timeline.line(`${c.timeline.slowMark} ${name}`, total, steps);
}

/**
 * "*Slowest targets (≈ estimated …)*", one line per markedly slow target (at most
 * `TIMELINE_LINES`), then how long the others typically took; undefined when no target stands out.
 */
export function timelineText(timeline: Timeline, c: Catalogue): string | undefined {
  if (!timeline.slowest || timeline.medianSeconds === undefined) return undefined;
  const shown = timeline.entries.slice(0, Math.min(timeline.slowCount, TIMELINE_LINES));
  const lines = shown.map((entry) => entryLine(entry, c));
  const others = timeline.entries.length - timeline.slowCount;
  if (others > 0) lines.push(c.timeline.typical(others, estimate(timeline.medianSeconds, c)));
  return `*${c.timeline.heading}*\n${lines.join("\n")}`;
}

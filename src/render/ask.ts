/**
 * Answers to questions in plain words: a filtered list (with what was searched and how far back
 * the list was read), stats, what changed between two deployments, and unknown words. Pure.
 */
import { tz } from "@date-fns/tz";
import { format } from "date-fns/format";
import type { HistoryDiff } from "../ask/diff.js";
import type { ScanEnd } from "../ask/scan.js";
import type { Stats } from "../ask/stats.js";
import { sparkline } from "../ask/stats.js";
import type { Filter, TimeRange } from "../command.js";
import { type HistorySummary, knownStrategy, type Project } from "../sourcedeploy/model.js";
import { ACTION_DETAILS_PREFIX, encodeHistoryRef } from "./actions.js";
import { type Block, button, context, header, LIMITS, type Message, section, totalTextLength } from "./blocks.js";
import { clampMrkdwn, isBlank, mrkdwn, plain } from "./escape.js";
import { withDemo } from "./history.js";
import { type Catalogue, messages } from "./i18n.js";
import { entryBlock } from "./list.js";
import type { RenderOptions } from "./options.js";
import { historyStatus } from "./status.js";
import { dateToken, formatSeconds } from "./time.js";

export interface ScanSummary {
  pages: number;
  entries: number;
  oldest?: Date;
  end: ScanEnd;
}

export interface SearchView {
  project: Project;
  filter: Filter;
  /** Newest first, at most the count asked for. */
  matches: readonly HistorySummary[];
  scan: ScanSummary;
}

/** Blocks a message may still take after the fixed ones: Slack allows 50. */
const MAX_BLOCKS = 50;
const FOOTER_RESERVE = 600;

function nameOf(project: Project): string {
  return isBlank(project.name) ? project.id : project.name;
}

function rangeText(range: TimeRange, c: Catalogue): string {
  switch (range.kind) {
    case "today":
      return c.ask.range.today;
    case "yesterday":
      return c.ask.range.yesterday;
    case "this_week":
      return c.ask.range.thisWeek;
    case "hours":
      return c.ask.range.hours(range.hours);
    case "days":
      return c.ask.range.days(range.days);
    case "since":
      return c.ask.range.since(range.date);
    case "on":
      return c.ask.range.on(range.date);
  }
}

/** "shop-api · failed · stage prod-web · last 7 days · the 10 newest". */
export function searchedText(project: Project, filter: Filter, count: number, c: Catalogue): string {
  const parts = [`*${mrkdwn(nameOf(project), 100)}*`];
  if (filter.statuses.length > 0) parts.push(filter.statuses.map((s) => c.ask.statusWord[s]).join(", "));
  if (filter.stages.length > 0) parts.push(c.ask.stages(filter.stages.map((s) => mrkdwn(s, 80)).join(", ")));
  if (filter.range) parts.push(rangeText(filter.range, c));
  parts.push(c.ask.count(count));
  return c.ask.searched(parts.join(" · "));
}

/** How far back the list was read, and a warning when reading stopped before the question was answered. */
function readLines(scan: ScanSummary, options: RenderOptions, c: Catalogue): string[] {
  const oldest = scan.oldest === undefined ? undefined : dateToken(scan.oldest, options.timeZone);
  const lines = [c.ask.read(scan.pages, scan.entries, oldest)];
  if (scan.end === "cap") lines.push(c.ask.stoppedAtCap(scan.pages));
  if (scan.end === "limited") lines.push(c.ask.stoppedLimited);
  return lines;
}

export function renderSearch(view: SearchView, count: number, options: RenderOptions): Message {
  const c = messages(options.locale);
  const name = nameOf(view.project);
  const head = header(`🔎 ${c.ask.heading(plain(name, 100))}`);
  const searched = context([searchedText(view.project, view.filter, count, c)]);
  const read = context(readLines(view.scan, options, c));
  const text = clampMrkdwn(c.ask.text(mrkdwn(name, 200), view.matches.length), LIMITS.messageText);
  if (view.matches.length === 0) return { text, blocks: withDemo([head, searched, section(c.ask.none), read], options, c) };
  const fixed = withDemo([head, searched, read], options, c);
  let chars = LIMITS.totalText - totalTextLength(fixed) - FOOTER_RESERVE;
  const room = MAX_BLOCKS - fixed.length - 1;
  const entries: Block[] = [];
  for (const [index, entry] of view.matches.entries()) {
    if (entries.length >= room) break;
    const block = entryBlock(entry, index, view.project, options, c);
    chars -= totalTextLength([block]);
    if (chars < 0) break;
    entries.push(block);
  }
  const rest = view.matches.length - entries.length;
  const footer = rest > 0 ? [context([c.ask.more(rest)])] : [];
  return { text, blocks: withDemo([head, searched, ...entries, ...footer, read], options, c) };
}

/** Words the grammar (or the project's stages) did not know, each with the closest known word when one is close. */
export function renderUnknownWords(words: ReadonlyArray<{ word: string; suggestion?: string }>, options: RenderOptions): Message {
  const c = messages(options.locale);
  const code = (w: string) => `\`${mrkdwn(w, 60)}\``;
  const named = section(c.ask.unknown(words.map((w) => code(w.word)).join(", ")));
  const hints = words.flatMap((w) => (w.suggestion === undefined ? [] : [c.ask.didYouMean(code(w.word), code(w.suggestion))]));
  const blocks: Block[] = [named, ...(hints.length > 0 ? [section(hints.join("\n"))] : []), context([c.ask.knownWords])];
  return { text: c.ask.unknownText, blocks: withDemo(blocks, options, c) };
}

const dayLabel = (date: Date, timeZone: string) => format(date, "MM-dd", { in: tz(timeZone) });

function percent(rate: number): number {
  return Math.round(rate * 100);
}

function signed(value: number): string {
  return value > 0 ? `+${value}` : value < 0 ? `−${-value}` : "±0";
}

export interface StatsView {
  project: Project;
  stages: readonly string[];
  stats: Stats;
  scan: ScanSummary;
  /** The list was read back to the start of the previous period (or to its end). */
  previousComplete: boolean;
}

export function renderStats(view: StatsView, options: RenderOptions): Message {
  const c = messages(options.locale);
  const { stats } = view;
  const { current, previous } = stats;
  const name = nameOf(view.project);
  const head = header(`📊 ${c.stats.heading(plain(name, 100), stats.days)}`);
  const lines: string[] = [c.stats.total(current.total)];
  const byStatus = current.byStatus.map(({ status, count }) => {
    const info = historyStatus(status);
    return c.statusCount(info.emoji, mrkdwn(info.label[options.locale], 40), count);
  });
  if (byStatus.length > 0) lines.push(`*${c.stats.byStatus}* ${byStatus.join(" · ")}`);
  lines.push(
    current.successRate === undefined
      ? c.stats.noneFinished
      : c.stats.successRate(percent(current.successRate), current.succeeded, current.finished),
  );
  lines.push(
    current.medianMs === undefined || current.p90Ms === undefined
      ? c.stats.noDurations
      : c.stats.durations(formatSeconds(current.medianMs / 1000, c), formatSeconds(current.p90Ms / 1000, c), current.durations),
  );
  const lastDay = new Date(Math.max(current.window.since.getTime(), current.window.until.getTime() - 1));
  lines.push(
    c.stats.perDay(sparkline(stats.perDay), dayLabel(current.window.since, options.timeZone), dayLabel(lastDay, options.timeZone)),
  );
  let change = c.stats.change(stats.days, current.total, previous.total, signed(current.total - previous.total));
  if (current.successRate !== undefined && previous.successRate !== undefined) {
    const points = percent(current.successRate) - percent(previous.successRate);
    change += ` · ${c.stats.rateChange(`${percent(current.successRate)}%`, `${percent(previous.successRate)}%`, signed(points))}`;
  }
  lines.push(change);
  const notes = [
    ...(view.stages.length > 0 ? [c.stats.stages(view.stages.map((s) => mrkdwn(s, 80)).join(", "))] : []),
    ...readLines(view.scan, options, c),
    ...(view.previousComplete ? [] : [c.stats.partial]),
  ];
  const blocks = [head, section(lines.join("\n")), context(notes)];
  return {
    text: clampMrkdwn(c.stats.text(mrkdwn(name, 200), stats.days, current.total), LIMITS.messageText),
    blocks: withDemo(blocks, options, c),
  };
}

export interface DiffView {
  projectId: string;
  now: { id: string };
  then: { id: string };
  /** `then` is the last success before `now` in its stage (not one the asker named). */
  lastSuccess: boolean;
  diff: HistoryDiff;
}

const NAMES_MAX = 1500;

function names(list: readonly string[]): string {
  return clampMrkdwn(list.map((n) => mrkdwn(n, 100)).join(", "), NAMES_MAX);
}

export function renderDiff(view: DiffView, options: RenderOptions): Message {
  const c = messages(options.locale);
  const { diff } = view;
  const field = (f: HistoryDiff["same"][number]) => c.field[f];
  const id = mrkdwn(view.now.id, 40);
  const against = mrkdwn(view.then.id, 40);
  // A known strategy reads as the console writes it ("Blue/Green", "블루/그린"), like the detail message.
  const shown = (f: HistoryDiff["same"][number], value: string | undefined) => {
    if (value === undefined) return c.diff.none;
    const strategy = f === "strategy" ? knownStrategy(value) : undefined;
    return strategy === undefined ? mrkdwn(value, 200) : c.strategy[strategy];
  };
  const lines = diff.changed.map((change) =>
    c.diff.change(field(change.field), shown(change.field, change.then), shown(change.field, change.now)),
  );
  if (diff.added.length > 0) lines.push(c.diff.added(names(diff.added)));
  if (diff.removed.length > 0) lines.push(c.diff.removed(names(diff.removed)));
  if (diff.regressed.length > 0) lines.push(c.diff.regressed(names(diff.regressed)));
  const body = lines.length > 0 ? lines.join("\n") : c.diff.nothing;
  const details = (historyId: string, index: number) => {
    const value = encodeHistoryRef({ projectId: view.projectId, historyId });
    return value === undefined
      ? undefined
      : button(`${c.button.details} #${historyId.slice(0, 20)}`, `${ACTION_DETAILS_PREFIX}${index}`, { value });
  };
  const blocks: Block[] = [
    header(`🔀 ${c.diff.heading(plain(view.now.id, 40), plain(view.then.id, 40))}`),
    context([view.lastSuccess ? c.diff.lastSuccess(against) : c.diff.other(against)]),
    section(clampMrkdwn(body, LIMITS.sectionText)),
    ...(diff.same.length > 0 ? [context([c.diff.same(diff.same.map(field).join(", "))])] : []),
  ];
  const buttons = [details(view.now.id, 0), details(view.then.id, 1)].filter((b) => b !== undefined);
  if (buttons.length > 0) blocks.push({ type: "actions", block_id: "diff_actions", elements: buttons });
  return { text: clampMrkdwn(c.diff.text(id, against), LIMITS.messageText), blocks: withDemo(blocks, options, c) };
}

/** A diff that has nothing to compare with: no earlier success in the stage among what was read. */
export function renderNoSuccess(stage: string, scan: ScanSummary, options: RenderOptions): Message {
  const c = messages(options.locale);
  const text = `🔀 ${c.diff.noSuccess(mrkdwn(stage, 80), scan.entries)}`;
  return {
    text: clampMrkdwn(text, LIMITS.messageText),
    blocks: withDemo([section(text), context(readLines(scan, options, c))], options, c),
  };
}

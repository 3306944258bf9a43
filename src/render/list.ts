/** Recent histories of one project, newest first, each with a "Details" button. */
import { compareHistoryIds, type HistorySummary, type Project } from "../sourcedeploy/model.js";
import { ACTION_DETAILS_PREFIX, encodeHistoryRef } from "./actions.js";
import { type Block, button, context, header, LIMITS, type Message, section, totalTextLength } from "./blocks.js";
import { clampMrkdwn, isBlank, mrkdwn, plain } from "./escape.js";
import { withDemo } from "./history.js";
import { type Catalogue, messages } from "./i18n.js";
import type { RenderOptions } from "./options.js";
import { historyStatus } from "./status.js";
import { dateToken, isValidDate } from "./time.js";

/** Entries that get their own section; the rest are counted in a footer. */
export const MAX_LIST_ENTRIES = 40;
const FOOTER_RESERVE = 300;

function time(date: Date | undefined): number {
  return isValidDate(date) ? date.getTime() : Number.NEGATIVE_INFINITY;
}

/** Newest first: by start time, then by id, both descending; entries without a start go last. */
export function newestFirst(list: readonly HistorySummary[]): HistorySummary[] {
  return [...list].sort((a, b) => time(b.startTime) - time(a.startTime) || compareHistoryIds(b.id, a.id));
}

function entryText(entry: HistorySummary, options: RenderOptions, c: Catalogue): string {
  const status = historyStatus(entry.status);
  const where = [entry.stage, entry.scenario].map((r) => (isBlank(r.name) ? c.unnamed : mrkdwn(r.name, 80))).join(" / ");
  const start = isValidDate(entry.startTime) ? dateToken(entry.startTime, options.timeZone) : c.notYet;
  return `${status.emoji} *#${mrkdwn(entry.id, 40)}* ${mrkdwn(status.label[options.locale], 40)} · ${where} · ${start}`;
}

export function entryBlock(entry: HistorySummary, index: number, project: Project, options: RenderOptions, c: Catalogue): Block {
  const value = encodeHistoryRef({ projectId: entry.project.id === "" ? project.id : entry.project.id, historyId: entry.id });
  const details = value === undefined ? undefined : button(c.button.details, `${ACTION_DETAILS_PREFIX}${index}`, { value });
  return section(entryText(entry, options, c), details);
}

export function renderHistoryList(project: Project, list: readonly HistorySummary[], options: RenderOptions): Message {
  const c = messages(options.locale);
  const projectName = isBlank(project.name) ? project.id : project.name;
  const head = header(`🚀 ${c.list.heading(plain(projectName, 100))}`);
  const text = clampMrkdwn(c.list.text(mrkdwn(projectName, 200), list.length), LIMITS.messageText);
  if (list.length === 0) return { text, blocks: withDemo([head, section(c.list.empty(mrkdwn(projectName, 200)))], options, c) };

  const fixed = withDemo([head], options, c);
  let chars = LIMITS.totalText - totalTextLength(fixed) - FOOTER_RESERVE;
  const entries: Block[] = [];
  for (const [index, entry] of newestFirst(list).slice(0, MAX_LIST_ENTRIES).entries()) {
    const block = entryBlock(entry, index, project, options, c);
    chars -= totalTextLength([block]);
    if (chars < 0) break;
    entries.push(block);
  }
  const rest = list.length - entries.length;
  const footer = rest > 0 ? [context([c.list.more(rest)])] : [];
  return { text, blocks: withDemo([head, ...entries, ...footer], options, c) };
}

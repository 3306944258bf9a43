/** The detail message and the compact unfurl of one deployment history. */
import type { History, NamedRef } from "../sourcedeploy/model.js";
import { STEP_NAMES, type StepName } from "../sourcedeploy/model.js";
import { ACTION_OPEN_CONSOLE, ACTION_REFRESH, ACTION_SHARE, ACTION_SHOW_TARGETS, consoleUrl, encodeHistoryRef } from "./actions.js";
import {
  actions,
  type Block,
  type Button,
  button,
  context,
  divider,
  fieldsSection,
  header,
  LIMITS,
  type Message,
  section,
  totalTextLength,
} from "./blocks.js";
import { clampMrkdwn, isBlank, mrkdwn, plain } from "./escape.js";
import type { Catalogue } from "./i18n.js";
import type { LiveNote, RenderOptions } from "./options.js";
import { historyStatus, isTargetDone, RANK, targetStatus } from "./status.js";
import {
  leftOutLine,
  planTargets,
  progressBar,
  renderContext,
  statusCounts,
  stepsLine,
  type TargetContext,
  type TargetPlan,
} from "./targets.js";
import { agoToken, dateToken, formatDuration, isValidDate } from "./time.js";
import { computeTimeline, timelineText } from "./timeline.js";

const NAME_MAX = 150;
const FILE_MAX = 300;
/** Room kept for the "…and N more" line (its emoji groups are bounded). */
const LEFT_OUT_RESERVE = 200;
const UNFURL_FAILING = 5;

export function demoContext(c: Catalogue): Block {
  return context([c.demoNotice]);
}

export function withDemo(blocks: Block[], options: RenderOptions, c: Catalogue): Block[] {
  return options.demo === true ? [...blocks, demoContext(c)] : blocks;
}

/** "Deploy #904611 failed", raw (callers escape or use it as plain text). */
export function titleOf(history: { id: string; status: string }, options: RenderOptions, c: Catalogue): string {
  const status = historyStatus(history.status);
  return `${status.emoji} ${c.title(plain(history.id, 40), plain(status.label[options.locale], 60))}`;
}

function ref(named: NamedRef, c: Catalogue, max = NAME_MAX): string {
  const name = isBlank(named.name) ? c.unnamed : mrkdwn(named.name, max);
  return named.id === "" ? name : `${name} (${mrkdwn(named.id, 40)})`;
}

/** "shop-api › prod-web › web-release-sequential", escaped. */
export function whereOf(h: { project: NamedRef; stage: NamedRef; scenario: NamedRef }, c: Catalogue, max = 80): string {
  return [h.project, h.stage, h.scenario].map((r) => (isBlank(r.name) ? c.unnamed : mrkdwn(r.name, max))).join(" › ");
}

function isRunning(history: History): boolean {
  return !historyStatus(history.status).terminal;
}

/**
 * Duration when finished; time since start while running (a live Slack token with
 * `relativeElapsed`, so the text does not depend on `now`); undefined when unknown.
 */
function timing(history: History, options: RenderOptions, c: Catalogue): { label: string; value: string } | undefined {
  if (!isValidDate(history.startTime)) return undefined;
  if (isValidDate(history.endTime)) return { label: c.field.duration, value: formatDuration(history.startTime, history.endTime, c) };
  if (!isRunning(history)) return undefined;
  if (options.relativeElapsed === true) return { label: c.field.runningSince, value: agoToken(history.startTime, options.timeZone) };
  return { label: c.field.elapsed, value: formatDuration(history.startTime, options.now, c) };
}

/** Notes that promise or stop automatic updates make no sense on a final history. */
const UPDATE_NOTES: ReadonlySet<LiveNote["kind"]> = new Set(["live", "live_limited", "last_update", "not_followed"]);

function liveNoteText(note: LiveNote, options: RenderOptions, c: Catalogue): string {
  switch (note.kind) {
    case "live":
      return c.liveNote.live;
    case "live_limited":
      return c.liveNote.liveLimited;
    case "last_update":
      return c.liveNote.lastUpdate;
    case "stale":
      return c.liveNote.stale(isValidDate(note.lastSuccessAt) ? dateToken(note.lastSuccessAt, options.timeZone) : c.notYet);
    case "expired":
      return c.liveNote.expired;
    case "not_followed":
      return note.quota === "total" ? c.liveNote.notFollowed.total : c.liveNote.notFollowed[note.quota](note.limit);
  }
}

/** The one context line saying how the message stays current, if any. */
function liveNoteBlocks(history: History, options: RenderOptions, c: Catalogue): Block[] {
  const note = options.live;
  if (note === undefined || (!isRunning(history) && UPDATE_NOTES.has(note.kind))) return [];
  return [context([liveNoteText(note, options, c)])];
}

/** Note, then demo notice: the bottom lines of every history message. */
function footer(history: History, options: RenderOptions, c: Catalogue): Block[] {
  return [...liveNoteBlocks(history, options, c), ...(options.demo === true ? [demoContext(c)] : [])];
}

/** A finished deployment's step durations per target, as a divider and a section. */
function timelineBlocks(history: History, c: Catalogue): Block[] {
  if (isRunning(history)) return [];
  const text = timelineText(computeTimeline(history), c);
  return text === undefined ? [] : [divider(), section(text)];
}

function field(label: string, value: string): string {
  return `*${label}*\n${value}`;
}

function factFields(history: History, options: RenderOptions, c: Catalogue): string[] {
  const when = (d: Date | undefined) => (isValidDate(d) ? dateToken(d, options.timeZone) : c.notYet);
  const { file, strategy, autoScalingGroup, backupFile } = history.config;
  const rawType = history.rawType !== undefined && history.rawType !== history.type ? ` (${mrkdwn(history.rawType, 60)})` : "";
  const time = timing(history, options, c);
  const fields = [
    field(c.field.project, ref(history.project, c)),
    field(c.field.stage, ref(history.stage, c)),
    field(c.field.scenario, ref(history.scenario, c)),
    field(c.field.executor, history.executor === undefined || isBlank(history.executor) ? c.notYet : mrkdwn(history.executor, NAME_MAX)),
    field(c.field.type, `${c.deploymentType[history.type]}${rawType}`),
    strategy === undefined ? undefined : field(c.field.strategy, mrkdwn(strategy, 60)),
    field(c.field.start, when(history.startTime)),
    field(c.field.end, when(history.endTime)),
    time === undefined ? undefined : field(time.label, time.value),
    file === undefined
      ? undefined
      : field(c.field.file, `${mrkdwn(file.name, FILE_MAX)}${file.type === undefined ? "" : ` (${mrkdwn(file.type, 60)})`}`),
    autoScalingGroup === undefined
      ? undefined
      : field(c.field.autoScalingGroup, ref({ id: autoScalingGroup.no ?? "", name: autoScalingGroup.name ?? "" }, c)),
    backupFile === undefined ? undefined : field(c.field.backupFile, mrkdwn(backupFile, FILE_MAX)),
  ];
  return fields.filter((f): f is string => f !== undefined);
}

function factSections(history: History, options: RenderOptions, c: Catalogue): Block[] {
  const fields = factFields(history, options, c);
  const blocks: Block[] = [];
  for (let i = 0; i < fields.length; i += LIMITS.fields) blocks.push(fieldsSection(fields.slice(i, i + LIMITS.fields)));
  return blocks;
}

export function singleSteps(history: History): StepName[] {
  const steps = history.steps ?? {};
  return STEP_NAMES.filter((name) => name !== "post" || steps.post !== undefined);
}

/** The summary of targets: counts per status and, while running, a progress bar. */
function targetsSummary(history: History, ctx: TargetContext): string {
  const c = ctx.c;
  if (history.targetShape === "single") {
    return history.steps === undefined
      ? `*${c.stepsHeading}*\n${c.noTargets}`
      : `*${c.stepsHeading}*\n${stepsLine(history.steps, singleSteps(history), ctx)}`;
  }
  const total = history.targets.length;
  if (total === 0) return `*${c.targetsHeading(0)}*\n${c.noTargets}`;
  const counts = `*${c.targetsHeading(total)}*\n${statusCounts(history.targets, ctx)}`;
  if (!isRunning(history)) return counts;
  const done = history.targets.reduce((n, t) => n + (isTargetDone(t.status) ? 1 : 0), 0);
  return `${counts}\n\`${progressBar(done, total)}\``;
}

function buttons(history: History, options: RenderOptions, c: Catalogue, summarized: boolean): Button[] {
  const value = encodeHistoryRef({ projectId: history.project.id, historyId: history.id });
  const url = consoleUrl(options.consoleUrlTemplate, { projectId: history.project.id, historyId: history.id });
  const list: Array<Button | undefined> = [
    url === undefined ? undefined : button(c.button.openConsole, ACTION_OPEN_CONSOLE, { url, ...(value === undefined ? {} : { value }) }),
    value !== undefined && isRunning(history) ? button(c.button.refresh, ACTION_REFRESH, { value }) : undefined,
    value !== undefined && summarized ? button(c.button.showAllTargets, ACTION_SHOW_TARGETS, { value }) : undefined,
    value !== undefined && options.shareButton === true ? button(c.button.share, ACTION_SHARE, { value, style: "primary" }) : undefined,
  ];
  return list.filter((b): b is Button => b !== undefined);
}

function actionsBlock(list: Button[]): Block[] {
  return list.length === 0 ? [] : [actions("history_actions", list)];
}

/** One plain line: status, where, id (in the title), executor; escaped because Slack parses it. */
function summaryText(history: History, options: RenderOptions, c: Catalogue): string {
  const executor = history.executor === undefined || isBlank(history.executor) ? undefined : mrkdwn(history.executor, 100);
  return clampMrkdwn(c.summaryText(mrkdwn(titleOf(history, options, c), 200), whereOf(history, c), executor), LIMITS.messageText);
}

function targetBlocks(
  history: History,
  ctx: TargetContext,
  budget: { blocks: number; chars: number },
): { blocks: Block[]; plan: TargetPlan } {
  if (history.targetShape === "single") return { blocks: [], plan: { sections: [], shown: 0, leftOut: [], leftOutTotal: 0 } };
  const plan = planTargets(history.targets, ctx, budget);
  const blocks: Block[] = plan.sections.map((text) => section(text));
  if (plan.leftOutTotal > 0) blocks.push(context([leftOutLine(plan, ctx.c)]));
  return { blocks, plan };
}

/** Room left for target sections once `fixed` is placed (one more block for their divider). */
function budgetBeside(fixed: readonly Block[]): { blocks: number; chars: number } {
  return {
    blocks: LIMITS.messageBlocks - fixed.length - 1,
    chars: LIMITS.totalText - totalTextLength(fixed) - LEFT_OUT_RESERVE,
  };
}

/**
 * The detail message: header, facts, targets summary, one section per target, the timeline of a
 * finished deployment, actions, then the live note and the demo notice.
 */
export function renderHistory(history: History, options: RenderOptions): Message {
  const ctx = renderContext(options.locale, options.timeZone);
  const c = ctx.c;
  const top: Block[] = [header(titleOf(history, options, c)), ...factSections(history, options, c), section(targetsSummary(history, ctx))];
  const bottomLines = footer(history, options, c);
  const fixedWithout = [...top, divider(), ...actionsBlock(buttons(history, options, c, true)), ...bottomLines];
  const wantedTimeline = timelineBlocks(history, c);
  const withTimeline = budgetBeside([...fixedWithout, ...wantedTimeline]);
  // The timeline is bounded (ten lines), so it practically always fits; if not, it is dropped.
  const timeline = withTimeline.chars >= 0 && withTimeline.blocks >= 1 ? wantedTimeline : [];
  const budget = budgetBeside([...fixedWithout, ...timeline]);
  const targets = targetBlocks(history, ctx, budget);
  const middle = targets.blocks.length === 0 ? [] : [divider(), ...targets.blocks];
  const actionsRow = actionsBlock(buttons(history, options, c, targets.plan.leftOutTotal > 0));
  return { text: summaryText(history, options, c), blocks: [...top, ...middle, ...timeline, ...actionsRow, ...bottomLines] };
}

function failingLines(history: History, ctx: TargetContext): string | undefined {
  const failing = history.targets.filter((t) => targetStatus(t.status).rank === RANK.problem);
  if (failing.length === 0) return undefined;
  const lines = failing.slice(0, UNFURL_FAILING).map((t) => {
    const failedStep = STEP_NAMES.find((name) => t.steps[name]?.status === "fail");
    const step = failedStep === undefined ? "" : ` — ${ctx.c.stepName[failedStep]} ❌`;
    return `❌ *${isBlank(t.name) ? ctx.c.unnamed : mrkdwn(t.name, 80)}*${step}`;
  });
  if (failing.length > UNFURL_FAILING) lines.push(ctx.c.unfurl.moreFailing(failing.length - UNFURL_FAILING));
  return `*${ctx.c.unfurl.failingTargets}*\n${lines.join("\n")}`;
}

/** The compact form for link unfurls: title, key facts, target counts, first failing targets. */
export function renderUnfurl(history: History, options: RenderOptions): Message {
  const ctx = renderContext(options.locale, options.timeZone);
  const c = ctx.c;
  const time = timing(history, options, c);
  const facts = [
    history.executor === undefined || isBlank(history.executor) ? undefined : `${c.field.executor}: ${mrkdwn(history.executor, 80)}`,
    isValidDate(history.startTime) ? `${c.field.start}: ${dateToken(history.startTime, options.timeZone)}` : undefined,
    time === undefined ? undefined : `${time.label}: ${time.value}`,
  ].filter((f): f is string => f !== undefined);
  const failing = history.targetShape === "servers" ? failingLines(history, ctx) : undefined;
  const url = consoleUrl(options.consoleUrlTemplate, { projectId: history.project.id, historyId: history.id });
  const blocks: Block[] = [
    section(`*${mrkdwn(titleOf(history, options, c), 200)}*\n${whereOf(history, c)}`),
    ...(facts.length === 0 ? [] : [context(facts)]),
    section(targetsSummary(history, ctx)),
    ...(failing === undefined ? [] : [section(failing)]),
    ...actionsBlock(url === undefined ? [] : [button(c.button.openConsole, ACTION_OPEN_CONSOLE, { url })]),
    ...footer(history, options, c),
  ];
  return { text: summaryText(history, options, c), blocks };
}

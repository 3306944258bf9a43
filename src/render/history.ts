/** The detail message and the compact unfurl of one deployment history. */
import type { History, HistoryAction, NamedRef, ServerTarget, Steps } from "../sourcedeploy/model.js";
import { knownFileType, knownStrategy, STEP_NAMES, type StepName } from "../sourcedeploy/model.js";
import {
  ACTION_COMPARE,
  ACTION_OPEN_CONSOLE,
  ACTION_REFRESH,
  ACTION_SHARE,
  ACTION_SHOW_TARGETS,
  ACTION_WRITE,
  consoleUrl,
  encodeHistoryRef,
} from "./actions.js";
import {
  actions,
  type Block,
  type Button,
  button,
  confirmDialog,
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
import { settled } from "./settle.js";
import { historyStatus, isTargetDone, RANK, stepStatus, targetStatus } from "./status.js";
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
/** Names in the headline: it is a phone notification and a 150-character header. */
const HEADLINE_NAME_MAX = 40;

export function demoContext(c: Catalogue): Block {
  return context([c.demoNotice]);
}

export function withDemo(blocks: Block[], options: RenderOptions, c: Catalogue): Block[] {
  return options.demo === true ? [...blocks, demoContext(c)] : blocks;
}

type Escape = (raw: string, max: number) => string;

/** Failed (or unfinished) targets: what the eye should land on first. */
function isProblem(target: ServerTarget): boolean {
  return targetStatus(target.status).rank === RANK.problem;
}

function isRunningTarget(target: ServerTarget): boolean {
  return targetStatus(target.status).rank === RANK.running;
}

/** The step that failed (or did not finish), else the one in progress. */
function stepOfInterest(steps: Steps): StepName | undefined {
  return (
    STEP_NAMES.find((name) => stepStatus(steps[name]).rank === RANK.problem) ??
    STEP_NAMES.find((name) => steps[name]?.status === "inprogress")
  );
}

/** A running server's current step: its status names it (`pre` / `deploy` / `post`), else its steps do. */
function currentStep(target: ServerTarget): StepName | undefined {
  const named = STEP_NAMES.find((name) => name === target.status);
  return named ?? stepOfInterest(target.steps);
}

function targetAt(target: ServerTarget, step: StepName | undefined, ctx: TargetContext, escape: Escape): string {
  const name = isBlank(target.name) ? ctx.c.unnamed : escape(target.name, HEADLINE_NAME_MAX);
  return step === undefined ? name : ctx.c.detail.targetAtStep(name, ctx.stepNames[step]);
}

/**
 * "web-02 파일 배포 단계 (서버 1/3 실패)": the first failed target and its step, or while running
 * the current one; for Kubernetes and Object Storage the step alone. Undefined when nothing stands out.
 */
function headlineDetail(history: History, ctx: TargetContext, escape: Escape): string | undefined {
  const c = ctx.c;
  if (history.targetShape === "single") {
    const step = history.steps === undefined ? undefined : stepOfInterest(history.steps);
    return step === undefined ? undefined : c.detail.atStep(ctx.stepNames[step]);
  }
  const total = history.targets.length;
  const failed = history.targets.filter(isProblem);
  const first = failed[0];
  if (first !== undefined)
    return `${targetAt(first, stepOfInterest(first.steps), ctx, escape)} ${c.detail.failedServers(failed.length, total)}`;
  const running = isRunning(history) ? history.targets.find(isRunningTarget) : undefined;
  if (running === undefined) return undefined;
  const done = history.targets.reduce((n, t) => n + (isTargetDone(t.status) ? 1 : 0), 0);
  return `${targetAt(running, currentStep(running), ctx, escape)} ${c.detail.doneServers(done, total)}`;
}

/**
 * "❌ shop-api › prod-web 배포 실패 — web-02 파일 배포 단계 (서버 1/3 실패) · #903344": what, where
 * and which server, for the notification, the header and the unfurl. `escape` is `plain` for
 * plain_text and `mrkdwn` for mrkdwn; `emoji: false` leaves the status emoji out.
 */
export function headlineOf(
  history: History,
  options: RenderOptions,
  escape: Escape,
  shape: { emoji?: boolean; detail?: boolean } = {},
): string {
  const ctx = renderContext(options.locale, options.timeZone, history.targetShape);
  const status = historyStatus(history.status);
  const name = (r: NamedRef) =>
    isBlank(r.name) ? (r.id === "" ? ctx.c.unnamed : escape(r.id, HEADLINE_NAME_MAX)) : escape(r.name, HEADLINE_NAME_MAX);
  const where = `${name(history.project)} › ${name(history.stage)}`;
  const detail = shape.detail === false ? undefined : headlineDetail(history, ctx, escape);
  const text = ctx.c.headline(where, escape(status.label[options.locale], 60), escape(history.id, 40), detail);
  return shape.emoji === false ? text : `${status.emoji} ${text}`;
}

/** The headline as plain text (callers escape or use it as plain text). */
export function titleOf(history: History, options: RenderOptions): string {
  return headlineOf(history, options, plain);
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
 * When it ran: start, end and duration once finished; while running the start and how long ago
 * (a live Slack token with `relativeElapsed`, so the text does not depend on `now`), never both a
 * start and a "running since".
 */
function timingFields(history: History, options: RenderOptions, c: Catalogue): string[] {
  const { startTime, endTime } = history;
  const when = (d: Date | undefined) => (isValidDate(d) ? dateToken(d, options.timeZone) : c.notYet);
  if (isRunning(history)) {
    if (!isValidDate(startTime)) return [field(c.field.start, c.notYet)];
    if (options.relativeElapsed === true) return [field(c.field.start, `${when(startTime)} (${agoToken(startTime, options.timeZone)})`)];
    return [field(c.field.start, when(startTime)), field(c.field.elapsed, formatDuration(startTime, options.now, c))];
  }
  const duration = isValidDate(startTime) && isValidDate(endTime) ? [field(c.field.duration, formatDuration(startTime, endTime, c))] : [];
  return [field(c.field.start, when(startTime)), field(c.field.end, when(endTime)), ...duration];
}

/** The unfurl's one-line form of the same. */
function timingFacts(history: History, options: RenderOptions, c: Catalogue): string[] {
  const { startTime, endTime } = history;
  if (!isValidDate(startTime)) return [];
  const start = `${c.field.start}: ${dateToken(startTime, options.timeZone)}`;
  if (isRunning(history)) {
    const elapsed = options.relativeElapsed === true ? agoToken(startTime, options.timeZone) : formatDuration(startTime, options.now, c);
    return [`${start} (${elapsed})`];
  }
  return isValidDate(endTime) ? [start, `${c.field.duration}: ${formatDuration(startTime, endTime, c)}`] : [start];
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

function strategyLabel(strategy: string, c: Catalogue): string {
  const known = knownStrategy(strategy);
  return known === undefined ? mrkdwn(strategy, 60) : c.strategy[known];
}

function fileText(file: { name: string; type?: string }, c: Catalogue): string {
  const known = file.type === undefined ? undefined : knownFileType(file.type);
  const type = file.type === undefined ? "" : ` (${known === undefined ? mrkdwn(file.type, 60) : c.fileType[known]})`;
  return `${mrkdwn(file.name, FILE_MAX)}${type}`;
}

/** The type's label; only an unknown type shows what the API sent (the documented typos are known). */
function typeLabel(history: History, c: Catalogue): string {
  const raw =
    history.type === "Unknown" && history.rawType !== undefined && !isBlank(history.rawType) ? ` (${mrkdwn(history.rawType, 60)})` : "";
  return `${c.deploymentType[history.type]}${raw}`;
}

function factFields(history: History, options: RenderOptions, c: Catalogue): string[] {
  const { file, strategy, autoScalingGroup, backupFile } = history.config;
  const fields = [
    field(c.field.project, ref(history.project, c)),
    field(c.field.stage, ref(history.stage, c)),
    field(c.field.scenario, ref(history.scenario, c)),
    field(c.field.executor, history.executor === undefined || isBlank(history.executor) ? c.notYet : mrkdwn(history.executor, NAME_MAX)),
    field(c.field.type, typeLabel(history, c)),
    strategy === undefined ? undefined : field(c.field.strategy, strategyLabel(strategy, c)),
    ...timingFields(history, options, c),
    file === undefined ? undefined : field(c.field.file, fileText(file, c)),
    autoScalingGroup === undefined
      ? undefined
      : field(c.field.autoScalingGroup, ref({ id: autoScalingGroup.no ?? "", name: autoScalingGroup.name ?? "" }, c)),
    backupFile === undefined ? undefined : field(c.field.backupFile, mrkdwn(backupFile, FILE_MAX)),
  ];
  return fields.filter((f): f is string => f !== undefined);
}

/** Fields in as few sections as Slack allows, split evenly so no section holds one lone field. */
function factSections(history: History, options: RenderOptions, c: Catalogue): Block[] {
  const fields = factFields(history, options, c);
  const sections = Math.ceil(fields.length / LIMITS.fields);
  const perSection = Math.ceil(fields.length / sections / 2) * 2;
  const blocks: Block[] = [];
  for (let i = 0; i < fields.length; i += perSection) blocks.push(fieldsSection(fields.slice(i, i + perSection)));
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

/** What SourceDeploy lets one do to a history in each status. */
const ACTIONS_BY_STATUS: Readonly<Record<string, readonly HistoryAction[]>> = {
  pending: ["approve", "reject"],
  canary_pending: ["promote", "abort"],
  inprogress: ["cancel"],
  waiting: ["cancel"],
  canary_analyzing: ["cancel"],
};

export function actionsFor(status: string): readonly HistoryAction[] {
  return ACTIONS_BY_STATUS[status] ?? [];
}

/** Approve / Reject, Promote / Abort or Cancel, each behind a confirm dialog naming what it acts on. */
function writeButtons(history: History, value: string | undefined, options: RenderOptions, c: Catalogue): Button[] {
  if (options.writeButtons !== true || value === undefined) return [];
  const scenario = isBlank(history.scenario.name) ? c.unnamed : plain(history.scenario.name, 60);
  const where = `${headlineOf(history, options, plain, { emoji: false, detail: false })} · ${scenario}`;
  return actionsFor(history.status).map((action) => {
    const positive = action === "approve" || action === "promote";
    const confirm = confirmDialog({
      title: c.write.confirmTitle[action],
      text: `${where}\n${c.write.consequence[action]}`,
      confirm: c.write.confirm[action],
      deny: c.write.deny,
      danger: !positive,
    });
    return button(c.write.button[action], ACTION_WRITE[action], { value, style: positive ? "primary" : "danger", confirm });
  });
}

/** "Open in console" only when the console URL template leads to the history itself. */
function consoleLabel(options: RenderOptions, c: Catalogue): string {
  return options.consoleUrlTemplate.includes("{historyId}") ? c.button.openConsole : c.button.sourceDeployConsole;
}

/** A finished deployment that failed (failed, errored, canary analysis timed out): worth comparing with the last success. */
function isFailed(history: History): boolean {
  const status = historyStatus(history.status);
  return status.terminal && status.rank === RANK.problem;
}

function buttons(history: History, options: RenderOptions, c: Catalogue, summarized: boolean): Button[] {
  const value = encodeHistoryRef({ projectId: history.project.id, historyId: history.id });
  const url = consoleUrl(options.consoleUrlTemplate, { projectId: history.project.id, historyId: history.id });
  const list: Array<Button | undefined> = [
    ...writeButtons(history, value, options, c),
    url === undefined
      ? undefined
      : button(consoleLabel(options, c), ACTION_OPEN_CONSOLE, { url, ...(value === undefined ? {} : { value }) }),
    value !== undefined && isRunning(history) ? button(c.button.refresh, ACTION_REFRESH, { value }) : undefined,
    value !== undefined && summarized ? button(c.button.showAllTargets, ACTION_SHOW_TARGETS, { value }) : undefined,
    value !== undefined && isFailed(history) ? button(c.button.compare, ACTION_COMPARE, { value }) : undefined,
    value !== undefined && options.shareButton === true ? button(c.button.share, ACTION_SHARE, { value, style: "primary" }) : undefined,
  ];
  return list.filter((b): b is Button => b !== undefined);
}

function actionsBlock(list: Button[]): Block[] {
  return list.length === 0 ? [] : [actions("history_actions", list)];
}

/** The notification text: the headline, escaped because Slack parses it. */
function summaryText(history: History, options: RenderOptions): string {
  return clampMrkdwn(headlineOf(history, options, mrkdwn), LIMITS.messageText);
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
 * The detail message: header, facts, targets summary, one section per target (the failure first),
 * the slowest targets of a finished deployment, actions, then the live note and the demo notice.
 */
export function renderHistory(raw: History, options: RenderOptions): Message {
  const history = settled(raw);
  const ctx = renderContext(options.locale, options.timeZone, history.targetShape);
  const c = ctx.c;
  const top: Block[] = [header(titleOf(history, options)), ...factSections(history, options, c), section(targetsSummary(history, ctx))];
  const bottomLines = footer(history, options, c);
  const fixedWithout = [...top, divider(), ...actionsBlock(buttons(history, options, c, true)), ...bottomLines];
  const wantedTimeline = timelineBlocks(history, c);
  const withTimeline = budgetBeside([...fixedWithout, ...wantedTimeline]);
  // The timeline is bounded (a few lines), so it practically always fits; if not, it is dropped.
  const timeline = withTimeline.chars >= 0 && withTimeline.blocks >= 1 ? wantedTimeline : [];
  const budget = budgetBeside([...fixedWithout, ...timeline]);
  const targets = targetBlocks(history, ctx, budget);
  const middle = targets.blocks.length === 0 ? [] : [divider(), ...targets.blocks];
  const actionsRow = actionsBlock(buttons(history, options, c, targets.plan.leftOutTotal > 0));
  return { text: summaryText(history, options), blocks: [...top, ...middle, ...timeline, ...actionsRow, ...bottomLines] };
}

/** The failed targets when more than one failed (the headline names the first), without repeating ❌. */
function moreFailing(history: History, ctx: TargetContext): string | undefined {
  const failing = history.targets.filter(isProblem);
  if (failing.length < 2) return undefined;
  const lines = failing
    .slice(0, UNFURL_FAILING)
    .map((t) => `• ${targetAt(t, stepOfInterest(t.steps), ctx, (raw, max) => `*${mrkdwn(raw, max)}*`)}`);
  if (failing.length > UNFURL_FAILING) lines.push(ctx.c.unfurl.moreFailing(failing.length - UNFURL_FAILING));
  return `*${ctx.c.unfurl.failingTargets}*\n${lines.join("\n")}`;
}

/**
 * The compact form for link unfurls: the headline (its detail on a line of its own, without a
 * second emoji), key facts, target counts and the failed targets.
 */
export function renderUnfurl(raw: History, options: RenderOptions): Message {
  const history = settled(raw);
  const ctx = renderContext(options.locale, options.timeZone, history.targetShape);
  const c = ctx.c;
  const detail = headlineDetail(history, ctx, mrkdwn);
  const facts = [
    history.executor === undefined || isBlank(history.executor) ? undefined : `${c.field.executor}: ${mrkdwn(history.executor, 80)}`,
    ...timingFacts(history, options, c),
    isBlank(history.scenario.name) ? undefined : `${c.field.scenario}: ${mrkdwn(history.scenario.name, 80)}`,
  ].filter((f): f is string => f !== undefined);
  const failing = history.targetShape === "servers" ? moreFailing(history, ctx) : undefined;
  const url = consoleUrl(options.consoleUrlTemplate, { projectId: history.project.id, historyId: history.id });
  const title = `*${headlineOf(history, options, mrkdwn, { detail: false })}*`;
  const blocks: Block[] = [
    section(detail === undefined ? title : `${title}\n${detail}`),
    ...(facts.length === 0 ? [] : [context(facts)]),
    section(targetsSummary(history, ctx)),
    ...(failing === undefined ? [] : [section(failing)]),
    ...actionsBlock([
      ...writeButtons(history, encodeHistoryRef({ projectId: history.project.id, historyId: history.id }), options, c),
      ...(url === undefined ? [] : [button(consoleLabel(options, c), ACTION_OPEN_CONSOLE, { url })]),
    ]),
    ...footer(history, options, c),
  ];
  return { text: summaryText(history, options), blocks };
}

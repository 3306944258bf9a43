/**
 * Server targets as mrkdwn, the failure first: failed targets, then running ones, then the rest.
 * One full section per target when few, compact lines packed into sections when many; successful
 * targets fold into a count once there are more than `FOLD_SUCCEEDED_OVER` of them, and whatever
 * does not fit is counted per status. All linear in the number of targets: only the targets that
 * are shown are rendered.
 */
import type { Locale } from "../config.js";
import { type ServerTarget, STEP_NAMES, type StepName, type Steps, TARGET_STATUSES, type TargetShape } from "../sourcedeploy/model.js";
import { LIMITS } from "./blocks.js";
import { isBlank, mrkdwn } from "./escape.js";
import { type Catalogue, messages } from "./i18n.js";
import { NEUTRAL_EMOJI, RANK, type StatusInfo, stepStatus, targetStatus } from "./status.js";
import { isValidDate, timeToken } from "./time.js";

/** With at most this many targets, each gets its own section (if the budget allows). */
export const FULL_SECTION_TARGETS = 20;
/** With more successful targets than this, they are counted, not listed ("Show all targets" lists them). */
export const FOLD_SUCCEEDED_OVER = 10;

interface Sizes {
  name: number;
  serverNo: number;
  unknownLabel: number;
}

const FULL: Sizes = { name: 150, serverNo: 40, unknownLabel: 40 };
const COMPACT: Sizes = { name: 60, serverNo: 20, unknownLabel: 20 };

/** What rendering a target needs: the locale, its catalogue, the step names and the time zone for fallbacks. */
export interface TargetContext {
  locale: Locale;
  c: Catalogue;
  timeZone: string;
  /** Server targets say 배포 전 / 파일 배포 / 배포 후; Kubernetes and Object Storage 배포 준비 / 배포. */
  stepNames: Record<StepName, string>;
}

function label(info: StatusInfo, ctx: TargetContext, max: number): string {
  return mrkdwn(info.label[ctx.locale], max);
}

function stepText(name: StepName, steps: Steps, ctx: TargetContext, sizes: Sizes, withTime: boolean): string {
  const step = steps[name];
  const info = stepStatus(step);
  const unknown = info.known ? "" : ` ${label(info, ctx, sizes.unknownLabel)}`;
  const time = withTime && step !== undefined && isValidDate(step.time) ? ` ${timeToken(step.time, ctx.timeZone)}` : "";
  return `${ctx.stepNames[name]} ${info.emoji}${unknown}${time}`;
}

/** `pre ✅ 14:06:09 · deploy ❌ 14:06:28 · post ⚪`; `names` limits which steps are listed. */
export function stepsLine(steps: Steps, names: readonly StepName[], ctx: TargetContext, withTime = true, sizes: Sizes = FULL): string {
  return names.map((name) => stepText(name, steps, ctx, sizes, withTime)).join(" · ");
}

function targetHead(target: ServerTarget, ctx: TargetContext, sizes: Sizes): string {
  const info = targetStatus(target.status);
  const name = isBlank(target.name) ? ctx.c.unnamed : mrkdwn(target.name, sizes.name);
  const no = target.serverNo === undefined || target.serverNo === "" ? "" : ` (${mrkdwn(target.serverNo, sizes.serverNo)})`;
  return `${info.emoji} *${name}*${no} · ${label(info, ctx, sizes.unknownLabel)}`;
}

/** A target's own section: name, server no, status, then each step with its emoji and time. */
export function fullTarget(target: ServerTarget, ctx: TargetContext): string {
  return `${targetHead(target, ctx, FULL)}\n${stepsLine(target.steps, STEP_NAMES, ctx)}`;
}

/** One line, no times: for many targets packed into one section. */
export function compactTarget(target: ServerTarget, ctx: TargetContext): string {
  return `${targetHead(target, ctx, COMPACT)} — ${stepsLine(target.steps, STEP_NAMES, ctx, false, COMPACT)}`;
}

/** Failed first, then running, then everything else, each group in its original order. */
export function prioritize(targets: readonly ServerTarget[]): ServerTarget[] {
  const groups: ServerTarget[][] = [[], [], []];
  for (const target of targets) {
    const rank = targetStatus(target.status).rank;
    groups[rank === RANK.problem ? 0 : rank === RANK.running ? 1 : 2]?.push(target);
  }
  return groups.flat();
}

export interface EmojiCount {
  emoji: string;
  count: number;
}

/** Counts by emoji (bounded: unknown statuses all share the neutral one), largest first. */
export function countByEmoji(targets: readonly ServerTarget[]): EmojiCount[] {
  const counts = new Map<string, { count: number; rank: number }>();
  for (const target of targets) {
    const info = targetStatus(target.status);
    const entry = counts.get(info.emoji) ?? { count: 0, rank: info.known ? info.rank : RANK.done + 1 };
    entry.count += 1;
    counts.set(info.emoji, entry);
  }
  return [...counts.entries()]
    .sort((a, b) => b[1].count - a[1].count || a[1].rank - b[1].rank)
    .map(([emoji, { count }]) => ({ emoji, count }));
}

export interface TargetBudget {
  blocks: number;
  chars: number;
}

export interface TargetPlan {
  /** mrkdwn texts, one section each. */
  sections: string[];
  shown: number;
  leftOut: EmojiCount[];
  leftOutTotal: number;
}

function fitsFull(targets: readonly ServerTarget[], ctx: TargetContext, budget: TargetBudget): string[] | undefined {
  if (targets.length > FULL_SECTION_TARGETS || targets.length > budget.blocks) return undefined;
  const texts = targets.map((t) => fullTarget(t, ctx));
  const chars = texts.reduce((n, t) => n + t.length, 0);
  return chars <= budget.chars ? texts : undefined;
}

/** Greedy packing of compact lines, in order, until blocks or characters run out. */
function pack(targets: readonly ServerTarget[], ctx: TargetContext, budget: TargetBudget): { sections: string[]; shown: number } {
  const sections: string[] = [];
  let current = "";
  let used = 0;
  let shown = 0;
  for (const target of targets) {
    const line = compactTarget(target, ctx);
    const joined = current === "" ? line : `${current}\n${line}`;
    if (joined.length <= LIMITS.sectionText && used + joined.length - current.length <= budget.chars) {
      used += joined.length - current.length;
      current = joined;
    } else if (sections.length + 2 <= budget.blocks && line.length <= LIMITS.sectionText && used + line.length <= budget.chars) {
      sections.push(current);
      current = line;
      used += line.length;
    } else {
      break;
    }
    shown += 1;
  }
  if (current !== "") sections.push(current);
  return { sections, shown };
}

function isSucceeded(target: ServerTarget): boolean {
  return target.status === "success";
}

/** Failed, running and waiting targets in that order; successes after them, or only counted when many. */
function shownAndFolded(targets: readonly ServerTarget[]): { shown: ServerTarget[]; folded: ServerTarget[] } {
  const ordered = prioritize(targets);
  const succeeded = ordered.reduce((n, t) => n + (isSucceeded(t) ? 1 : 0), 0);
  if (succeeded <= FOLD_SUCCEEDED_OVER) return { shown: ordered, folded: [] };
  return { shown: ordered.filter((t) => !isSucceeded(t)), folded: ordered.filter(isSucceeded) };
}

/**
 * What to show of `targets` within `budget` (sections and characters available to target
 * sections; the caller reserves room for the summary and the left-out line).
 */
export function planTargets(targets: readonly ServerTarget[], ctx: TargetContext, budget: TargetBudget): TargetPlan {
  const { shown, folded } = shownAndFolded(targets);
  const full = fitsFull(shown, ctx, budget);
  const packed = full === undefined ? pack(shown, ctx, budget) : { sections: full, shown: shown.length };
  const rest = [...shown.slice(packed.shown), ...folded];
  return { ...packed, leftOut: countByEmoji(rest), leftOutTotal: rest.length };
}

/** "212 more targets: 210 ✅ 2 ⚪" */
export function leftOutLine(plan: TargetPlan, c: Catalogue): string {
  return `${c.leftOut(plan.leftOutTotal)} ${plan.leftOut.map((g) => `${g.count} ${g.emoji}`).join(" ")}`;
}

const MAX_STATUS_GROUPS = 8;
/** Known statuses by urgency, "did not finish" (a final history's leftover) with the failures. */
const KNOWN_ORDER = new Map<string, number>(
  [...TARGET_STATUSES, "stopped"].sort((a, b) => targetStatus(a).rank - targetStatus(b).rank).map((s, i) => [s, i]),
);

/** "✅ 1 succeeded · 🔄 1 deploying · …", known statuses by urgency, at most a few unknown ones. */
export function statusCounts(targets: readonly ServerTarget[], ctx: TargetContext): string {
  const counts = new Map<string, number>();
  for (const target of targets) counts.set(target.status, (counts.get(target.status) ?? 0) + 1);
  const order = (s: string) => KNOWN_ORDER.get(s) ?? KNOWN_ORDER.size;
  const groups = [...counts.entries()].sort((a, b) => order(a[0]) - order(b[0]) || b[1] - a[1]);
  const shown = groups.slice(0, MAX_STATUS_GROUPS).map(([status, count]) => {
    const info = targetStatus(status);
    return ctx.c.statusCount(info.emoji, label(info, ctx, COMPACT.unknownLabel), count);
  });
  const other = groups.slice(MAX_STATUS_GROUPS).reduce((n, [, count]) => n + count, 0);
  if (other > 0) shown.push(ctx.c.statusCount(NEUTRAL_EMOJI, ctx.c.otherStatuses, other));
  return shown.join(" · ");
}

/** `▰▰▱▱ 2/4`: one cell per target up to ten, then ten cells. */
export function progressBar(done: number, total: number): string {
  const width = Math.min(Math.max(total, 1), 10);
  const filled = total === 0 ? 0 : Math.floor((done / total) * width);
  return `${"▰".repeat(filled)}${"▱".repeat(width - filled)} ${done}/${total}`;
}

export function renderContext(locale: Locale, timeZone: string, shape: TargetShape = "servers"): TargetContext {
  const c = messages(locale);
  return { locale, c, timeZone, stepNames: c.stepName[shape] };
}

/** Help, usage errors, upstream errors, project lists and refusals: short messages for the Slack layer. */
import { isSourceDeployError } from "../sourcedeploy/errors.js";
import type { Project } from "../sourcedeploy/model.js";
import { ACTION_PROJECT_HISTORIES_PREFIX, encodeProjectRef } from "./actions.js";
import { type Block, button, context, header, LIMITS, type Message, section, totalTextLength } from "./blocks.js";
import { clampMrkdwn, escapeMrkdwn, isBlank, mrkdwn, plain } from "./escape.js";
import { withDemo } from "./history.js";
import { type Catalogue, messages } from "./i18n.js";
import type { RenderOptions } from "./options.js";

export type UsageErrorReason = "unrecognized" | "bad_history_id" | "too_long" | "two_ranges";

export const MAX_PROJECT_ENTRIES = 40;
const INPUT_ECHO_MAX = 100;
const FOOTER_RESERVE = 400;

/** A one-section message whose top-level text is the same sentence. */
function notice(text: string, options: RenderOptions, c: Catalogue, extra: Block[] = []): Message {
  return { text: clampMrkdwn(text, LIMITS.messageText), blocks: withDemo([section(text), ...extra], options, c) };
}

export function renderHelp(options: RenderOptions): Message {
  const c = messages(options.locale);
  const examples = [...c.help.examples, ...c.subscriptions.help]
    .map(([command, meaning]) => `\`${escapeMrkdwn(command)}\` — ${meaning}`)
    .join("\n");
  const blocks: Block[] = [header(c.help.heading), section(c.help.intro), section(examples), context([c.help.mention])];
  return { text: c.help.text, blocks: withDemo(blocks, options, c) };
}

export function renderUsageError(input: string, reason: UsageErrorReason, options: RenderOptions): Message {
  const c = messages(options.locale);
  const shown = isBlank(input) ? c.notYet : mrkdwn(input.trim(), INPUT_ECHO_MAX);
  return notice(`🤔 ${c.usage.reason[reason](shown)}`, options, c, [context([c.usage.hint])]);
}

function errorText(error: unknown, c: Catalogue): string {
  if (!isSourceDeployError(error)) return c.error.generic;
  if (error.code === "slow_down") return c.error.slowDown(Math.max(1, Math.ceil((error.details.retryAfterMs ?? 0) / 1000)));
  if (error.code !== "not_found") return c.error.byCode[error.code] ?? c.error.generic;
  const resource = error.details.resource ?? {};
  const id = (value: string | undefined) => (value === undefined || value === "" ? undefined : mrkdwn(value, 40));
  return c.error.notFound({ projectId: id(resource.projectId), historyId: id(resource.historyId) });
}

/** Never shows a stack trace or the message of an unknown error; SourceDeploy errors get specific text. */
export function renderError(error: unknown, options: RenderOptions): Message {
  const c = messages(options.locale);
  return notice(`⚠️ ${errorText(error, c)}`, options, c);
}

function projectBlock(project: Project, index: number, c: Catalogue): Block {
  const value = encodeProjectRef(project.id);
  const name = isBlank(project.name) ? c.unnamed : mrkdwn(project.name, 150);
  const action =
    value === undefined ? undefined : button(c.button.recentHistories, `${ACTION_PROJECT_HISTORIES_PREFIX}${index}`, { value });
  return section(c.projects.line(name, mrkdwn(project.id, 40)), action);
}

/** Project sections with a button each, as many as fit, then a count of the rest. */
function projectBlocks(projects: readonly Project[], fixed: readonly Block[], c: Catalogue): Block[] {
  let chars = LIMITS.totalText - totalTextLength(fixed) - FOOTER_RESERVE;
  const blocks: Block[] = [];
  for (const [index, project] of projects.slice(0, MAX_PROJECT_ENTRIES).entries()) {
    const block = projectBlock(project, index, c);
    chars -= totalTextLength([block]);
    if (chars < 0) break;
    blocks.push(block);
  }
  const rest = projects.length - blocks.length;
  return rest > 0 ? [...blocks, context([c.projects.more(rest)])] : blocks;
}

export function renderProjectList(projects: readonly Project[], filter: string | undefined, options: RenderOptions): Message {
  const c = messages(options.locale);
  const wanted = filter === undefined || isBlank(filter) ? undefined : filter.trim();
  if (projects.length === 0)
    return notice(`🔍 ${c.projects.empty(wanted === undefined ? undefined : mrkdwn(wanted, INPUT_ECHO_MAX))}`, options, c);
  const head = header(c.projects.heading(wanted === undefined ? undefined : plain(wanted, 60)));
  const fixed = withDemo([head], options, c);
  const blocks = [head, ...projectBlocks(projects, fixed, c)];
  return { text: c.projects.text(projects.length), blocks: withDemo(blocks, options, c) };
}

/** With `suggestion`, the closest name among the projects the asker may see ("did you mean prod-web?"). */
export function renderProjectNotFound(name: string, options: RenderOptions, suggestion?: string): Message {
  const c = messages(options.locale);
  const hint = suggestion === undefined ? [] : [context([c.projectSuggestion(`\`${mrkdwn(suggestion, 100)}\``)])];
  return notice(`🔍 ${c.projects.notFound(mrkdwn(name.trim(), INPUT_ECHO_MAX))}`, options, c, hint);
}

export function renderAmbiguousProject(name: string, candidates: readonly Project[], options: RenderOptions): Message {
  const c = messages(options.locale);
  const question = section(`🤔 ${c.projects.ambiguous(mrkdwn(name.trim(), INPUT_ECHO_MAX), candidates.length)}`);
  const hint = context([c.projects.ambiguousHint]);
  const fixed = withDemo([question, hint], options, c);
  const blocks = [question, ...projectBlocks(candidates, fixed, c), hint];
  return { text: clampMrkdwn(question.text?.text ?? c.projects.ambiguousHint, LIMITS.messageText), blocks: withDemo(blocks, options, c) };
}

/** Why a mention in a channel shared with another organisation is not answered there; for the mentioner only. */
export function renderExternalChannelNote(options: RenderOptions): Message {
  const c = messages(options.locale);
  return notice(`🔒 ${c.externalChannelNote}`, options, c);
}

/** Polite, and the same whether or not the history exists. */
export function renderAccessDenied(options: RenderOptions): Message {
  const c = messages(options.locale);
  return notice(`🔒 ${c.accessDenied}`, options, c);
}

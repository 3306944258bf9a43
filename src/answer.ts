/**
 * The core of every reply: a parsed command in, a rendered message out. Slack listeners call this
 * and only send the result; the CLI and tests call it directly. Failures become rendered error
 * messages here, so no caller ever has to show an exception to a user.
 */

import type { Asker, Decision } from "./access/policy.js";
import { diffHistories, lastSuccessBefore } from "./ask/diff.js";
import { knownStages, matcher, stageNames } from "./ask/filter.js";
import { resolveRange } from "./ask/range.js";
import { DEFAULT_ASK_MAX_PAGES, type Scan, scanHistories } from "./ask/scan.js";
import { computeStats, statsWindows } from "./ask/stats.js";
import { closestWord } from "./ask/suggest.js";
import type { Command, ProjectRef } from "./command.js";
import { FILTER_WORDS, MAX_SEARCH_COUNT, resolveProjectName } from "./command.js";
import type { Logger } from "./log.js";
import { renderDiff, renderNoSuccess, renderSearch, renderStats, renderUnknownWords, type ScanSummary } from "./render/ask.js";
import {
  type Message,
  newestFirst,
  type RenderOptions,
  renderAccessDenied,
  renderAmbiguousProject,
  renderError,
  renderHelp,
  renderHistory,
  renderHistoryList,
  renderProjectList,
  renderProjectNotFound,
  renderUsageError,
} from "./render/index.js";
import type { History, HistorySummary, Project, SourceDeployApi } from "./sourcedeploy/model.js";

/** A reply, and the history it shows when it is one history's detail (to follow it live). */
export interface Answer {
  message: Message;
  history?: History;
}

/** The asker's view of the access policy; absent = everything is allowed (CLI, demo tools). */
export interface ProjectAccess {
  asker: Asker;
  decide(project: { id: string; name?: string }): Decision;
  /** Some projects may be refused, so "no such project" must look like a refusal. */
  restricted: boolean;
}

export interface AnswerContext {
  api: SourceDeployApi;
  render: RenderOptions;
  logger: Logger;
  access?: ProjectAccess;
  /** How a history's detail is drawn; Slack listeners draw it as a live message. Default renderHistory. */
  detail?: (history: History) => Message | Promise<Message>;
  /** History list pages one question may read (ASK_MAX_PAGES). Default 10. */
  askMaxPages?: number;
}

async function drawDetail(history: History, context: AnswerContext): Promise<Answer> {
  return { message: context.detail ? await context.detail(history) : renderHistory(history, context.render), history };
}

/** A lookup the access policy refuses; rendered as a polite refusal that reveals nothing. */
class AccessDenied extends Error {
  override readonly name = "AccessDenied";
  constructor(readonly project: { id?: string; name?: string }) {
    super("access denied");
  }
}

/** How many histories `<project>` lists. */
export const RECENT_HISTORY_COUNT = 10;
const PROJECT_PAGE_SIZE = 100;

type Resolved = { kind: "project"; project: Project } | { kind: "reply"; message: Message };

export async function answerCommand(command: Command, context: AnswerContext): Promise<Answer> {
  try {
    return await answer(command, context);
  } catch (error) {
    return { message: failure(error, context, { command }) };
  }
}

function failure(error: unknown, context: AnswerContext, fields: Record<string, unknown>): Message {
  if (error instanceof AccessDenied) {
    context.logger.warn({ ...fields, asker: context.access?.asker, project: error.project }, "access denied");
    return renderAccessDenied(context.render);
  }
  context.logger.warn({ ...fields, err: error }, "lookup failed");
  return renderError(error, context.render);
}

async function answer(command: Command, context: AnswerContext): Promise<Answer> {
  const { api, render } = context;
  const detail = (history: History) => drawDetail(history, context);
  switch (command.kind) {
    // Acting needs the slash command (a modal, the asker's own audit view); elsewhere it gets the help.
    case "help":
    case "deploy":
    case "audit":
      return { message: renderHelp(render) };
    case "invalid":
      return { message: renderUsageError(command.input, command.reason, render) };
    // Subscriptions belong to a channel: the Slack listeners answer them (slack/subscriptions.ts) before they get here.
    case "subscribe":
    case "unsubscribe":
    case "subscriptions":
      return { message: renderHelp(render) };
    case "projects": {
      const projects = visible(await api.listProjects({ name: command.filter, pageSize: PROJECT_PAGE_SIZE }), context);
      return { message: renderProjectList(projects, command.filter, render) };
    }
    case "history":
    case "list":
    case "latest": {
      const resolved = await resolveProject(command.project, context);
      if (resolved.kind === "reply") return { message: resolved.message };
      const { project } = resolved;
      if (command.kind === "history") return detail(await api.getHistory(project.id, command.historyId));
      const recent = await api.listHistories(project.id, { pageSize: RECENT_HISTORY_COUNT });
      const newest = newestFirst(recent)[0];
      if (command.kind === "list" || !newest)
        return { message: renderHistoryList(withName(project, recent), command.kind === "list" ? recent : [], render) };
      return detail(await api.getHistory(project.id, newest.id));
    }
    case "search":
      return search(command, context);
    case "stats":
      return stats(command, context);
    case "diff":
      return diff(command, context);
  }
}

type SearchCommand = Extract<Command, { kind: "search" }>;
type StatsCommand = Extract<Command, { kind: "stats" }>;
type DiffCommand = Extract<Command, { kind: "diff" }>;

function maxPages(context: AnswerContext): number {
  return context.askMaxPages ?? DEFAULT_ASK_MAX_PAGES;
}

function summary(scan: Scan): ScanSummary {
  return { pages: scan.pages, entries: scan.entries.length, ...(scan.oldest && { oldest: scan.oldest }), end: scan.end };
}

/**
 * Words not understood, each with the closest known word or stage. A stage word the list read does
 * not show is unknown only when it looks like a typo of something known; otherwise it is searched
 * for (a stage with no deployments in the range is not a mistake).
 */
function unknownWords(parsed: readonly string[], stageWords: readonly string[], stages: readonly string[]) {
  const known = [...FILTER_WORDS, ...stages];
  const typos = stageWords.filter((w) => closestWord(w, known) !== undefined);
  const words = [...parsed, ...typos].map((word) => {
    const suggestion = closestWord(word, known);
    return suggestion === undefined ? { word } : { word, suggestion };
  });
  return { words, searched: stageWords.filter((w) => !typos.includes(w)) };
}

async function search(command: SearchCommand, context: AnswerContext): Promise<Answer> {
  const resolved = await resolveProject(command.project, context);
  if (resolved.kind === "reply") return { message: resolved.message };
  const { filter } = command;
  const window = resolveRange(filter.range, context.render.now, context.render.timeZone);
  const count = filter.count ?? (filter.range === undefined ? RECENT_HISTORY_COUNT : MAX_SEARCH_COUNT);
  const matches = matcher({ statuses: filter.statuses, stages: filter.stages, window });
  // Unknown words need only the stage names of the first page for their suggestions.
  const pages = command.unknown.length > 0 ? 1 : maxPages(context);
  const scan = await scanHistories(context.api, resolved.project.id, {
    ...(window.since && { since: window.since }),
    enough: (entries) => entries.filter(matches).length >= count,
    maxPages: pages,
  });
  const seen = stageNames(scan.entries);
  const stages = knownStages(filter.stages, seen);
  const unknown = unknownWords(command.unknown, stages.unknown, seen);
  if (unknown.words.length > 0) return { message: renderUnknownWords(unknown.words, context.render) };
  const project = withName(resolved.project, scan.entries);
  const found = newestFirst(scan.entries.filter(matches)).slice(0, count);
  const shown = { ...filter, stages: [...stages.stages, ...unknown.searched] };
  return { message: renderSearch({ project, filter: shown, matches: found, scan: summary(scan) }, count, context.render) };
}

async function stats(command: StatsCommand, context: AnswerContext): Promise<Answer> {
  const resolved = await resolveProject(command.project, context);
  if (resolved.kind === "reply") return { message: resolved.message };
  const { now, timeZone } = context.render;
  const windows = statsWindows(command.days, now, timeZone);
  const scan = await scanHistories(context.api, resolved.project.id, {
    since: windows.previous.since,
    maxPages: command.unknown.length > 0 ? 1 : maxPages(context),
  });
  const seen = stageNames(scan.entries);
  const stages = knownStages(command.stages, seen);
  const unknown = unknownWords(command.unknown, stages.unknown, seen);
  if (unknown.words.length > 0) return { message: renderUnknownWords(unknown.words, context.render) };
  const wanted = [...stages.stages, ...unknown.searched];
  const inStages = matcher({ statuses: [], stages: wanted, window: {} });
  const figures = computeStats(scan.entries.filter(inStages), command.days, now, timeZone);
  const view = {
    project: withName(resolved.project, scan.entries),
    stages: wanted,
    stats: figures,
    scan: summary(scan),
    previousComplete: scan.end === "all" || scan.end === "covered",
  };
  return { message: renderStats(view, context.render) };
}

async function diff(command: DiffCommand, context: AnswerContext): Promise<Answer> {
  const resolved = await resolveProject(command.project, context);
  if (resolved.kind === "reply") return { message: resolved.message };
  const { api } = context;
  const projectId = resolved.project.id;
  const [now, against] = await Promise.all([
    api.getHistory(projectId, command.historyId),
    command.against === undefined ? undefined : api.getHistory(projectId, command.against),
  ]);
  if (against !== undefined) {
    const then = against;
    const view = { projectId, now, then, lastSuccess: false, diff: diffHistories(now, then) };
    return { message: renderDiff(view, context.render) };
  }
  const scan = await scanHistories(api, projectId, {
    enough: (entries) => lastSuccessBefore(entries, now) !== undefined,
    maxPages: maxPages(context),
  });
  const success = lastSuccessBefore(scan.entries, now);
  if (success === undefined) return { message: renderNoSuccess(now.stage.name || now.stage.id, summary(scan), context.render) };
  const then = await api.getHistory(projectId, success.id);
  return { message: renderDiff({ projectId, now, then, lastSuccess: true, diff: diffHistories(now, then) }, context.render) };
}

/** Fetches one history (if the asker may see its project) and renders its detail, or the refusal or error. */
export async function answerHistory(projectId: string, historyId: string, context: AnswerContext): Promise<Answer> {
  try {
    await authorize({ id: projectId }, context);
    const history = await context.api.getHistory(projectId, historyId);
    return await drawDetail(history, context);
  } catch (error) {
    return { message: failure(error, context, { projectId, historyId }) };
  }
}

/**
 * The project a command names, if the asker may see it (by id, exact name or unique prefix), or
 * the reply that says why not: for commands that act on a project rather than show it (subscriptions).
 */
export async function findProject(ref: ProjectRef, context: AnswerContext): Promise<{ project: Project } | { message: Message }> {
  try {
    const resolved = await resolveProject(ref, context);
    return resolved.kind === "project" ? { project: resolved.project } : { message: resolved.message };
  } catch (error) {
    return { message: failure(error, context, { project: ref }) };
  }
}

/** Whether the asker may see this project; for unfurls, which show nothing rather than a refusal. */
export async function mayView(projectId: string, context: AnswerContext): Promise<boolean> {
  try {
    await authorize({ id: projectId }, context);
    return true;
  } catch (error) {
    if (error instanceof AccessDenied) context.logger.warn({ asker: context.access?.asker, project: error.project }, "access denied");
    else context.logger.warn({ projectId, err: error }, "access check failed");
    return false;
  }
}

const NAME_LOOKUP_PAGES = 10;

/** Throws AccessDenied unless the policy allows the project; looks its name up only when a rule needs it. */
async function authorize(project: { id: string; name?: string }, context: AnswerContext): Promise<void> {
  const access = context.access;
  if (!access) return;
  let decision = access.decide(project);
  if (decision === "need_name") {
    const name = project.name ?? (await projectName(project.id, context.api));
    decision = name === undefined ? "deny" : access.decide({ id: project.id, name });
  }
  if (decision !== "allow") throw new AccessDenied(project);
}

async function projectName(projectId: string, api: SourceDeployApi): Promise<string | undefined> {
  for (let pageNo = 1; pageNo <= NAME_LOOKUP_PAGES; pageNo++) {
    const page = await api.listProjects({ pageNo, pageSize: PROJECT_PAGE_SIZE });
    const found = page.find((p) => p.id === projectId);
    if (found || page.length < PROJECT_PAGE_SIZE) return found?.name;
  }
  return undefined;
}

/** Projects the asker may see (names are known in a project list). */
function visible(projects: readonly Project[], context: AnswerContext): Project[] {
  const access = context.access;
  return access ? projects.filter((p) => access.decide(p) === "allow") : [...projects];
}

/**
 * A project given by id is used as is (its name comes with the histories). A name resolves through
 * the project list: the API's name filter first, then the first page of all projects, so that a
 * unique prefix still resolves when the upstream filter is exact.
 */
async function resolveProject(ref: ProjectRef, context: AnswerContext): Promise<Resolved> {
  if (ref.by === "id") {
    await authorize({ id: ref.id }, context);
    return { kind: "project", project: { id: ref.id, name: "" } };
  }
  // Only projects the asker may see take part, so a refused name resolves like an unknown one.
  const filtered = visible(await context.api.listProjects({ name: ref.name, pageSize: PROJECT_PAGE_SIZE }), context);
  let resolution = resolveProjectName(ref.name, filtered);
  let all: Project[] = [];
  if (resolution.kind === "none") {
    all = visible(await context.api.listProjects({ pageSize: PROJECT_PAGE_SIZE }), context);
    resolution = resolveProjectName(ref.name, all);
  }
  if (resolution.kind === "none" && context.access?.restricted) throw new AccessDenied({ name: ref.name });
  switch (resolution.kind) {
    case "found":
      return { kind: "project", project: resolution.project };
    case "ambiguous":
      return { kind: "reply", message: renderAmbiguousProject(ref.name, resolution.candidates, context.render) };
    case "none":
      return {
        kind: "reply",
        message: renderProjectNotFound(
          ref.name,
          context.render,
          closestWord(
            ref.name,
            all.map((p) => p.name),
          ),
        ),
      };
  }
}

function withName(project: Project, recent: readonly HistorySummary[]): Project {
  if (project.name !== "") return project;
  return { id: project.id, name: recent.find((h) => h.project.name !== "")?.project.name ?? "" };
}

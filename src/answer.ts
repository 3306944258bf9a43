/**
 * The core of every reply: a parsed command in, a rendered message out. Slack listeners call this
 * and only send the result; the CLI and tests call it directly. Failures become rendered error
 * messages here, so no caller ever has to show an exception to a user.
 */
import type { Command, ProjectRef } from "./command.js";
import { resolveProjectName } from "./command.js";
import type { Logger } from "./log.js";
import {
  renderAmbiguousProject,
  renderError,
  renderHelp,
  renderHistory,
  renderHistoryList,
  renderProjectList,
  renderProjectNotFound,
  renderUsageError,
  type RenderOptions,
} from "./render/index.js";
import { isSourceDeployError } from "./sourcedeploy/errors.js";
import type { History, HistorySummary, Project, SourceDeployApi } from "./sourcedeploy/model.js";

export interface Message {
  text: string;
  blocks: unknown[];
}

/** A reply, and the history it shows when it is one history's detail (to follow it live). */
export interface Answer {
  message: Message;
  history?: History;
}

export interface AnswerContext {
  api: SourceDeployApi;
  render: RenderOptions;
  logger: Logger;
}

/** How many histories `<project>` lists. */
export const RECENT_HISTORY_COUNT = 10;
const PROJECT_PAGE_SIZE = 100;

type Resolved = { kind: "project"; project: Project } | { kind: "reply"; message: Message };

export async function answerCommand(command: Command, context: AnswerContext): Promise<Answer> {
  try {
    return await answer(command, context);
  } catch (error) {
    context.logger.warn({ err: describeError(error), command }, "command failed");
    return { message: renderError(error, context.render) };
  }
}

async function answer(command: Command, context: AnswerContext): Promise<Answer> {
  const { api, render } = context;
  const detail = (history: History): Answer => ({ message: renderHistory(history, render), history });
  switch (command.kind) {
    case "help":
      return { message: renderHelp(render) };
    case "invalid":
      return { message: renderUsageError(command.input, command.reason, render) };
    case "projects": {
      const projects = await api.listProjects({ name: command.filter, pageSize: PROJECT_PAGE_SIZE });
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
      const newest = newestOf(recent);
      if (command.kind === "list" || !newest) return { message: renderHistoryList(withName(project, recent), command.kind === "list" ? recent : [], render) };
      return detail(await api.getHistory(project.id, newest.id));
    }
  }
}

/** Fetches one history and renders its detail, or the error as a message. */
export async function answerHistory(projectId: string, historyId: string, context: AnswerContext): Promise<Answer> {
  try {
    const history = await context.api.getHistory(projectId, historyId);
    return { message: renderHistory(history, context.render), history };
  } catch (error) {
    context.logger.warn({ err: describeError(error), projectId, historyId }, "history lookup failed");
    return { message: renderError(error, context.render) };
  }
}

/**
 * A project given by id is used as is (its name comes with the histories). A name resolves through
 * the project list: the API's name filter first, then the first page of all projects, so that a
 * unique prefix still resolves when the upstream filter is exact.
 */
async function resolveProject(ref: ProjectRef, context: AnswerContext): Promise<Resolved> {
  if (ref.by === "id") return { kind: "project", project: { id: ref.id, name: "" } };
  const filtered = await context.api.listProjects({ name: ref.name, pageSize: PROJECT_PAGE_SIZE });
  let resolution = resolveProjectName(ref.name, filtered);
  if (resolution.kind === "none") {
    const all = await context.api.listProjects({ pageSize: PROJECT_PAGE_SIZE });
    resolution = resolveProjectName(ref.name, all);
  }
  switch (resolution.kind) {
    case "found":
      return { kind: "project", project: resolution.project };
    case "ambiguous":
      return { kind: "reply", message: renderAmbiguousProject(ref.name, resolution.candidates, context.render) };
    case "none":
      return { kind: "reply", message: renderProjectNotFound(ref.name, context.render) };
  }
}

function withName(project: Project, recent: readonly HistorySummary[]): Project {
  if (project.name !== "") return project;
  return { id: project.id, name: recent.find((h) => h.project.name !== "")?.project.name ?? "" };
}

function newestOf(list: readonly HistorySummary[]): HistorySummary | undefined {
  const time = (h: HistorySummary) => h.startTime?.getTime() ?? 0;
  return [...list].sort((a, b) => time(b) - time(a) || compareIds(b.id, a.id))[0];
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

export interface ErrorDescription {
  name: string;
  code?: string;
  message: string;
  status?: number;
  attempts?: number;
  upstreamErrorCode?: string;
  upstreamMessage?: string;
}

/** A loggable description of any error: code, safe message and upstream status, never a raw body. */
export function describeError(error: unknown): ErrorDescription {
  if (isSourceDeployError(error)) {
    const { status, attempts, upstream } = error.details;
    return { name: error.name, code: error.code, message: error.message, status, attempts, upstreamErrorCode: upstream?.errorCode, upstreamMessage: upstream?.message };
  }
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { name: error.name, code: typeof code === "string" ? code : undefined, message: error.message };
  }
  return { name: "NonError", message: String(error) };
}

/**
 * A SourceDeployApi over built-in sample data, used when no NCP keys are configured.
 *
 * Demo ids (projectId/historyId):
 *   41027/903344  failed Server deployment (one target failed, one never ran)
 *   41027/904611  running Server deployment (targets deploying, standby, pending)
 *   41027/903501  AutoScalingGroup blue-green deployment, succeeded
 *   41100/904120  KubernetesService canary deployment, canary under analysis
 *   41152/904388  ObjectStorage upload with a backup file, succeeded
 * Projects: 41027 shop-api, 41100 catalog-svc, 41152 storefront-web.
 *
 * Every body goes through the real parser on each call, so callers get fresh objects and the
 * demo exercises the same code as live data.
 */

import { HISTORY_BODIES, HISTORY_LIST_BODIES, PROJECT_LIST } from "./demo-data.js";
import { SourceDeployError } from "./errors.js";
import type { CallOptions, History, HistorySummary, PageQuery, Project, ProjectQuery, SourceDeployApi } from "./model.js";
import { parseHistory, parseHistoryList, parseProjectList } from "./schemas.js";

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 100;

export class DemoSourceDeploy implements SourceDeployApi {
  readonly description = "demo data";

  async getHistory(projectId: string, historyId: string, _options?: CallOptions): Promise<History> {
    const project = checkId("project", projectId);
    const history = checkId("history", historyId);
    const found = demoHistories().find((h) => h.project.id === project && h.id === history);
    if (!found) throw notFound(`History ${project}/${history} was not found.`, { projectId: project, historyId: history });
    return found;
  }

  async listHistories(projectId: string, query: PageQuery = {}, _options?: CallOptions): Promise<HistorySummary[]> {
    const project = checkId("project", projectId);
    if (!parseProjectList(PROJECT_LIST).some((p) => p.id === project)) {
      throw notFound(`Project ${project} was not found.`, { projectId: project });
    }
    return page(newestFirst(historySummaries(project)), query);
  }

  async listProjects(query: ProjectQuery = {}, _options?: CallOptions): Promise<Project[]> {
    const filter = query.name?.trim().toLowerCase() ?? "";
    const projects = parseProjectList(PROJECT_LIST).filter((p) => p.name.toLowerCase().includes(filter));
    return page(projects, query);
  }
}

function demoHistories(): History[] {
  return HISTORY_BODIES.map(parseHistory);
}

function historySummaries(projectId: string): HistorySummary[] {
  const listBody = HISTORY_LIST_BODIES[projectId];
  if (listBody !== undefined) return parseHistoryList(listBody);
  return demoHistories()
    .filter((h) => h.project.id === projectId)
    .map(({ id, project, stage, scenario, status, startTime, endTime }) => ({ id, project, stage, scenario, status, startTime, endTime }));
}

function newestFirst(list: HistorySummary[]): HistorySummary[] {
  const time = (h: HistorySummary) => h.startTime?.getTime() ?? 0;
  return [...list].sort((a, b) => time(b) - time(a) || Number(b.id) - Number(a.id));
}

/** `pageNo` starts at 1; `pageSize` is 1–100 (default 100), as the API documents. */
function page<T>(list: T[], query: PageQuery): T[] {
  const pageNo = query.pageNo ?? 1;
  const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageNo) || pageNo < 1)
    throw new SourceDeployError("invalid_request", "pageNo must be a whole number of at least 1.");
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
    throw new SourceDeployError("invalid_request", `pageSize must be a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  return list.slice((pageNo - 1) * pageSize, pageNo * pageSize);
}

function checkId(what: "project" | "history", id: string): string {
  const trimmed = id.trim();
  if (!/^\d+$/.test(trimmed)) throw new SourceDeployError("invalid_request", `The ${what} id must be digits.`);
  return trimmed;
}

function notFound(message: string, resource: { projectId?: string; historyId?: string }): SourceDeployError {
  return new SourceDeployError("not_found", message, { resource });
}

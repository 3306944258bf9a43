/**
 * Acting on a deployment from Slack (approve, reject, promote, abort, cancel): the one place that
 * decides whether a click may become a write to production, makes it at most once, and records it.
 * The Slack listener (slack/listeners/actions/write.ts) only decodes the click and sends what this
 * returns; everything it is given is treated as forged and checked again here:
 *
 *   1. the policy (`mayDo`): a rule naming the user (id or group, never a channel) lists the
 *      project and grants the verb; the user's groups must be known when the policy names groups;
 *   2. the history, fetched again: its status must allow the action now;
 *   3. a durable claim per history and decision (`write:<p>/<h>:<approval|canary|cancel>`), so two
 *      clicks, two people or a retried interaction make one POST; the later ones learn who and when;
 *   4. one POST, never retried (`refused` and `unknown_outcome` come back as they are);
 *   5. one audit row and one log line per attempt, whatever its outcome.
 *
 * I/O is injected (`WriteDeps`), so the decisions are tested without Slack.
 */
import { type AccessPolicy, type Asker, grantedVerbs, mayDo, namesGroups } from "./access/policy.js";
import { type ProjectRef, resolveProjectName } from "./command.js";
import type { Logger } from "./log.js";
import { actionsFor } from "./render/index.js";
import { isSourceDeployError } from "./sourcedeploy/errors.js";
import {
  HISTORY_ACTIONS,
  type History,
  type HistoryAction,
  type NamedRef,
  type Project,
  type SourceDeployApi,
  type SourceDeployWriteApi,
} from "./sourcedeploy/model.js";
import type { AuditEntry, StateStore } from "./state/types.js";

/** The policy verb each action needs: the approval and canary decisions are `approve`. */
export function verbOf(action: HistoryAction): "approve" | "cancel" {
  return action === "cancel" ? "cancel" : "approve";
}

/** Actions that exclude each other share a claim: an approve and a reject of one history are one decision. */
export function decisionOf(action: HistoryAction): "approval" | "canary" | "cancel" {
  if (action === "approve" || action === "reject") return "approval";
  return action === "cancel" ? "cancel" : "canary";
}

export function claimKeyOf(ref: { projectId: string; historyId: string }, action: HistoryAction): string {
  return `write:${ref.projectId}/${ref.historyId}:${decisionOf(action)}`;
}

/**
 * How long a decision stays claimed. Long enough to cover Slack's retries and a slow SourceDeploy;
 * after it, the status check (the history has moved on) still stops a repeat.
 */
export const WRITE_CLAIM_TTL_MS = 15 * 60_000;

/** The audit row's `action` of each history action. */
export const AUDIT_PREFIX = "write.";

export type WriteOutcome =
  /** SourceDeploy accepted it. */
  | "done"
  /** The policy does not allow it (or the user's groups could not be read). Nothing was sent. */
  | "denied"
  /** The history's status does not allow it (any more). Nothing was sent. */
  | "not_now"
  /** Someone's earlier click of this decision was sent (or is being sent). Nothing was sent. */
  | "already"
  /** SourceDeploy declined it (the deployment moved on meanwhile). */
  | "refused"
  /** Sent, and no answer came: it may or may not have happened. Never retried. */
  | "unknown_outcome"
  /** Something else failed (reading the history, recording the claim, another upstream error). */
  | "failed";

export type Denial =
  /** The policy names Slack user groups and the user's could not be read. */
  | { reason: "groups_unknown" }
  /** No rule grants the verb for this project; `elsewhere`: some rule grants it to the user for other projects. */
  | { reason: "not_granted"; verb: "approve" | "cancel" | "deploy"; elsewhere: boolean };

export interface Holder {
  userId: string;
  /** Epoch ms. */
  at: number;
}

export interface WriteResult {
  outcome: WriteOutcome;
  action: HistoryAction;
  /** The history as it is after the attempt (for the refreshed message), when it could be read. */
  history?: History;
  denial?: Denial;
  holder?: Holder;
  /** The failure's code (`refused`, `unknown_outcome`, `not_found`, …) and NCP's own errorCode. */
  errorCode?: string;
  upstreamErrorCode?: string;
  error?: unknown;
}

export interface WriteRequest {
  /** `groupIds` undefined while the policy names groups means "not known" (Slack could not say). */
  asker: Asker;
  projectId: string;
  historyId: string;
  action: HistoryAction;
}

export interface WriteDeps {
  policy: AccessPolicy;
  /** Reads, charged to the clicking user. */
  api: SourceDeployApi;
  write: SourceDeployWriteApi;
  state: StateStore;
  logger: Logger;
  /** Epoch ms. */
  now?: () => number;
}

/** Who holds each claim this process made; after a restart the audit trail answers. */
const HOLDERS_KEPT = 1000;

export interface Writes {
  perform(request: WriteRequest): Promise<WriteResult>;
}

export function createWrites(deps: WriteDeps): Writes {
  const holders = new Map<string, Holder>();
  const now = deps.now ?? Date.now;
  const remember = (key: string, holder: Holder) => {
    holders.set(key, holder);
    if (holders.size > HOLDERS_KEPT) holders.delete(holders.keys().next().value as string);
  };
  const holderOf = async (key: string, request: WriteRequest): Promise<Holder | undefined> =>
    holders.get(key) ?? holderInAudit(await deps.state.listAudit({ limit: 1000 }).catch(() => []), request);

  return {
    async perform(request) {
      const result = await decideAndSend(request, deps, now, holderOf, remember);
      await record(request, result, deps);
      return result;
    },
  };
}

async function decideAndSend(
  request: WriteRequest,
  deps: WriteDeps,
  now: () => number,
  holderOf: (key: string, request: WriteRequest) => Promise<Holder | undefined>,
  remember: (key: string, holder: Holder) => void,
): Promise<WriteResult> {
  const { asker, projectId, historyId, action } = request;
  const verb = verbOf(action);
  const base = { action };
  if (namesGroups(deps.policy) && asker.groupIds === undefined) return { ...base, outcome: "denied", denial: { reason: "groups_unknown" } };

  let history: History | undefined;
  const read = async () => (history = await deps.api.getHistory(projectId, historyId));
  try {
    let decision = mayDo(deps.policy, asker, { id: projectId }, verb);
    if (decision === "need_name") {
      // A rule lists names: the history carries its project's name. A missing one is refused like any other.
      const found = await read().catch((error: unknown) => {
        if (isSourceDeployError(error) && error.code === "not_found") return undefined;
        throw error;
      });
      decision = found ? mayDo(deps.policy, asker, { id: projectId, name: found.project.name }, verb) : "deny";
    }
    if (decision !== "allow") return { ...base, outcome: "denied", denial: denialOf(deps.policy, asker, verb) };
    history ??= await read();
  } catch (error) {
    return { ...base, outcome: "failed", ...codesOf(error), error };
  }
  const key = claimKeyOf(request, action);
  if (!actionsFor(history.status).includes(action)) {
    // Moved on: because of a decision made here (say who and when), or elsewhere (say it is too late).
    const holder = await holderOf(key, request);
    return holder ? { ...base, outcome: "already", history, holder } : { ...base, outcome: "not_now", history };
  }

  let claimed: boolean;
  try {
    claimed = await deps.state.claimOnce(key, WRITE_CLAIM_TTL_MS, { durable: true });
  } catch (error) {
    return { ...base, outcome: "failed", history, errorCode: "state_unavailable", error };
  }
  if (!claimed) return { ...base, outcome: "already", history, holder: await holderOf(key, request) };
  remember(key, { userId: asker.userId ?? "-", at: now() });

  let outcome: WriteOutcome = "done";
  let failure: Pick<WriteResult, "errorCode" | "upstreamErrorCode" | "error"> = {};
  try {
    await deps.write.act(action, projectId, historyId);
  } catch (error) {
    failure = { ...codesOf(error), error };
    outcome = isSourceDeployError(error) && (error.code === "refused" || error.code === "unknown_outcome") ? error.code : "failed";
  }
  // The message is redrawn from what SourceDeploy says now; without it, the old state is kept.
  const after = await deps.api.getHistory(projectId, historyId).catch(() => history);
  return { ...base, outcome, history: after, ...failure };
}

function denialOf(policy: AccessPolicy, asker: Asker, verb: "approve" | "cancel" | "deploy"): Denial {
  return { reason: "not_granted", verb, elsewhere: grantedVerbs(policy, asker).has(verb) };
}

function codesOf(error: unknown): Pick<WriteResult, "errorCode" | "upstreamErrorCode"> {
  if (!isSourceDeployError(error)) return { errorCode: "internal" };
  const upstream = error.details.upstream?.errorCode;
  return { errorCode: error.code, ...(upstream === undefined ? {} : { upstreamErrorCode: upstream }) };
}

/** The attempt that took the claim, from the audit trail (after a restart the in-process record is gone). */
export function holderInAudit(entries: readonly AuditEntry[], request: WriteRequest): Holder | undefined {
  const subject = `${request.projectId}/${request.historyId}`;
  const taken = entries.find(
    (entry) =>
      entry.subject === subject &&
      entry.action.startsWith(AUDIT_PREFIX) &&
      HOLDS.has(String(entry.detail?.outcome)) &&
      decisionOf(entry.action.slice(AUDIT_PREFIX.length) as HistoryAction) === decisionOf(request.action),
  );
  return taken ? { userId: taken.actor, at: taken.at } : undefined;
}

/** Outcomes of an attempt that held the claim (it was sent). */
const HOLDS: ReadonlySet<string> = new Set<WriteOutcome>(["done", "refused", "unknown_outcome", "failed"]);

/** The audit row's detail: who, where, what, and how it ended. */
export interface WriteAuditDetail {
  team?: string;
  channel?: string;
  project: { id: string; name?: string };
  history: string;
  verb: HistoryAction | "deploy";
  outcome: WriteOutcome;
  errorCode?: string;
  upstreamErrorCode?: string;
  /** Denials: why. */
  denial?: string;
  /** `already`: whose claim it met. */
  holder?: string;
}

async function record(request: WriteRequest, result: WriteResult, deps: WriteDeps): Promise<void> {
  const detail: WriteAuditDetail = {
    ...(request.asker.teamId === undefined ? {} : { team: request.asker.teamId }),
    ...(request.asker.channelId === undefined ? {} : { channel: request.asker.channelId }),
    project: { id: request.projectId, ...(result.history?.project.name ? { name: result.history.project.name } : {}) },
    history: request.historyId,
    verb: request.action,
    outcome: result.outcome,
    ...(result.errorCode === undefined ? {} : { errorCode: result.errorCode }),
    ...(result.upstreamErrorCode === undefined ? {} : { upstreamErrorCode: result.upstreamErrorCode }),
    ...(result.denial === undefined ? {} : { denial: result.denial.reason }),
    ...(result.holder === undefined ? {} : { holder: result.holder.userId }),
  };
  await auditWrite(
    deps,
    request.asker.userId ?? "-",
    `${AUDIT_PREFIX}${request.action}`,
    `${request.projectId}/${request.historyId}`,
    detail,
  );
}

/** One audit row and one log line (warn when nothing good came of it). */
export async function auditWrite(
  deps: Pick<WriteDeps, "state" | "logger">,
  actor: string,
  action: string,
  subject: string,
  detail: WriteAuditDetail,
): Promise<void> {
  const line = { event: "write", actor, ...detail };
  if (detail.outcome === "done") deps.logger.info(line, "write to SourceDeploy");
  else deps.logger.warn(line, `write to SourceDeploy: ${detail.outcome}`);
  try {
    await deps.state.appendAudit({ actor, action, subject, detail: { ...detail } });
  } catch (error) {
    deps.logger.error({ err: error, event: "write.audit_failed", actor, subject }, "the audit row of a write could not be stored");
  }
}

// ---- starting a deployment ----------------------------------------------------------------------

export interface DeployDeps {
  policy: AccessPolicy;
  api: SourceDeployApi;
  write: SourceDeployWriteApi;
  state: StateStore;
  logger: Logger;
}

export interface StageChoice {
  stage: NamedRef;
  scenarios: NamedRef[];
}

export type DeployPlan =
  | { kind: "denied"; denial: Denial }
  | { kind: "choose"; project: Project; choices: StageChoice[]; preselect?: { stageId: string; scenarioId: string } }
  | { kind: "failed"; error: unknown };

/** Stages whose scenarios the modal lists (each one call; the modal must open within Slack's 3 s). */
const MAX_STAGES = 10;
const PROJECT_PAGES = 10;

/**
 * The project a deploy names, with its name (rules may list names). A project that cannot be found
 * is refused like a forbidden one, so the answer never tells which projects exist.
 */
async function findProject(api: SourceDeployApi, ref: ProjectRef): Promise<Project | undefined> {
  if (ref.by === "name") {
    const found = resolveProjectName(ref.name, await api.listProjects({ name: ref.name, pageSize: 100 }));
    return found.kind === "found" ? found.project : undefined;
  }
  for (let pageNo = 1; pageNo <= PROJECT_PAGES; pageNo++) {
    const page = await api.listProjects({ pageNo, pageSize: 100 });
    const project = page.find((p) => p.id === ref.id);
    if (project || page.length < 100) return project;
  }
  return undefined;
}

/** May the asker deploy this project? Groups must be known when the policy names them. */
async function deployAllowed(deps: DeployDeps, asker: Asker, ref: ProjectRef): Promise<{ project: Project } | { denial: Denial }> {
  if (namesGroups(deps.policy) && asker.groupIds === undefined) return { denial: { reason: "groups_unknown" } };
  const project = await findProject(deps.api, ref);
  if (project && mayDo(deps.policy, asker, project, "deploy") === "allow") return { project };
  return { denial: denialOf(deps.policy, asker, "deploy") };
}

const same = (ref: NamedRef, wanted: string | undefined) =>
  wanted !== undefined && (ref.id === wanted || ref.name.toLowerCase() === wanted.toLowerCase());

/** What the start-a-deployment modal offers: the stages and their scenarios, the command's choice preselected. */
export async function planDeploy(
  deps: DeployDeps,
  asker: Asker,
  command: { project: ProjectRef; stage?: string; scenario?: string },
): Promise<DeployPlan> {
  try {
    const allowed = await deployAllowed(deps, asker, command.project);
    if ("denial" in allowed) {
      await auditDeploy(deps, asker, { id: command.project.by === "id" ? command.project.id : "-" }, "denied", { denial: allowed.denial });
      return { kind: "denied", denial: allowed.denial };
    }
    const { project } = allowed;
    const stages = (await deps.write.listStages(project.id)).slice(0, MAX_STAGES);
    const choices = await Promise.all(
      // A stage without scenarios may answer 404: it simply offers nothing.
      stages.map(async (stage) => ({ stage, scenarios: await deps.write.listScenarios(project.id, stage.id).catch(noneIfNotFound) })),
    );
    const stage = choices.find((c) => same(c.stage, command.stage));
    const scenario =
      stage?.scenarios.find((s) => same(s, command.scenario)) ?? (stage?.scenarios.length === 1 ? stage.scenarios[0] : undefined);
    const preselect = stage && scenario ? { stageId: stage.stage.id, scenarioId: scenario.id } : undefined;
    return { kind: "choose", project, choices, ...(preselect ? { preselect } : {}) };
  } catch (error) {
    return { kind: "failed", error };
  }
}

function noneIfNotFound(error: unknown): NamedRef[] {
  if (isSourceDeployError(error) && error.code === "not_found") return [];
  throw error;
}

export type DeployOutcome =
  | { outcome: "done"; project: Project; historyId: string }
  | { outcome: "denied"; denial: Denial }
  /** The scenario is not (any more) one of the project's: choose again. */
  | { outcome: "pick_again" }
  /** This submission was already handled (Slack retried it, or it was sent twice). */
  | { outcome: "already" }
  | { outcome: "refused" | "unknown_outcome" | "failed"; project?: Project; error: unknown };

/**
 * Starts a deployment from a submitted modal. Everything in the submission is checked again (the
 * project's name from SourceDeploy, the policy, that the scenario belongs to the stage of that
 * project); `submissionKey` (the view id) is claimed durably, so a submission is sent once.
 */
export async function startDeployment(
  deps: DeployDeps,
  asker: Asker,
  request: { projectId: string; stageId: string; scenarioId: string; submissionKey: string },
): Promise<DeployOutcome> {
  const subject = { id: request.projectId };
  let project: Project | undefined;
  try {
    const allowed = await deployAllowed(deps, asker, { by: "id", id: request.projectId });
    if ("denial" in allowed) {
      await auditDeploy(deps, asker, subject, "denied", { denial: allowed.denial });
      return { outcome: "denied", denial: allowed.denial };
    }
    project = allowed.project;
    const scenarios = await deps.write.listScenarios(project.id, request.stageId).catch(noneIfNotFound);
    if (!scenarios.some((s) => s.id === request.scenarioId)) return { outcome: "pick_again" };
    if (!(await deps.state.claimOnce(`deploy:${request.submissionKey}`, WRITE_CLAIM_TTL_MS, { durable: true })))
      return { outcome: "already" };
  } catch (error) {
    await auditDeploy(deps, asker, project ?? subject, "failed", codesOf(error));
    return { outcome: "failed", ...(project ? { project } : {}), error };
  }
  try {
    const { historyId } = await deps.write.startDeploy(project.id, request.stageId, request.scenarioId);
    await auditDeploy(deps, asker, project, "done", { history: historyId });
    return { outcome: "done", project, historyId };
  } catch (error) {
    const outcome = isSourceDeployError(error) && (error.code === "refused" || error.code === "unknown_outcome") ? error.code : "failed";
    await auditDeploy(deps, asker, project, outcome, codesOf(error));
    return { outcome, project, error };
  }
}

async function auditDeploy(
  deps: DeployDeps,
  asker: Asker,
  project: { id: string; name?: string },
  outcome: WriteOutcome,
  extra: { history?: string; denial?: Denial; errorCode?: string; upstreamErrorCode?: string },
): Promise<void> {
  const { denial, ...rest } = extra;
  const detail: WriteAuditDetail = {
    ...(asker.teamId === undefined ? {} : { team: asker.teamId }),
    ...(asker.channelId === undefined ? {} : { channel: asker.channelId }),
    project: { id: project.id, ...(project.name ? { name: project.name } : {}) },
    history: rest.history ?? "-",
    verb: "deploy",
    outcome,
    ...(rest.errorCode === undefined ? {} : { errorCode: rest.errorCode }),
    ...(rest.upstreamErrorCode === undefined ? {} : { upstreamErrorCode: rest.upstreamErrorCode }),
    ...(denial === undefined ? {} : { denial: denial.reason }),
  };
  await auditWrite(deps, asker.userId ?? "-", `${AUDIT_PREFIX}deploy`, `${project.id}/${detail.history}`, detail);
}

// ---- the audit list -----------------------------------------------------------------------------

/** How many actions `/deploy-history audit` shows. */
export const AUDIT_SHOWN = 20;
const AUDIT_SCANNED = 1000;

export interface AuditView {
  at: number;
  actor: string;
  verb: HistoryAction | "deploy";
  projectId: string;
  projectName?: string;
  historyId: string;
  outcome: WriteOutcome;
}

const VERBS_SHOWN: ReadonlySet<string> = new Set([...HISTORY_ACTIONS, "deploy"]);
const OUTCOMES: ReadonlySet<string> = new Set<WriteOutcome>([
  "done",
  "denied",
  "not_now",
  "already",
  "refused",
  "unknown_outcome",
  "failed",
]);

/** A write's audit row as a line of the list, or undefined for rows of anything else. */
export function auditViewOf(entry: AuditEntry): AuditView | undefined {
  const detail = entry.detail as Partial<WriteAuditDetail> | undefined;
  const verb = entry.action.startsWith(AUDIT_PREFIX) ? entry.action.slice(AUDIT_PREFIX.length) : "";
  const project = detail?.project;
  if (!VERBS_SHOWN.has(verb) || !OUTCOMES.has(String(detail?.outcome)) || typeof project?.id !== "string") return undefined;
  return {
    at: entry.at,
    actor: entry.actor,
    verb: verb as HistoryAction | "deploy",
    projectId: project.id,
    ...(typeof project.name === "string" ? { projectName: project.name } : {}),
    historyId: typeof detail?.history === "string" ? detail.history : "-",
    outcome: detail?.outcome as WriteOutcome,
  };
}

/**
 * The last actions on projects the asker may view (and, given one, on that project only), newest
 * first. A row whose project the policy lists only by name and whose name was not recorded is left out.
 */
export async function recentActions(
  state: StateStore,
  mayView: (project: { id: string; name?: string }) => boolean,
  project?: ProjectRef,
): Promise<AuditView[]> {
  const wanted = (view: AuditView) =>
    project === undefined ||
    (project.by === "id" ? view.projectId === project.id : view.projectName?.toLowerCase() === project.name.toLowerCase());
  const views = (await state.listAudit({ limit: AUDIT_SCANNED })).flatMap((entry) => auditViewOf(entry) ?? []);
  return views
    .filter((view) => wanted(view) && mayView({ id: view.projectId, ...(view.projectName ? { name: view.projectName } : {}) }))
    .slice(0, AUDIT_SHOWN);
}

/**
 * The write side of the fake SourceDeploy: approval and canary decisions, cancel and starting a
 * deployment (all signed POSTs, checked like the GETs before they get here), with the state
 * transitions the real service makes, plus the stage and scenario lists to choose from.
 *
 *   POST …/history/{h}/approval/accept   pending         → inprogress
 *   POST …/history/{h}/approval/reject   pending         → reject (final)
 *   POST …/history/{h}/canary/accept     canary_pending  → inprogress
 *   POST …/history/{h}/canary/reject     canary_pending  → canary_rejecting
 *   POST …/history/{h}/cancel            inprogress, waiting, canary_analyzing → canceling
 *   POST …/stage/{s}/scenario/{sc}/deploy → a new history in `inprogress`, `{"result":{"historyId":…}}`
 *
 * A verb the history's status does not allow gets 400 with an NCP error body, as the real API
 * answers a decision on a deployment that moved on. Every accepted write is in `writes`.
 */

export interface AcceptedWrite {
  path: string;
  projectId: string;
  historyId: string;
  from?: string;
  to: string;
}

export interface WriteStore {
  histories: Map<string, unknown>;
  /** Stage lists by project id; scenario lists by `projectId/stageId`. */
  stages: Map<string, unknown>;
  scenarios: Map<string, unknown>;
  writes: AcceptedWrite[];
  /** The next id `deploy` hands out. */
  nextHistoryId: number;
}

export interface Answer {
  status: number;
  body: unknown;
}

const TRANSITIONS: Record<string, { from: readonly string[]; to: string }> = {
  "approval/accept": { from: ["pending"], to: "inprogress" },
  "approval/reject": { from: ["pending"], to: "reject" },
  "canary/accept": { from: ["canary_pending"], to: "inprogress" },
  "canary/reject": { from: ["canary_pending"], to: "canary_rejecting" },
  cancel: { from: ["inprogress", "waiting", "canary_analyzing"], to: "canceling" },
};

const OK = { result: { result: true } };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The history object inside a body, wrapped in `result` or flat. */
function historyOf(body: unknown): Record<string, unknown> | undefined {
  if (isRecord(body) && isRecord(body.result)) return body.result;
  return isRecord(body) ? body : undefined;
}

function error(status: number, errorCode: string, message: string, details: string): Answer {
  return { status, body: { error: { errorCode, message, details } } };
}

function decide(store: WriteStore, projectId: string, historyId: string, verb: string, path: string): Answer {
  const key = `${projectId}/${historyId}`;
  const body = store.histories.get(key);
  const history = historyOf(body);
  if (history === undefined) return error(404, "300", "Not Found Exception", `History ${key} does not exist.`);
  const transition = TRANSITIONS[verb];
  if (transition === undefined) return error(404, "300", "Not Found Exception", "Unknown API path.");
  const from = typeof history.status === "string" ? history.status : undefined;
  if (from === undefined || !transition.from.includes(from)) {
    return error(400, "400", "Bad Request", `The deployment is ${from ?? "in an unknown state"}; ${verb} is not possible.`);
  }
  const updated = { ...history, status: transition.to, ...(transition.to === "reject" ? { endTime: Date.now() } : {}) };
  store.histories.set(key, isRecord(body) && isRecord(body.result) ? { ...body, result: updated } : updated);
  store.writes.push({ path, projectId, historyId, from, to: transition.to });
  return { status: 200, body: OK };
}

function startDeploy(store: WriteStore, projectId: string, stageId: string, scenarioId: string, path: string): Answer {
  const scenarios = store.scenarios.get(`${projectId}/${stageId}`);
  const list = historyOf(scenarios)?.scenarioList;
  const scenario = Array.isArray(list) ? list.find((s) => isRecord(s) && String(s.id) === scenarioId) : undefined;
  if (!isRecord(scenario)) return error(404, "300", "Not Found Exception", `Scenario ${scenarioId} does not exist.`);
  const stageList = historyOf(store.stages.get(projectId))?.stageList;
  const stage = Array.isArray(stageList) ? stageList.find((s) => isRecord(s) && String(s.id) === stageId) : undefined;
  const historyId = String(store.nextHistoryId++);
  const template = historyOf(store.histories.get("41027/904611")) ?? {};
  store.histories.set(`${projectId}/${historyId}`, {
    result: {
      ...template,
      id: historyId,
      project: { id: projectId, name: isRecord(template.project) ? template.project.name : "" },
      stage: isRecord(stage) ? stage : { id: stageId, name: "" },
      scenario,
      status: "inprogress",
      startTime: Date.now(),
      endTime: null,
    },
  });
  store.writes.push({ path, projectId, historyId, to: "inprogress" });
  return { status: 200, body: { result: { historyId: Number(historyId) } } };
}

/** A POST under the base path, or undefined when the path is none of the writes. */
export function routeWrite(rest: string, store: WriteStore): Answer | undefined {
  const action = /^\/project\/(\d+)\/history\/(\d+)\/(approval\/accept|approval\/reject|canary\/accept|canary\/reject|cancel)$/.exec(rest);
  if (action) return decide(store, action[1] ?? "", action[2] ?? "", action[3] ?? "", rest);
  const deploy = /^\/project\/(\d+)\/stage\/(\d+)\/scenario\/(\d+)\/deploy$/.exec(rest);
  if (deploy) return startDeploy(store, deploy[1] ?? "", deploy[2] ?? "", deploy[3] ?? "", rest);
  return undefined;
}

/** `GET …/stage` and `GET …/stage/{s}/scenario`, or undefined when the path is neither. */
export function routeChoices(rest: string, store: WriteStore): Answer | undefined {
  const stages = /^\/project\/(\d+)\/stage$/.exec(rest);
  if (stages) {
    const body = store.stages.get(stages[1] ?? "");
    return body === undefined ? error(404, "300", "Not Found Exception", `Project ${stages[1]} does not exist.`) : { status: 200, body };
  }
  const scenarios = /^\/project\/(\d+)\/stage\/(\d+)\/scenario$/.exec(rest);
  if (scenarios) {
    const body = store.scenarios.get(`${scenarios[1]}/${scenarios[2]}`);
    return body === undefined ? error(404, "300", "Not Found Exception", `Stage ${scenarios[2]} does not exist.`) : { status: 200, body };
  }
  return undefined;
}

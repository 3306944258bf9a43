/**
 * A finished deployment never looks running. SourceDeploy sometimes ends a history (say
 * `canary_waiting_timeout`, or canceled) while some targets or steps still read `inprogress`; those
 * are shown as "did not finish", and servers that had not started yet as "not deployed".
 */
import type { History, ServerTarget, Steps } from "../sourcedeploy/model.js";
import { STEP_NAMES } from "../sourcedeploy/model.js";
import { historyStatus } from "./status.js";

const STARTED_TARGET: ReadonlySet<string> = new Set(["pre", "deploy", "post"]);
const WAITING_TARGET: ReadonlySet<string> = new Set(["pending", "standby"]);

function settleSteps(steps: Steps): Steps {
  if (!STEP_NAMES.some((name) => steps[name]?.status === "inprogress")) return steps;
  const out: Steps = { ...steps };
  for (const name of STEP_NAMES) {
    const step = steps[name];
    if (step?.status === "inprogress") out[name] = { ...step, status: "stopped" };
  }
  return out;
}

function settleTarget(target: ServerTarget): ServerTarget {
  const status = STARTED_TARGET.has(target.status) ? "stopped" : WAITING_TARGET.has(target.status) ? "no progress" : target.status;
  const steps = settleSteps(target.steps);
  return status === target.status && steps === target.steps ? target : { ...target, status, steps };
}

/** `history` itself while it runs; once final, a copy where nothing reads as still running. */
export function settled(history: History): History {
  if (!historyStatus(history.status).terminal) return history;
  return {
    ...history,
    targets: history.targets.map(settleTarget),
    ...(history.steps === undefined ? {} : { steps: settleSteps(history.steps) }),
  };
}

/**
 * A running deployment that moves one step at a time, for the e2e tests that follow a message
 * live: 4 server targets deployed one after another, each standby → pre → deploy → post → success.
 */
import { readFixture } from "../support/fixtures.js";

const FIXTURE = readFixture<{ result: Record<string, unknown> & { config: { targets: Record<string, unknown>[] }[] } }>(
  "server-inprogress.wrapped.json",
);
const TARGET_STATUSES = ["standby", "pre", "deploy", "post", "success"];

/** The step at which every target has succeeded (and the history with it). */
export const LAST_STEP = 16;

/** The history-detail body of `historyId` at `step` (0 … LAST_STEP). */
export function stateAt(historyId: string, step: number): unknown {
  const targets = FIXTURE.result.config[0]!.targets.map((target, index) => {
    const phase = Math.max(0, Math.min(4, step - index * 4));
    return { ...target, status: TARGET_STATUSES[phase], step: {}, time: {} };
  });
  const done = targets.every((t) => t.status === "success");
  return {
    result: {
      ...FIXTURE.result,
      id: historyId,
      status: done ? "success" : "inprogress",
      endTime: done ? 1772978900000 : null,
      config: [{ ...FIXTURE.result.config[0], targets }],
    },
  };
}

/**
 * What changed between two deployments of a project (usually a failure and the last success before
 * it in the same stage): stage, scenario, strategy, file, targets added and removed, and the targets
 * that failed now but succeeded then. Pure.
 */
import { type History, type HistorySummary, knownStrategy } from "../sourcedeploy/model.js";

export type DiffField = "stage" | "scenario" | "strategy" | "file";

export interface FieldChange {
  field: DiffField;
  /** Values as shown: names, a strategy as sent, a file as `name (type)`. */
  then?: string;
  now?: string;
}

export interface HistoryDiff {
  changed: FieldChange[];
  same: DiffField[];
  added: string[];
  removed: string[];
  /** Failed in the newer deployment, succeeded in the older one. */
  regressed: string[];
}

function fieldValue(history: History, field: DiffField): string | undefined {
  switch (field) {
    case "stage":
      return history.stage.name || history.stage.id || undefined;
    case "scenario":
      return history.scenario.name || history.scenario.id || undefined;
    case "strategy": {
      const raw = history.config.strategy;
      return raw === undefined ? undefined : (knownStrategy(raw) ?? raw);
    }
    case "file": {
      const file = history.config.file;
      return file === undefined || file.name === "" ? undefined : file.type ? `${file.name} (${file.type})` : file.name;
    }
  }
}

const FIELDS: readonly DiffField[] = ["stage", "scenario", "strategy", "file"];

/** A server is the same server in both when its name (else its number) is. */
function targetKey(target: History["targets"][number]): string {
  return target.name !== "" ? target.name : (target.serverNo ?? "");
}

/** `now` is the deployment asked about, `then` the one it is compared with. */
export function diffHistories(now: History, then: History): HistoryDiff {
  const changed: FieldChange[] = [];
  const same: DiffField[] = [];
  for (const field of FIELDS) {
    const a = fieldValue(then, field);
    const b = fieldValue(now, field);
    if (a === b) same.push(field);
    else changed.push({ field, ...(a !== undefined && { then: a }), ...(b !== undefined && { now: b }) });
  }
  const before = new Map(then.targets.map((t) => [targetKey(t), t]));
  const after = new Map(now.targets.map((t) => [targetKey(t), t]));
  const added = [...after.keys()].filter((k) => k !== "" && !before.has(k));
  const removed = [...before.keys()].filter((k) => k !== "" && !after.has(k));
  const regressed = [...after].filter(([k, t]) => t.status === "fail" && before.get(k)?.status === "success").map(([k]) => k);
  return { changed, same, added, removed, regressed };
}

/** The newest success in the same stage that started before `history` (the list is read newest first). */
export function lastSuccessBefore(entries: readonly HistorySummary[], history: History): HistorySummary | undefined {
  const start = history.startTime?.getTime() ?? Number.POSITIVE_INFINITY;
  const candidates = entries.filter(
    (e) =>
      e.status === "success" && e.id !== history.id && sameStage(e, history) && e.startTime !== undefined && e.startTime.getTime() < start,
  );
  return candidates.sort((a, b) => (b.startTime?.getTime() ?? 0) - (a.startTime?.getTime() ?? 0))[0];
}

function sameStage(entry: HistorySummary, history: History): boolean {
  if (entry.stage.id !== "" && history.stage.id !== "") return entry.stage.id === history.stage.id;
  return entry.stage.name === history.stage.name;
}

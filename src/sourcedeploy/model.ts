/**
 * The normalized SourceDeploy model. Every API body, whatever envelope, spelling or id type it
 * used, is parsed into these shapes (see ./schemas.ts); nothing above this folder ever sees raw JSON.
 * Ids are always strings. Status values are kept as sent (lower-cased, trimmed) so unknown future
 * values survive; the known ones are listed below.
 */

export const HISTORY_STATUSES = [
  "success",
  "fail",
  "inprogress",
  "pending",
  "reject",
  "canceling",
  "canceled",
  "waiting",
  "error",
  "canary_pending",
  "canary_reject",
  "canary_analyzing",
  "canary_waiting_timeout",
  "canary_rejecting",
] as const;
export type KnownHistoryStatus = (typeof HISTORY_STATUSES)[number];

/** A history in one of these never changes again. */
export const TERMINAL_HISTORY_STATUSES: ReadonlySet<string> = new Set<KnownHistoryStatus>([
  "success",
  "fail",
  "reject",
  "canceled",
  "error",
  "canary_reject",
  "canary_waiting_timeout",
]);

export function isTerminalHistoryStatus(status: string): boolean {
  return TERMINAL_HISTORY_STATUSES.has(status);
}

export const TARGET_STATUSES = ["pending", "standby", "pre", "deploy", "post", "success", "fail", "no progress"] as const;
export type KnownTargetStatus = (typeof TARGET_STATUSES)[number];

/** Step status: the API's `succss` typo is normalized to `success`. Absent = the step never ran. */
export const STEP_STATUSES = ["success", "fail", "inprogress"] as const;
export type KnownStepStatus = (typeof STEP_STATUSES)[number];

export const STEP_NAMES = ["pre", "deploy", "post"] as const;
export type StepName = (typeof STEP_NAMES)[number];

/** History ids are numbers as text: compared as numbers when both are digits, else as text. */
export function compareHistoryIds(a: string, b: string): number {
  const digits = /^\d+$/;
  if (digits.test(a) && digits.test(b)) return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Canonical deployment type; the documented typos map onto these. */
export type DeploymentType = "Server" | "AutoScalingGroup" | "KubernetesService" | "ObjectStorage" | "Unknown";

/** `History.targetShape`: one entry per server, or one deployment-wide set of steps. */
export type TargetShape = "servers" | "single";

/** Deployment strategies the docs list; others are kept as sent. */
export const STRATEGIES = ["normal", "blueGreen", "rolling", "canary"] as const;
export type KnownStrategy = (typeof STRATEGIES)[number];

/** Where a deployment file comes from; `ObjectStroage` (a typo in the docs) is Object Storage. */
export const FILE_TYPES = ["SourceBuild", "ObjectStorage"] as const;
export type KnownFileType = (typeof FILE_TYPES)[number];

/** Letters only, lower-cased: `blue_green`, `Blue-Green` and `blueGreen` all read `bluegreen`. */
function stem(value: string): string {
  return value.toLowerCase().replace(/[^a-z]/g, "");
}

const STRATEGY_STEMS = new Map<string, KnownStrategy>([
  ...STRATEGIES.map((s) => [stem(s), s] as const),
  ["default", "normal"],
  ["basic", "normal"],
]);

export function knownStrategy(value: string): KnownStrategy | undefined {
  return STRATEGY_STEMS.get(stem(value));
}

const FILE_TYPE_STEMS = new Map<string, KnownFileType>([
  ...FILE_TYPES.map((t) => [stem(t), t] as const),
  ["objectstroage", "ObjectStorage"],
  ["objectstorge", "ObjectStorage"],
]);

export function knownFileType(value: string): KnownFileType | undefined {
  return FILE_TYPE_STEMS.get(stem(value));
}

export interface NamedRef {
  id: string;
  name: string;
}

export interface Step {
  /** `success` | `fail` | `inprogress` | an unknown value as sent; undefined when only a time was sent. */
  status?: string;
  time?: Date;
}

/** A step key is absent when the API did not report that step (it never ran). */
export type Steps = Partial<Record<StepName, Step>>;

export interface ServerTarget {
  name: string;
  /** Server instance number, as a string. */
  serverNo?: string;
  /** Target status (`pending`, `standby`, `pre`, `deploy`, `post`, `success`, `fail`, `no progress`, or unknown). */
  status: string;
  steps: Steps;
}

export interface DeploymentFile {
  /** `file.selected`, or `file.file` in the Go SDK's shape. */
  name: string;
  type?: string;
}

export interface DeploymentConfig {
  strategy?: string;
  file?: DeploymentFile;
  autoScalingGroup?: { no?: string; name?: string };
  backupFile?: string;
}

export interface History {
  id: string;
  project: NamedRef;
  stage: NamedRef;
  scenario: NamedRef;
  status: string;
  executor?: string;
  startTime?: Date;
  endTime?: Date;
  type: DeploymentType;
  /** The type exactly as the API spelled it (e.g. `Kuberneteservice`). */
  rawType?: string;
  config: DeploymentConfig;
  /**
   * `servers`: Server and AutoScalingGroup deployments, one entry per server in `targets`.
   * `single`: KubernetesService and ObjectStorage deployments, whose one target has only steps
   * (`pre` / `deploy`) and lives in `steps`; `targets` is then empty.
   */
  targetShape: TargetShape;
  targets: ServerTarget[];
  steps?: Steps;
}

/** One entry of `GET /project/{id}/history`. */
export interface HistorySummary {
  id: string;
  project: NamedRef;
  stage: NamedRef;
  scenario: NamedRef;
  status: string;
  startTime?: Date;
  endTime?: Date;
}

export interface Project {
  id: string;
  name: string;
}

export interface PageQuery {
  pageNo?: number;
  /** At most 100 (the API's limit). */
  pageSize?: number;
  /**
   * A history page this recent (ms) will do: the cache may answer from a page it read for someone
   * else (see cache.ts). Not sent upstream. Absent: always a fresh page.
   */
  maxAgeMs?: number;
}

export interface ProjectQuery extends PageQuery {
  name?: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /**
   * The user the call is made for (an opaque key): the call is charged to their budget and takes
   * its turn among theirs (see rate-limit.ts). Absent: the app's own work, e.g. live polling.
   */
  onBehalfOf?: string;
}

/**
 * Decisions and commands on one history, each a signed POST under `project/{p}/history/{h}/`:
 * `approve` / `reject` a deployment awaiting approval (`approval/accept`, `approval/reject`),
 * `promote` / `abort` a canary awaiting a decision (`canary/accept`, `canary/reject`), `cancel` a
 * running one.
 */
export const HISTORY_ACTIONS = ["approve", "reject", "promote", "abort", "cancel"] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

/**
 * Writes to production. Never retried: a write that got no answer fails with `unknown_outcome`,
 * one SourceDeploy declined with `refused`.
 */
export interface SourceDeployWriteApi {
  act(action: HistoryAction, projectId: string, historyId: string, options?: CallOptions): Promise<void>;
  /** `POST project/{p}/stage/{s}/scenario/{sc}/deploy`: the new history's id. */
  startDeploy(projectId: string, stageId: string, scenarioId: string, options?: CallOptions): Promise<{ historyId: string }>;
  listStages(projectId: string, options?: CallOptions): Promise<NamedRef[]>;
  listScenarios(projectId: string, stageId: string, options?: CallOptions): Promise<NamedRef[]>;
}

/** What the app needs from SourceDeploy; the HTTP client and the demo data both implement it. */
export interface SourceDeployApi {
  getHistory(projectId: string, historyId: string, options?: CallOptions): Promise<History>;
  listHistories(projectId: string, query?: PageQuery, options?: CallOptions): Promise<HistorySummary[]>;
  listProjects(query?: ProjectQuery, options?: CallOptions): Promise<Project[]>;
  /** Human description for logs, e.g. the base URL or "demo data". */
  readonly description: string;
}

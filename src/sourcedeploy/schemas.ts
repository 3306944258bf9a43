/**
 * Tolerant parsing of SourceDeploy response bodies into the model (./model.ts).
 *
 * Two steps: small zod schemas accept every spelling the docs and the Go SDK show (ids as numbers
 * or strings, timestamps in s or ms, `{"result": …}` or flat, `config` as array or object, …) and
 * clean the leaf values; one normalize step then turns the raw shape into a History.
 * Failures surface only as SourceDeployError("invalid_response") naming the JSON path that failed.
 */
import { z } from "zod";
import { formatPath } from "../validation-path.js";
import { SourceDeployError } from "./errors.js";
import type {
  DeploymentConfig,
  DeploymentType,
  History,
  HistorySummary,
  NamedRef,
  Project,
  ServerTarget,
  Step,
  StepName,
  Steps,
} from "./model.js";
import { STEP_NAMES } from "./model.js";

// ---------------------------------------------------------------------------------------------
// Leaf values

/**
 * Every text of the model is at most this long. Real names are far shorter; the cap keeps a hostile
 * or broken body (a 4 MB name) from costing seconds of escaping and rendering on every poll.
 */
const MAX_TEXT_LENGTH = 1000;
const ELLIPSIS = "…";
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/**
 * `raw` shortened to `MAX_TEXT_LENGTH` with an ellipsis. Only the head is segmented, so the cost is
 * bounded whatever the input. The head ends on a whole code point, so its graphemes are the text's,
 * except the last, which the cut may have split: it is dropped, and no emoji sequence is broken.
 */
function capText(raw: string): string {
  if (raw.length <= MAX_TEXT_LENGTH) return raw;
  const endsInPair = /[\uD800-\uDBFF]/.test(raw.charAt(MAX_TEXT_LENGTH - 1));
  const head = raw.slice(0, endsInPair ? MAX_TEXT_LENGTH - 1 : MAX_TEXT_LENGTH);
  const whole = [...graphemes.segment(head)].slice(0, -1).map((g) => g.segment);
  return whole.join("") + ELLIPSIS;
}

const scalar = z.union([z.string(), z.number()], {
  error: (issue) => (issue.input === undefined ? "missing" : "expected text or a number"),
});

/** A scalar as trimmed, capped text. */
const text = (v: string | number) => capText(String(v).trim());

/**
 * A required id: a non-empty string or number, kept as a trimmed string. Ids address the API, so an
 * over-long one is refused rather than shortened into a different id.
 */
const requiredId = scalar
  .transform((v) => String(v).trim())
  .refine((v) => v !== "", "expected a non-empty id")
  .refine((v) => v.length <= MAX_TEXT_LENGTH, `expected an id of at most ${MAX_TEXT_LENGTH} characters`);

/** A name: absent or null → "". */
const name = scalar.nullish().transform((v) => (v == null ? "" : text(v)));

/** Optional text or number (strategy, backup file, `server.no`, …): absent, null or blank → undefined. */
const optionalText = scalar.nullish().transform((v) => (v == null ? undefined : text(v) || undefined));

/** Optional raw text (`type`, `server.name`): capped, otherwise as sent. */
const optionalRaw = scalar.nullish().transform((v) => (v == null ? v : typeof v === "number" ? v : capText(v)));

const lowerStatus = (v: string | number) => text(v).toLowerCase();

const requiredStatus = scalar.transform(lowerStatus).refine((v) => v !== "", "expected a non-empty status");

/** Target status: absent → "" (rendered as an unknown status, never a crash). */
const targetStatus = scalar.nullish().transform((v) => (v == null ? "" : lowerStatus(v)));

/** Step status: `succss` (documented typo) → `success`; absent or blank → undefined. */
const stepStatus = scalar.nullish().transform((v) => {
  const status = v == null ? "" : lowerStatus(v);
  if (status === "") return undefined;
  return status === "succss" ? "success" : status;
});

/** Values below 10^11 are seconds (10^11 ms is 1973; 10^11 s is the year 5138). */
const SECONDS_BELOW = 1e11;
const MAX_EPOCH_MS = 8.64e15;

/** Epoch seconds or milliseconds, as a number or a numeric string; null, absent, blank or 0 → undefined. */
const timestamp = z
  .preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : Number(v)) : v),
    z.number({ error: "expected a timestamp (epoch seconds or milliseconds)" }).min(0, "expected a non-negative timestamp").nullish(),
  )
  .transform((v) => toDate(v))
  .refine((d) => d === undefined || !Number.isNaN(d.getTime()), "timestamp out of range");

function toDate(value: number | null | undefined): Date | undefined {
  if (value == null || value === 0) return undefined;
  const ms = value < SECONDS_BELOW ? value * 1000 : value;
  return ms > MAX_EPOCH_MS ? new Date(Number.NaN) : new Date(Math.round(ms));
}

// ---------------------------------------------------------------------------------------------
// Raw shapes

const namedRef = z.object({ id: optionalText, name }).nullish();
const projectRef = z.object({ id: requiredId, name }, { error: "expected the project {id, name}" });

const stepTimes = z.object({ pre: timestamp, deploy: timestamp, post: timestamp }).nullish();
const stepStatuses = z.object({ pre: stepStatus, deploy: stepStatus, post: stepStatus }).nullish();

/** The single target of KubernetesService / ObjectStorage deployments: only steps. */
const singleTarget = z.object({ time: stepTimes, step: stepStatuses });

const serverTarget = z.object({
  server: z.object({ no: optionalText, name: optionalRaw }).nullish(),
  status: targetStatus,
  time: stepTimes,
  step: stepStatuses,
});

const file = z.union([
  z.object({ selected: optionalText, file: optionalText, type: optionalText }),
  scalar.transform((v) => ({ selected: text(v), file: undefined, type: undefined })),
]);

const configObject = z.object({
  strategy: optionalText,
  file: file.nullish(),
  autoScalingGroup: z.object({ no: optionalText, name: optionalText }).nullish(),
  backupFile: optionalText,
  targets: z
    .union([z.array(serverTarget.nullable()), singleTarget], { error: "expected a list of server targets or one target object" })
    .nullish(),
});

const historyBody = z.object(
  {
    id: requiredId,
    project: projectRef,
    stage: namedRef,
    scenario: namedRef,
    status: requiredStatus,
    executor: optionalText,
    startTime: timestamp,
    endTime: timestamp,
    type: optionalRaw,
    strategy: optionalText,
    config: z.union([z.array(configObject.nullable()), configObject], { error: "expected a config object or a list of them" }).nullish(),
  },
  { error: "expected a history object" },
);

const historySummary = z.object({
  id: requiredId,
  project: projectRef,
  stage: namedRef,
  scenario: namedRef,
  status: requiredStatus,
  startTime: timestamp,
  endTime: timestamp,
});

const historyListBody = z.object(
  { historyList: z.array(historySummary.nullable()).nullable() },
  { error: "expected an object with historyList" },
);
const projectListBody = z.object(
  { projectList: z.array(z.object({ id: requiredId, name }).nullable()).nullable() },
  { error: "expected an object with projectList" },
);

const stageListBody = z.object(
  { stageList: z.array(z.object({ id: requiredId, name }).nullable()).nullable() },
  { error: "expected an object with stageList" },
);
const scenarioListBody = z.object(
  { scenarioList: z.array(z.object({ id: requiredId, name }).nullable()).nullable() },
  { error: "expected an object with scenarioList" },
);
/** A write's answer: `{"result": true}` (older docs) or `{"result": {"result": true}}`; anything but `false` is done. */
const writeResultBody = z.object({ result: z.unknown() }, { error: "expected an object with result" });
const deployStartedBody = z.object({ historyId: requiredId }, { error: "expected an object with historyId" });

type RawHistory = z.output<typeof historyBody>;
type RawConfig = z.output<typeof configObject>;
type RawServerTarget = z.output<typeof serverTarget>;
type RawSteps = z.output<typeof singleTarget>;

// ---------------------------------------------------------------------------------------------
// Public parse functions

export function parseHistory(body: unknown): History {
  return toHistory(parseEnvelope(historyBody, body, "id", "history"));
}

export function parseHistoryList(body: unknown): HistorySummary[] {
  const list = parseEnvelope(historyListBody, body, "historyList", "history list").historyList ?? [];
  return list.filter((entry) => entry !== null).map(toSummary);
}

export function parseProjectList(body: unknown): Project[] {
  const list = parseEnvelope(projectListBody, body, "projectList", "project list").projectList ?? [];
  return list.filter((entry) => entry !== null);
}

export function parseStageList(body: unknown): NamedRef[] {
  const list = parseEnvelope(stageListBody, body, "stageList", "stage list").stageList ?? [];
  return list.filter((entry) => entry !== null);
}

export function parseScenarioList(body: unknown): NamedRef[] {
  const list = parseEnvelope(scenarioListBody, body, "scenarioList", "scenario list").scenarioList ?? [];
  return list.filter((entry) => entry !== null);
}

/**
 * The answer of an approval, canary or cancel POST. The two documented envelopes are
 * `{"result": true}` and `{"result": {"result": true}}`; an explicit `false` means SourceDeploy
 * did not do it (reported as a refusal, like a 4xx).
 */
export function parseWriteResult(body: unknown): boolean {
  const outer = writeResultBody.safeParse(body);
  if (!outer.success)
    throw new SourceDeployError("invalid_response", "SourceDeploy returned an unexpected write answer at (root)", { path: "(root)" });
  const inner = outer.data.result;
  const value = isRecord(inner) && "result" in inner ? inner.result : inner;
  return value !== false;
}

/** The answer of `POST …/scenario/{id}/deploy`: the new history's id. */
export function parseDeployStarted(body: unknown): string {
  return parseEnvelope(deployStartedBody, body, "historyId", "deploy answer").historyId;
}

/** The NCP error envelope {"error":{errorCode,message,details}} (also tolerate flat {errorCode,message}); undefined when the body is not one. */
export function parseErrorBody(body: unknown): { errorCode?: string; message?: string; details?: string } | undefined {
  if (!isRecord(body)) return undefined;
  const source = isRecord(body.error) ? body.error : "errorCode" in body ? body : undefined;
  if (source === undefined) return undefined;
  const errorCode = lenientText(source.errorCode);
  const message = lenientText(source.message);
  const details = lenientText(source.details);
  if (errorCode === undefined && message === undefined) return undefined;
  return {
    ...(errorCode !== undefined && { errorCode }),
    ...(message !== undefined && { message }),
    ...(details !== undefined && { details }),
  };
}

function lenientText(value: unknown): string | undefined {
  return typeof value === "string" || typeof value === "number" ? text(value) || undefined : undefined;
}

// ---------------------------------------------------------------------------------------------
// Envelope and error paths

/** Parses a flat body or one wrapped in `{"result": …}` (unwrapped only when `key` is not at the top). */
function parseEnvelope<S extends z.ZodType>(schema: S, body: unknown, key: string, what: string): z.output<S> {
  const wrapped = isRecord(body) && !(key in body) && "result" in body;
  const input = wrapped ? body.result : body;
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = deepestIssue(parsed.error.issues);
  const path = formatPath([...(wrapped ? ["result"] : []), ...issue.path]) || "(root)";
  throw new SourceDeployError("invalid_response", `SourceDeploy returned an unexpected ${what} body at ${path}: ${issue.message}`, {
    path,
  });
}

interface PathIssue {
  path: PropertyKey[];
  message: string;
}

/** For a failed union, the option that got furthest explains the failure best. */
function deepestIssue(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): PathIssue {
  const candidates = issues.map((issue): PathIssue => {
    const path = [...prefix, ...issue.path];
    if (issue.code !== "invalid_union" || issue.errors.length === 0) return { path, message: issue.message };
    const inner = issue.errors.map((option) => deepestIssue(option, path));
    const best = longestPath(inner);
    return best.path.length > path.length ? best : { path, message: issue.message };
  });
  return longestPath(candidates);
}

function longestPath(issues: PathIssue[]): PathIssue {
  return issues.reduce(
    (best, issue) => (issue.path.length > best.path.length ? issue : best),
    issues[0] ?? { path: [], message: "invalid body" },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------------------------
// Normalize

function toHistory(raw: RawHistory): History {
  const configs = raw.config == null ? [] : Array.isArray(raw.config) ? raw.config.filter((c) => c !== null) : [raw.config];
  const type = canonicalType(raw.type);
  const shape = targetShape(configs, type);
  return {
    ...toSummary(raw),
    ...(raw.executor !== undefined && { executor: raw.executor }),
    type,
    ...(raw.type != null && { rawType: String(raw.type) }),
    config: toConfig(configs, raw.strategy),
    targetShape: shape,
    targets: shape === "servers" ? serverTargets(configs).map(toServerTarget) : [],
    ...(shape === "single" && { steps: toSteps(singleTargetOf(configs)) }),
  };
}

function toSummary(raw: z.output<typeof historySummary>): HistorySummary {
  return {
    id: raw.id,
    project: raw.project,
    stage: toNamedRef(raw.stage),
    scenario: toNamedRef(raw.scenario),
    status: raw.status,
    ...(raw.startTime !== undefined && { startTime: raw.startTime }),
    ...(raw.endTime !== undefined && { endTime: raw.endTime }),
  };
}

function toNamedRef(ref: { id?: string | undefined; name: string } | null | undefined): NamedRef {
  return { id: ref?.id ?? "", name: ref?.name ?? "" };
}

/**
 * Canonical type from any documented spelling: case-insensitive, a `THistory`/`THisotry` prefix
 * dropped, and matched on a stem so typos like `Kuberneteservice` and `ObjectStroage` still land.
 */
function canonicalType(raw: string | number | null | undefined): DeploymentType {
  if (raw == null) return "Unknown";
  const key = String(raw)
    .toLowerCase()
    .replace(/[^a-z]/g, "")
    .replace(/^th(istory|isotry|sitory|istroy)/, "");
  if (key === "server") return "Server";
  if (key.startsWith("autoscaling") || key === "asg") return "AutoScalingGroup";
  if (key.startsWith("kube") || key === "nks" || key === "k8s") return "KubernetesService";
  if (key.startsWith("object")) return "ObjectStorage";
  return "Unknown";
}

/** The data decides when it can (a targets array or object); otherwise the type does. */
function targetShape(configs: RawConfig[], type: DeploymentType): History["targetShape"] {
  const targets = configs.map((c) => c.targets).filter((t) => t != null);
  if (targets.some((t) => Array.isArray(t))) return "servers";
  if (targets.length > 0) return "single";
  return type === "KubernetesService" || type === "ObjectStorage" ? "single" : "servers";
}

function serverTargets(configs: RawConfig[]): RawServerTarget[] {
  return configs.flatMap((c) => (Array.isArray(c.targets) ? c.targets.filter((t) => t !== null) : []));
}

function singleTargetOf(configs: RawConfig[]): RawSteps | undefined {
  for (const c of configs) if (c.targets != null && !Array.isArray(c.targets)) return c.targets;
  return undefined;
}

/** Config fields come from the first config entry that has them; top-level `strategy` is the fallback. */
function toConfig(configs: RawConfig[], topLevelStrategy: string | undefined): DeploymentConfig {
  const first = <T>(pick: (c: RawConfig) => T | null | undefined): T | undefined => {
    for (const c of configs) {
      const value = pick(c);
      if (value != null) return value;
    }
    return undefined;
  };
  const strategy = first((c) => c.strategy) ?? topLevelStrategy;
  const rawFile = first((c) => c.file);
  const asg = first((c) => c.autoScalingGroup);
  const backupFile = first((c) => c.backupFile);
  return {
    ...(strategy !== undefined && { strategy }),
    ...(rawFile && { file: { name: rawFile.selected ?? rawFile.file ?? "", ...(rawFile.type !== undefined && { type: rawFile.type }) } }),
    ...(asg && { autoScalingGroup: { ...(asg.no !== undefined && { no: asg.no }), ...(asg.name !== undefined && { name: asg.name }) } }),
    ...(backupFile !== undefined && { backupFile }),
  };
}

function toServerTarget(raw: RawServerTarget): ServerTarget {
  const serverNo = raw.server?.no;
  const rawName = raw.server?.name;
  const name = rawName == null || String(rawName).trim() === "" ? (serverNo ?? "") : String(rawName).trim();
  return { name, ...(serverNo !== undefined && { serverNo }), status: raw.status, steps: toSteps(raw) };
}

/** A step is present only if the API reported a status or a time for it. */
function toSteps(raw: RawSteps | undefined): Steps {
  const steps: Steps = {};
  for (const stepName of STEP_NAMES) {
    const step = toStep(raw, stepName);
    if (step) steps[stepName] = step;
  }
  return steps;
}

function toStep(raw: RawSteps | undefined, stepName: StepName): Step | undefined {
  const status = raw?.step?.[stepName];
  const time = raw?.time?.[stepName];
  if (status === undefined && time === undefined) return undefined;
  return { ...(status !== undefined && { status }), ...(time !== undefined && { time }) };
}

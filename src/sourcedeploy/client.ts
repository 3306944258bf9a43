/**
 * The SourceDeploy HTTP client (undici). Every call has one overall deadline that covers all its
 * attempts; idempotent GETs are retried on 429, 502/503/504, connection failures and per-attempt
 * timeouts with exponential backoff and full jitter. Writes (POST) are sent once and never
 * retried: no answer is `unknown_outcome`, a 400/409/412 or `result: false` is `refused`. Every failure becomes a SourceDeployError with a
 * safe English message and is logged once at debug (`sourcedeploy.call_failed`, with path and
 * timing, without headers or secrets); the caller writes the warning, if the failure deserves one.
 */
import { setTimeout as sleepFor } from "node:timers/promises";
import { type Dispatcher, Pool } from "undici";
import { type Logger, silentLogger } from "../log.js";
import { SourceDeployError, type SourceDeployErrorCode, type SourceDeployErrorDetails } from "./errors.js";
import type {
  CallOptions,
  History,
  HistoryAction,
  HistorySummary,
  NamedRef,
  PageQuery,
  Project,
  ProjectQuery,
  SourceDeployApi,
  SourceDeployWriteApi,
} from "./model.js";
import {
  parseDeployStarted,
  parseErrorBody,
  parseHistory,
  parseHistoryList,
  parseProjectList,
  parseScenarioList,
  parseStageList,
  parseWriteResult,
} from "./schemas.js";
import { signatureHeaders } from "./signer.js";

/** Told of every finished call: its operation, `ok` or the error code, and how long it took (all retries). */
export type CallObserver = (operation: string, result: string, seconds: number) => void;

export interface SourceDeployClientOptions {
  /** Told of every finished call (metrics); never given a path, an id or a body. */
  onCall?: CallObserver;
  /** API base including its path, e.g. `https://vpcsourcedeploy.apigw.ntruss.com/api/v1`. */
  baseUrl: string;
  accessKey: string;
  secretKey: string;
  /** Sent as `x-ncp-region_code` when set (`KR`, `SGN`, `JPN`). */
  regionCode?: string;
  /** Overall deadline of one call, all retries included. Default 10 000. */
  timeoutMs?: number;
  /** Deadline of one attempt (never past the overall one). Default half of `timeoutMs`. */
  attemptTimeoutMs?: number;
  /** Largest response body read. Default 5 MB. */
  maxBodyBytes?: number;
  /** Retries after the first attempt. Default 2. */
  maxRetries?: number;
  /** Backoff: attempt n waits random() × min(backoffMaxMs, backoffBaseMs × 2^(n-1)). */
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  logger?: Logger;
  /** Wall clock for signature timestamps and Retry-After dates (deadlines use a monotonic clock). */
  now?: () => number;
  /** For tests: how to wait between attempts; must reject or return early when `signal` aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

type Operation = "getHistory" | "listHistories" | "listProjects" | "listStages" | "listScenarios" | HistoryAction | "startDeploy";
type Resource = NonNullable<SourceDeployErrorDetails["resource"]>;
type Upstream = NonNullable<SourceDeployErrorDetails["upstream"]>;

interface CallSpec<T> {
  operation: Operation;
  /** GETs are retried; POSTs (writes) never are. */
  method: "GET" | "POST";
  pathAndQuery: string;
  resource: Resource;
  parse: (body: unknown) => T;
}

/** One failed attempt, before it becomes the call's SourceDeployError. */
interface Failure {
  code: SourceDeployErrorCode;
  message: string;
  retryable: boolean;
  status?: number;
  upstream?: Upstream;
  path?: string;
  retryAfterMs?: number;
  cause?: unknown;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; failure: Failure };

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_RETRIES = 2;
const ERROR_BODY_LIMIT = 64 * 1024;
const ID_PATTERN = /^\d{1,20}$/;
const MAX_PROJECT_NAME_LENGTH = 256;
const HEADER_SAFE = /^[\x21-\x7e]+$/;

/** The path under `project/{p}/history/{h}/` of each history action. */
const ACTION_PATHS: Record<HistoryAction, string> = {
  approve: "approval/accept",
  reject: "approval/reject",
  promote: "canary/accept",
  abort: "canary/reject",
  cancel: "cancel",
};

export class SourceDeployClient implements SourceDeployApi, SourceDeployWriteApi {
  readonly description: string;
  private readonly pool: Pool;
  private readonly basePath: string;
  private readonly accessKey: string;
  private readonly secretKey: string;
  private readonly regionCode: string | undefined;
  private readonly timeoutMs: number;
  private readonly attemptTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly maxRetries: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  private readonly logger: Logger;
  private readonly onCall: CallObserver | undefined;
  private readonly now: () => number;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(options: SourceDeployClientOptions) {
    const base = parseBaseUrl(options.baseUrl);
    assertHeaderSafe("accessKey", options.accessKey);
    assertHeaderSafe("secretKey", options.secretKey);
    if (options.regionCode !== undefined) assertHeaderSafe("regionCode", options.regionCode);
    this.basePath = base.path;
    this.description = `SourceDeploy API at ${base.origin}${base.path}`;
    this.accessKey = options.accessKey;
    this.secretKey = options.secretKey;
    this.regionCode = options.regionCode;
    this.timeoutMs = positive(options.timeoutMs, DEFAULT_TIMEOUT_MS);
    this.attemptTimeoutMs = Math.min(this.timeoutMs, positive(options.attemptTimeoutMs, Math.ceil(this.timeoutMs / 2)));
    this.maxBodyBytes = positive(options.maxBodyBytes, DEFAULT_MAX_BODY_BYTES);
    this.maxRetries = Math.max(0, Math.trunc(options.maxRetries ?? DEFAULT_MAX_RETRIES));
    this.backoffBaseMs = positive(options.backoffBaseMs, 200);
    this.backoffMaxMs = positive(options.backoffMaxMs, 2_000);
    this.logger = options.logger ?? silentLogger;
    this.onCall = options.onCall;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms, signal) => sleepFor(ms, undefined, { signal }));
    this.random = options.random ?? Math.random;
    this.pool = new Pool(base.origin, {
      connections: 8,
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connectTimeout: this.attemptTimeoutMs,
      headersTimeout: this.attemptTimeoutMs,
      bodyTimeout: this.attemptTimeoutMs,
    });
  }

  getHistory(projectId: string, historyId: string, options?: CallOptions): Promise<History> {
    return this.run("getHistory", options, () => {
      const p = validId("project", projectId);
      const h = validId("history", historyId);
      const requested = { projectId: p, historyId: h };
      return {
        method: "GET",
        pathAndQuery: `/project/${p}/history/${h}`,
        resource: requested,
        parse: (body) => this.asRequested(parseHistory(body), requested),
      };
    });
  }

  listHistories(projectId: string, query: PageQuery = {}, options?: CallOptions): Promise<HistorySummary[]> {
    return this.run("listHistories", options, () => {
      const p = validId("project", projectId);
      return {
        method: "GET",
        pathAndQuery: `/project/${p}/history${queryString(pageParams(query))}`,
        resource: { projectId: p },
        parse: parseHistoryList,
      };
    });
  }

  listProjects(query: ProjectQuery = {}, options?: CallOptions): Promise<Project[]> {
    return this.run("listProjects", options, () => {
      const params = { projectName: projectNameParam(query.name), ...pageParams(query) };
      return { method: "GET", pathAndQuery: `/project${queryString(params)}`, resource: {}, parse: parseProjectList };
    });
  }

  listStages(projectId: string, options?: CallOptions): Promise<NamedRef[]> {
    return this.run("listStages", options, () => {
      const p = validId("project", projectId);
      return { method: "GET", pathAndQuery: `/project/${p}/stage`, resource: { projectId: p }, parse: parseStageList };
    });
  }

  listScenarios(projectId: string, stageId: string, options?: CallOptions): Promise<NamedRef[]> {
    return this.run("listScenarios", options, () => {
      const p = validId("project", projectId);
      const s = validId("stage", stageId);
      return { method: "GET", pathAndQuery: `/project/${p}/stage/${s}/scenario`, resource: { projectId: p }, parse: parseScenarioList };
    });
  }

  /** One decision or command on a history; sent once (see the file comment). */
  act(action: HistoryAction, projectId: string, historyId: string, options?: CallOptions): Promise<void> {
    return this.run(action, options, () => {
      const p = validId("project", projectId);
      const h = validId("history", historyId);
      const resource = { projectId: p, historyId: h };
      return {
        method: "POST",
        pathAndQuery: `/project/${p}/history/${h}/${ACTION_PATHS[action]}`,
        resource,
        parse: (body) => {
          if (!parseWriteResult(body)) throw declined(action, resource);
        },
      };
    });
  }

  startDeploy(projectId: string, stageId: string, scenarioId: string, options?: CallOptions): Promise<{ historyId: string }> {
    return this.run("startDeploy", options, () => {
      const p = validId("project", projectId);
      const s = validId("stage", stageId);
      const sc = validId("scenario", scenarioId);
      return {
        method: "POST",
        pathAndQuery: `/project/${p}/stage/${s}/scenario/${sc}/deploy`,
        resource: { projectId: p },
        parse: (body) => ({ historyId: parseDeployStarted(body) }),
      };
    });
  }

  /**
   * Closes idle keep-alive connections and waits for calls in flight (each has a deadline), but no
   * longer than `graceMs` when given: then the calls still in flight are cut off (they fail).
   */
  async close(graceMs?: number): Promise<void> {
    if (this.pool.closed || this.pool.destroyed) return;
    if (graceMs === undefined) return this.pool.close();
    // Settles either way: destroying the pool may end the close with an error nobody needs.
    const closing = this.pool.close().then(
      () => "closed" as const,
      () => "closed" as const,
    );
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<"grace over">((resolve) => (timer = setTimeout(() => resolve("grace over"), graceMs)));
    const outcome = await Promise.race([closing, graceOver]).finally(() => clearTimeout(timer));
    if (outcome === "grace over") await this.pool.destroy();
  }

  private async run<T>(operation: Operation, options: CallOptions | undefined, build: () => Omit<CallSpec<T>, "operation">): Promise<T> {
    const started = performance.now();
    let spec: CallSpec<T>;
    try {
      const built = build();
      spec = { ...built, operation, pathAndQuery: this.basePath + built.pathAndQuery };
    } catch (error) {
      if (error instanceof SourceDeployError) this.logFailure(operation, error, undefined, started);
      throw error;
    }
    const { outcome, attempts } = await this.execute(spec, options?.signal);
    const seconds = (performance.now() - started) / 1000;
    if (outcome.ok) {
      this.onCall?.(operation, "ok", seconds);
      return outcome.value;
    }
    const failure = spec.method === "POST" ? asWriteFailure(outcome.failure, spec.operation) : outcome.failure;
    const error = toError(failure, spec.resource, attempts);
    this.onCall?.(operation, error.code, seconds);
    this.logFailure(operation, error, spec.pathAndQuery, started);
    throw error;
  }

  /**
   * The retry loop. undici's RetryAgent was considered: it has no jitter, cannot give up early when a
   * Retry-After outlasts the call's one deadline, and would resend the first attempt's signature;
   * p-retry would need the same three bent in. Hence this short loop around `attempt`/`retryWait`.
   */
  private async execute<T>(spec: CallSpec<T>, signal: AbortSignal | undefined): Promise<{ outcome: Outcome<T>; attempts: number }> {
    if (signal?.aborted) return { outcome: { ok: false, failure: cancelled(spec.resource) }, attempts: 0 };
    // The global `performance` (not perf_hooks' export), so tests can fake this clock with vi.useFakeTimers.
    const deadline = performance.now() + this.timeoutMs;
    for (let attempt = 1; ; attempt += 1) {
      const response = await this.attempt(spec, deadline, signal);
      if (response.ok) return { outcome: parseWith(spec, response.value), attempts: attempt };
      const wait = spec.method === "GET" ? this.retryWait(response.failure, attempt, deadline) : undefined;
      if (wait === undefined) return { outcome: response, attempts: attempt };
      this.logger.debug(
        {
          event: "sourcedeploy.retry",
          operation: spec.operation,
          code: response.failure.code,
          status: response.failure.status,
          attempt,
          waitMs: Math.round(wait),
        },
        "retrying SourceDeploy call",
      );
      if (!(await this.pause(wait, signal))) return { outcome: { ok: false, failure: cancelled(spec.resource) }, attempts: attempt };
    }
  }

  /** One request: resolves to the parsed JSON body of a 2xx response, or to the failure. */
  private async attempt<T>(
    spec: CallSpec<T>,
    deadline: number,
    callerSignal: AbortSignal | undefined,
  ): Promise<Outcome<{ status: number; body: unknown }>> {
    const remaining = deadline - performance.now();
    if (remaining <= 0) return { ok: false, failure: timedOut(spec.resource, this.timeoutMs, false) };
    // A write has one attempt, so it may use the whole deadline: cut at half it would be reported
    // as an unknown outcome while SourceDeploy was still working on it.
    const attemptMs = spec.method === "POST" ? remaining : Math.min(this.attemptTimeoutMs, remaining);
    const timer = new AbortController();
    const timeout = setTimeout(() => timer.abort(), attemptMs);
    const signal = callerSignal ? AbortSignal.any([timer.signal, callerSignal]) : timer.signal;
    try {
      const response = await this.pool.request({
        method: spec.method,
        path: spec.pathAndQuery,
        headers: this.headers(spec.method, spec.pathAndQuery),
        signal,
        headersTimeout: attemptMs,
        bodyTimeout: attemptMs,
      });
      return await this.readResponse(response, spec.resource);
    } catch (error) {
      if (callerSignal?.aborted) return { ok: false, failure: cancelled(spec.resource, error) };
      if (timer.signal.aborted) return { ok: false, failure: timedOut(spec.resource, this.timeoutMs, deadline - performance.now() > 0) };
      return { ok: false, failure: networkFailure(error) };
    } finally {
      clearTimeout(timeout);
    }
  }

  private async readResponse(response: Dispatcher.ResponseData, resource: Resource): Promise<Outcome<{ status: number; body: unknown }>> {
    const { statusCode: status, headers, body } = response;
    if (status >= 200 && status < 300) {
      const bytes = await readCapped(body, headers, this.maxBodyBytes);
      if (bytes === undefined)
        return { ok: false, failure: invalidResponse(`SourceDeploy returned a response larger than ${this.maxBodyBytes} bytes`, status) };
      const json = parseJson(bytes);
      if (json === undefined) {
        return {
          ok: false,
          failure: invalidResponse(`SourceDeploy returned a response that is not JSON (content-type ${contentType(headers)})`, status),
        };
      }
      return { ok: true, value: { status, body: json.value } };
    }
    const bytes = await readCapped(body, headers, ERROR_BODY_LIMIT);
    const json = bytes === undefined ? undefined : parseJson(bytes);
    const upstream = json === undefined ? undefined : safeErrorBody(json.value);
    const retryAfterMs = parseRetryAfter(headers["retry-after"], this.now());
    return { ok: false, failure: statusFailure(status, upstream, resource, retryAfterMs) };
  }

  private headers(method: "GET" | "POST", pathAndQuery: string): Record<string, string> {
    const auth = signatureHeaders({
      method,
      pathAndQuery,
      timestamp: this.now(),
      accessKey: this.accessKey,
      secretKey: this.secretKey,
    });
    return {
      accept: "application/json",
      "user-agent": "deploy-history",
      ...auth,
      ...(this.regionCode === undefined ? {} : { "x-ncp-region_code": this.regionCode }),
    };
  }

  /** How long to wait before the next attempt, or undefined to give up now. */
  private retryWait(failure: Failure, attempt: number, deadline: number): number | undefined {
    if (!failure.retryable || attempt > this.maxRetries) return undefined;
    const wait = failure.retryAfterMs ?? backoffDelay(attempt, this.backoffBaseMs, this.backoffMaxMs, this.random);
    return wait < deadline - performance.now() ? wait : undefined;
  }

  /** False when the caller aborted while waiting. */
  private async pause(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
    try {
      await this.sleep(ms, signal);
    } catch {
      // a rejected sleep is only expected from an abort; the check below decides
    }
    return !signal?.aborted;
  }

  /**
   * The body must be the history the path asked for: another one (a misrouting proxy, an upstream
   * bug) would be shown, authorized and cached under the requested ids. Refused as an invalid
   * response, with one warn line of its own (it means the upstream cannot be trusted right now).
   */
  private asRequested(history: History, requested: { projectId: string; historyId: string }): History {
    const returned = { projectId: clipId(history.project.id), historyId: clipId(history.id) };
    if (sameId(history.project.id, requested.projectId) && sameId(history.id, requested.historyId)) return history;
    this.logger.warn(
      { event: "sourcedeploy.wrong_history", requested, returned },
      "SourceDeploy answered with another history than requested",
    );
    const path = sameId(history.project.id, requested.projectId) ? "id" : "project.id";
    throw new SourceDeployError(
      "invalid_response",
      `SourceDeploy answered with history ${returned.projectId}/${returned.historyId} for ${requested.projectId}/${requested.historyId}`,
      { path },
    );
  }

  /**
   * Debug level: the caller logs the one warning a user-visible failure deserves (with who asked);
   * this line adds the call's path and timing for whoever turns debug on.
   */
  private logFailure(operation: Operation, error: SourceDeployError, path: string | undefined, started: number): void {
    this.logger.debug(
      { event: "sourcedeploy.call_failed", operation, path, elapsedMs: Math.round(performance.now() - started), err: error },
      "SourceDeploy call failed",
    );
  }
}

// ---- request building -------------------------------------------------------------------------

function parseBaseUrl(raw: string): { origin: string; path: string } {
  const url = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!url || !/^https?:$/.test(url.protocol) || url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    throw new TypeError("SourceDeployClient: baseUrl must be an http(s) URL without query, fragment or credentials");
  }
  return { origin: url.origin, path: url.pathname.replace(/\/+$/, "") };
}

function assertHeaderSafe(name: string, value: string): void {
  if (typeof value !== "string" || !HEADER_SAFE.test(value)) {
    throw new TypeError(`SourceDeployClient: ${name} must be a non-empty string of printable characters without spaces`);
  }
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

function validId(kind: "project" | "history" | "stage" | "scenario", value: string): string {
  if (typeof value === "string" && ID_PATTERN.test(value)) return value;
  throw new SourceDeployError("invalid_request", `The ${kind} id must be 1 to 20 digits`);
}

/** Ids compare as numbers written in digits: `041027` asks for `41027`. */
function sameId(returned: string, requested: string): boolean {
  const canonical = (id: string) => id.replace(/^0+(?=\d)/, "");
  return ID_PATTERN.test(returned) && canonical(returned) === canonical(requested);
}

/** An id from the body goes into a message and a log line: at most 20 characters of it. */
function clipId(id: string): string {
  return id.length > 20 ? `${id.slice(0, 20)}…` : id;
}

function pageParams(query: PageQuery): { pageNo?: number; pageSize?: number } {
  const { pageNo, pageSize } = query;
  if (pageNo !== undefined && !(Number.isSafeInteger(pageNo) && pageNo >= 0)) {
    throw new SourceDeployError("invalid_request", "The page number must be a whole number of at least 0");
  }
  if (pageSize !== undefined && !Number.isFinite(pageSize)) {
    throw new SourceDeployError("invalid_request", "The page size must be a number");
  }
  return { pageNo, pageSize: pageSize === undefined ? undefined : Math.min(100, Math.max(1, Math.trunc(pageSize))) };
}

function projectNameParam(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  if (typeof name !== "string") throw new SourceDeployError("invalid_request", "The project name must be text");
  const trimmed = name.trim();
  if (trimmed.length > MAX_PROJECT_NAME_LENGTH) {
    throw new SourceDeployError("invalid_request", `The project name must be at most ${MAX_PROJECT_NAME_LENGTH} characters`);
  }
  return trimmed === "" ? undefined : trimmed;
}

export function queryString(params: Record<string, string | number | undefined>): string {
  const parts = Object.entries(params)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  return parts.length === 0 ? "" : `?${parts.join("&")}`;
}

// ---- retry timing -----------------------------------------------------------------------------

/** `Retry-After` as delta-seconds or an HTTP date, in ms from `nowMs`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const raw = (Array.isArray(value) ? value[0] : value)?.trim();
  if (raw === undefined || raw === "") return undefined;
  if (/^\d+$/.test(raw)) return Number(raw) * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Exponential backoff with full jitter for the wait after attempt `attempt` (1-based). */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}

// ---- responses --------------------------------------------------------------------------------

async function readCapped(
  body: Dispatcher.ResponseData["body"],
  headers: Dispatcher.ResponseData["headers"],
  limit: number,
): Promise<Buffer | undefined> {
  const declared = Number(headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return discard(body);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    size += buffer.length;
    if (size > limit) return discard(body);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

/** Stops reading; the abort error a destroyed body emits is expected and ignored. */
function discard(body: Dispatcher.ResponseData["body"]): undefined {
  body.on("error", () => undefined);
  body.destroy();
  return undefined;
}

function parseJson(bytes: Buffer): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(bytes.toString("utf8").replace(/^\uFEFF/, "")) as unknown };
  } catch {
    return undefined;
  }
}

function contentType(headers: Dispatcher.ResponseData["headers"]): string {
  const value = headers["content-type"];
  const text = (Array.isArray(value) ? value[0] : value) ?? "none";
  return text.split(";")[0]?.trim().slice(0, 60) || "none";
}

function safeErrorBody(body: unknown): Upstream | undefined {
  try {
    return parseErrorBody(body);
  } catch {
    return undefined;
  }
}

function parseWith<T>(spec: CallSpec<T>, response: { status: number; body: unknown }): Outcome<T> {
  try {
    return { ok: true, value: spec.parse(response.body) };
  } catch (error) {
    const known = error instanceof SourceDeployError;
    return {
      ok: false,
      failure: {
        code: known && error.code === "refused" ? "refused" : "invalid_response",
        message: known ? error.message : "SourceDeploy returned a response that could not be read",
        retryable: false,
        status: response.status,
        path: known ? error.details.path : undefined,
        cause: error,
      },
    };
  }
}

// ---- failures ---------------------------------------------------------------------------------

function describe(resource: Resource): string {
  if (resource.historyId !== undefined) return `history ${resource.projectId}/${resource.historyId}`;
  if (resource.projectId !== undefined) return `project ${resource.projectId}`;
  return "project list";
}

function statusFailure(status: number, upstream: Upstream | undefined, resource: Resource, retryAfterMs?: number): Failure {
  const base = { status, upstream, retryable: false };
  const what = describe(resource);
  if (status === 401 && upstream?.errorCode === "210") {
    return { ...base, code: "permission_denied", message: `The API key is not allowed to read SourceDeploy ${what}` };
  }
  if (status === 401) return { ...base, code: "auth_failed", message: "SourceDeploy rejected the API credentials (authentication failed)" };
  if (status === 403) return { ...base, code: "permission_denied", message: `The API key is not allowed to read SourceDeploy ${what}` };
  if (status === 404 || upstream?.errorCode === "300") return { ...base, code: "not_found", message: `SourceDeploy ${what} was not found` };
  if (status === 429)
    return { ...base, code: "rate_limited", retryable: true, retryAfterMs, message: `SourceDeploy is rate limiting requests (${what})` };
  if (status >= 500) {
    return {
      ...base,
      code: "unavailable",
      retryable: [502, 503, 504].includes(status),
      message: `SourceDeploy is unavailable (HTTP ${status})`,
    };
  }
  if (status >= 400) return { ...base, code: "invalid_request", message: `SourceDeploy rejected the request for ${what} (HTTP ${status})` };
  return { ...base, code: "invalid_response", message: `SourceDeploy answered with an unexpected HTTP ${status}` };
}

const RETRYABLE_NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
]);
const TIMEOUT_CODES = new Set(["UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);

function errorCode(error: unknown): string | undefined {
  const code = typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === "string" && /^[A-Z0-9_]{1,40}$/.test(code) ? code : undefined;
}

function networkFailure(error: unknown): Failure {
  const code = errorCode(error);
  if (code !== undefined && TIMEOUT_CODES.has(code)) {
    return { code: "timeout", message: `SourceDeploy did not answer in time (${code})`, retryable: true, cause: error };
  }
  const reason = code ?? "network error";
  return {
    code: "unavailable",
    message: `SourceDeploy could not be reached (${reason})`,
    retryable: code !== undefined && RETRYABLE_NETWORK_CODES.has(code),
    cause: error,
  };
}

/** Failures that prove a write never reached SourceDeploy; any other lost answer leaves its outcome unknown. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);
const REFUSAL_STATUSES = new Set([400, 409, 412, 422]);

/**
 * A write's failure as the caller must treat it: a lost answer is `unknown_outcome` (never retry
 * blindly), a 4xx that says the state did not allow it is `refused`.
 */
function asWriteFailure(failure: Failure, operation: Operation): Failure {
  const code = errorCode(failure.cause);
  const lostAnswer = failure.code === "timeout" || (failure.code === "unavailable" && failure.status === undefined);
  if (lostAnswer && !(code !== undefined && NOT_SENT_CODES.has(code))) {
    return {
      ...failure,
      code: "unknown_outcome",
      retryable: false,
      message: `SourceDeploy did not answer the ${operation} request; it may or may not have been done`,
    };
  }
  if (failure.status !== undefined && REFUSAL_STATUSES.has(failure.status)) {
    return { ...failure, code: "refused", message: `SourceDeploy declined the ${operation} request (HTTP ${failure.status})` };
  }
  return failure;
}

function declined(action: HistoryAction, resource: Resource): SourceDeployError {
  return new SourceDeployError("refused", `SourceDeploy declined the ${action} request (result false)`, { resource });
}

function timedOut(resource: Resource, timeoutMs: number, retryable: boolean): Failure {
  return { code: "timeout", message: `SourceDeploy did not answer within ${timeoutMs} ms (${describe(resource)})`, retryable };
}

function cancelled(resource: Resource, cause?: unknown): Failure {
  return { code: "aborted", message: `The SourceDeploy request for ${describe(resource)} was cancelled`, retryable: false, cause };
}

function invalidResponse(message: string, status: number): Failure {
  return { code: "invalid_response", message, retryable: false, status };
}

function toError(failure: Failure, resource: Resource, attempts: number): SourceDeployError {
  const details: SourceDeployErrorDetails = { attempts, resource };
  if (failure.status !== undefined) details.status = failure.status;
  if (failure.upstream !== undefined) details.upstream = failure.upstream;
  if (failure.path !== undefined) details.path = failure.path;
  return new SourceDeployError(failure.code, failure.message, details, failure.cause === undefined ? undefined : { cause: failure.cause });
}

/**
 * A fake SourceDeploy API on 127.0.0.1 that checks NCP signature v2 like the real gateway.
 *
 *   const fake = await startFakeSourceDeploy({ accessKey: "AK", secretKey: "SK" });
 *   const client = new SourceDeployClient({ baseUrl: fake.url, accessKey: "AK", secretKey: "SK" });
 *   fake.queueFault({ kind: "status", status: 503 });        // next matching request only
 *   fake.setFault({ kind: "delay", ms: 30_000 });             // every request until setFault(undefined)
 *   fake.queueFault({ kind: "reset", path: /\/history\/1$/ }); // only requests whose path matches
 *   fake.requests                                             // what arrived: method, path, headers, time, auth
 *   await fake.close();                                       // destroys open sockets and pending delays
 *
 * Served by default from test/fixtures/sourcedeploy: every history detail fixture under its
 * own project/id, the history list of project 41027, and the project list (filter `projectName`,
 * case-insensitive substring; `pageSize` limits lists). History lists page like the API: `pageNo`
 * (from 1) and `pageSize`, in the order stored (set a dated list newest first with setHistoryList;
 * `datedHistoryList` builds one). Unknown ids get 404 with an NCP error body.
 * Authentication runs first (a 401 never consumes a fault): wrong access key, bad signature, or a
 * timestamp off by 5 minutes or more → 401 `{"error":{"errorCode":"200",…}}`. Writes (approval,
 * canary, cancel, deploy) change the stored histories as SourceDeploy does (./sourcedeploy-writes.ts);
 * `fake.writes` lists those it accepted.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { HISTORY_FIXTURES, readFixtureAsync } from "../support/fixtures.js";
import { type AcceptedWrite, routeChoices, routeWrite } from "./sourcedeploy-writes.js";

export type FaultKind = Fault["kind"];

export type Fault = (
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  /** Wait, then answer normally (or with `then`). */
  | { kind: "delay"; ms: number; then?: Fault }
  | { kind: "malformed-json" }
  /** Declares the full Content-Length, sends half the body, then destroys the socket. */
  | { kind: "truncated" }
  /** Destroys the connection (TCP RST where supported) without answering. */
  | { kind: "reset" }
  /** A 200 JSON body of `bytes` bytes (default 6 MB), chunked unless `declareLength`. */
  | { kind: "huge"; bytes?: number; declareLength?: boolean }
  | { kind: "non-json"; contentType?: string; body?: string }
) & {
  /** Only requests whose path (incl. query) matches; default all. */
  path?: string | RegExp;
};

export interface RecordedRequest {
  method: string;
  /** Path and query exactly as received, e.g. `/api/v1/project/41027/history?pageSize=5`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Epoch ms on arrival. */
  time: number;
  authOk: boolean;
  /** Why authentication failed, when it did. */
  authFailure?: "missing-headers" | "access-key" | "timestamp" | "signature";
  fault?: FaultKind;
}

export interface FakeSourceDeployOptions {
  accessKey?: string;
  secretKey?: string;
  /** Largest accepted clock difference; the real gateway rejects 5 minutes or more. */
  maxSkewMs?: number;
  /** The fake's clock, for skew checks. */
  now?: () => number;
  basePath?: string;
  /** Load the shared fixtures (default true). */
  fixtures?: boolean;
}

export interface FakeSourceDeploy {
  /** Base URL including the base path, e.g. `http://127.0.0.1:53211/api/v1`. */
  url: string;
  port: number;
  accessKey: string;
  secretKey: string;
  requests: RecordedRequest[];
  /** A persistent fault for every matching request; `undefined` clears it. */
  setFault(fault: Fault | undefined): void;
  /** One-shot faults, consumed in order by the matching requests. */
  queueFault(...faults: Fault[]): void;
  clearFaults(): void;
  setHistory(projectId: string | number, historyId: string | number, body: unknown): void;
  setHistoryList(projectId: string | number, body: unknown): void;
  setProjectList(body: unknown): void;
  /** Writes accepted so far, in order. */
  writes: AcceptedWrite[];
  close(): Promise<void>;
}

const DEFAULT_HUGE_BYTES = 6 * 1024 * 1024;

export const AUTH_FAILED_BODY = {
  error: { errorCode: "200", message: "Authentication Failed", details: "Invalid authentication information." },
};

export function notFoundBody(details = "The requested resource was not found."): unknown {
  return { error: { errorCode: "300", message: "Not Found Exception", details } };
}

interface Store {
  histories: Map<string, unknown>;
  historyLists: Map<string, unknown>;
  projects: unknown;
  stages: Map<string, unknown>;
  scenarios: Map<string, unknown>;
  writes: AcceptedWrite[];
  nextHistoryId: number;
}

export async function startFakeSourceDeploy(options: FakeSourceDeployOptions = {}): Promise<FakeSourceDeploy> {
  const accessKey = options.accessKey ?? "fake-access-key";
  const secretKey = options.secretKey ?? "fake-secret-key";
  const basePath = (options.basePath ?? "/api/v1").replace(/\/+$/, "");
  const now = options.now ?? Date.now;
  const maxSkewMs = options.maxSkewMs ?? 5 * 60_000;
  const store = options.fixtures === false ? emptyStore() : await loadFixtures();
  const requests: RecordedRequest[] = [];
  const queued: Fault[] = [];
  let persistent: Fault | undefined;
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const takeFault = (path: string): Fault | undefined => {
    const index = queued.findIndex((fault) => matches(fault, path));
    if (index >= 0) return queued.splice(index, 1)[0];
    return persistent && matches(persistent, path) ? persistent : undefined;
  };

  const server = createServer((req, res) => {
    const path = req.url ?? "/";
    const authFailure = checkAuth(req, { accessKey, secretKey, now: now(), maxSkewMs });
    const record: RecordedRequest = { method: req.method ?? "GET", path, headers: req.headers, time: Date.now(), authOk: !authFailure };
    if (authFailure) record.authFailure = authFailure;
    requests.push(record);
    req.resume();
    if (authFailure) return sendJson(res, 401, AUTH_FAILED_BODY);
    const fault = takeFault(path);
    if (fault) record.fault = fault.kind;
    applyFault(fault, req, res, () => route(req.method ?? "GET", path, basePath, store), timers);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}${basePath}`,
    port,
    accessKey,
    secretKey,
    requests,
    writes: store.writes,
    setFault: (fault) => {
      persistent = fault;
    },
    queueFault: (...faults) => {
      queued.push(...faults);
    },
    clearFaults: () => {
      queued.length = 0;
      persistent = undefined;
    },
    setHistory: (projectId, historyId, body) => {
      store.histories.set(`${projectId}/${historyId}`, body);
    },
    setHistoryList: (projectId, body) => {
      store.historyLists.set(String(projectId), body);
    },
    setProjectList: (body) => {
      store.projects = body;
    },
    close: () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// ---- authentication ---------------------------------------------------------------------------

function checkAuth(
  req: IncomingMessage,
  expected: { accessKey: string; secretKey: string; now: number; maxSkewMs: number },
): RecordedRequest["authFailure"] {
  const timestamp = header(req.headers, "x-ncp-apigw-timestamp");
  const accessKey = header(req.headers, "x-ncp-iam-access-key");
  const signature = header(req.headers, "x-ncp-apigw-signature-v2");
  if (timestamp === undefined || accessKey === undefined || signature === undefined) return "missing-headers";
  if (accessKey !== expected.accessKey) return "access-key";
  if (!/^\d{1,16}$/.test(timestamp) || Math.abs(expected.now - Number(timestamp)) >= expected.maxSkewMs) return "timestamp";
  const message = `${req.method ?? "GET"} ${req.url ?? "/"}\n${timestamp}\n${accessKey}`;
  const wanted = createHmac("sha256", expected.secretKey).update(message, "utf8").digest();
  const given = Buffer.from(signature, "base64");
  return given.length === wanted.length && timingSafeEqual(given, wanted) ? undefined : "signature";
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

// ---- routing ----------------------------------------------------------------------------------

interface Answer {
  status: number;
  body: unknown;
}

function route(method: string, path: string, basePath: string, store: Store): Answer {
  const url = new URL(path, "http://fake.invalid");
  if (!url.pathname.startsWith(`${basePath}/`)) return { status: 404, body: notFoundBody("Unknown API path.") };
  const rest = url.pathname.slice(basePath.length);
  if (method === "POST") return routeWrite(rest, store) ?? { status: 404, body: notFoundBody("Unknown API path.") };
  if (method !== "GET") return { status: 405, body: { error: { errorCode: "405", message: "Method Not Allowed" } } };
  const choices = routeChoices(rest, store);
  if (choices) return choices;
  const pageSize = pageSizeOf(url.searchParams);
  const detail = /^\/project\/(\d+)\/history\/(\d+)$/.exec(rest);
  if (detail) return found(store.histories.get(`${detail[1]}/${detail[2]}`), `History ${detail[1]}/${detail[2]} does not exist.`);
  const list = /^\/project\/(\d+)\/history$/.exec(rest);
  if (list) return historyList(store, list[1] ?? "", pageSize, pageNoOf(url.searchParams));
  if (rest === "/project") return { status: 200, body: projectList(store.projects, url.searchParams.get("projectName"), pageSize) };
  return { status: 404, body: notFoundBody("Unknown API path.") };
}

function found(body: unknown, missing: string): Answer {
  return body === undefined ? { status: 404, body: notFoundBody(missing) } : { status: 200, body };
}

function historyList(store: Store, projectId: string, pageSize: number | undefined, pageNo: number | undefined): Answer {
  const body = store.historyLists.get(projectId);
  if (body !== undefined && pageNo !== undefined && pageSize !== undefined) {
    const start = (Math.max(1, pageNo) - 1) * pageSize;
    return { status: 200, body: mapList(body, "historyList", (items) => items.slice(start, start + pageSize)) };
  }
  if (body !== undefined) return { status: 200, body: limitList(body, "historyList", pageSize) };
  const known = listOf(store.projects, "projectList").some((p) => isRecord(p) && String(p.id) === projectId);
  return known
    ? { status: 200, body: { result: { historyList: [] } } }
    : { status: 404, body: notFoundBody(`Project ${projectId} does not exist.`) };
}

function projectList(body: unknown, name: string | null, pageSize: number | undefined): unknown {
  const needle = name?.trim().toLowerCase();
  const keep = (p: unknown) => !needle || (isRecord(p) && String(p.name).toLowerCase().includes(needle));
  return limitList(
    mapList(body, "projectList", (items) => items.filter(keep)),
    "projectList",
    pageSize,
  );
}

function limitList(body: unknown, key: string, pageSize: number | undefined): unknown {
  return pageSize === undefined ? body : mapList(body, key, (items) => items.slice(0, pageSize));
}

/** Applies `f` to `body[key]` or `body.result[key]`, keeping the envelope. */
function mapList(body: unknown, key: string, f: (items: unknown[]) => unknown[]): unknown {
  if (isRecord(body) && Array.isArray(body[key])) return { ...body, [key]: f(body[key]) };
  if (isRecord(body) && isRecord(body.result) && Array.isArray(body.result[key])) {
    return { ...body, result: { ...body.result, [key]: f(body.result[key]) } };
  }
  return body;
}

function listOf(body: unknown, key: string): unknown[] {
  const holder = isRecord(body) && !(key in body) && isRecord(body.result) ? body.result : body;
  const items = isRecord(holder) ? holder[key] : undefined;
  return Array.isArray(items) ? items : [];
}

function pageNoOf(params: URLSearchParams): number | undefined {
  const raw = params.get("pageNo");
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

function pageSizeOf(params: URLSearchParams): number | undefined {
  const raw = params.get("pageSize");
  return raw !== null && /^\d+$/.test(raw) ? Number(raw) : undefined;
}

// ---- dated lists ------------------------------------------------------------------------------

export interface DatedEntry {
  id: string;
  status: string;
  stage: { id: number; name: string };
  /** Epoch ms. */
  startTime: number;
  /** Epoch ms; absent while running. */
  endTime?: number;
}

/** A `{result:{historyList}}` body of project `project`, newest first, as the list API sends it. */
export function datedHistoryList(project: { id: number; name: string }, entries: readonly DatedEntry[]): unknown {
  const sorted = [...entries].sort((a, b) => b.startTime - a.startTime);
  return {
    result: {
      historyList: sorted.map((e) => ({
        project,
        stage: e.stage,
        scenario: { id: 7712, name: "web-release-sequential" },
        id: e.id,
        status: e.status,
        startTime: e.startTime,
        ...(e.endTime !== undefined && { endTime: e.endTime }),
      })),
    },
  };
}

// ---- faults -----------------------------------------------------------------------------------

function matches(fault: Fault, path: string): boolean {
  if (fault.path === undefined) return true;
  return typeof fault.path === "string" ? path === fault.path || path.startsWith(`${fault.path}?`) : fault.path.test(path);
}

function applyFault(
  fault: Fault | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  answer: () => Answer,
  timers: Set<NodeJS.Timeout>,
): void {
  if (fault === undefined) {
    const { status, body } = answer();
    return sendJson(res, status, body);
  }
  switch (fault.kind) {
    case "status":
      return sendStatusFault(res, fault.status, fault.body, fault.headers);
    case "delay": {
      const timer = setTimeout(() => {
        timers.delete(timer);
        if (!res.destroyed) applyFault(fault.then, req, res, answer, timers);
      }, fault.ms);
      timer.unref();
      timers.add(timer);
      res.on("close", () => {
        clearTimeout(timer);
        timers.delete(timer);
      });
      return;
    }
    case "malformed-json":
      return sendRaw(res, 200, "application/json", '{"result": {"id": 903344, "status": "succ');
    case "truncated": {
      const text = JSON.stringify(answer().body);
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.write(text.slice(0, Math.floor(text.length / 2)), () => req.socket.destroy());
      return;
    }
    case "reset":
      return resetSocket(req.socket);
    case "huge":
      return void sendHuge(res, fault.bytes ?? DEFAULT_HUGE_BYTES, fault.declareLength ?? false);
    case "non-json":
      return sendRaw(
        res,
        200,
        fault.contentType ?? "text/html; charset=utf-8",
        fault.body ?? "<html><body><h1>Service Temporarily Unavailable</h1></body></html>",
      );
  }
}

function sendStatusFault(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = body === undefined ? defaultErrorBody(status) : body;
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  const type = typeof payload === "string" ? "text/plain; charset=utf-8" : "application/json";
  res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

function defaultErrorBody(status: number): unknown {
  if (status === 401) return AUTH_FAILED_BODY;
  if (status === 404) return notFoundBody();
  const messages: Record<number, string> = {
    403: "Forbidden",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
  };
  return { error: { errorCode: String(status), message: messages[status] ?? "Error" } };
}

function resetSocket(socket: Socket): void {
  if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
  else socket.destroy();
}

async function sendHuge(res: ServerResponse, bytes: number, declareLength: boolean): Promise<void> {
  const head = '{"result":{"padding":"';
  const tail = '"}}';
  const padding = Math.max(0, bytes - head.length - tail.length);
  res.writeHead(200, {
    "content-type": "application/json",
    ...(declareLength ? { "content-length": head.length + padding + tail.length } : {}),
  });
  res.write(head);
  const chunk = "x".repeat(64 * 1024);
  for (let left = padding; left > 0 && !res.destroyed; left -= chunk.length) {
    const ok = res.write(left >= chunk.length ? chunk : chunk.slice(0, left));
    if (!ok) await drainedOrClosed(res);
  }
  if (!res.destroyed) res.end(tail);
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendRaw(res, status, "application/json;charset=UTF-8", JSON.stringify(body));
}

function sendRaw(res: ServerResponse, status: number, contentType: string, text: string): void {
  res.writeHead(status, { "content-type": contentType, "content-length": Buffer.byteLength(text) });
  res.end(text);
}

// ---- fixtures ---------------------------------------------------------------------------------

function emptyStore(): Store {
  return {
    histories: new Map(),
    historyLists: new Map(),
    projects: { projectList: [] },
    stages: new Map(),
    scenarios: new Map(),
    writes: [],
    nextHistoryId: 904800,
  };
}

async function loadFixtures(): Promise<Store> {
  const read = readFixtureAsync;
  const store = emptyStore();
  for (const name of [...HISTORY_FIXTURES, "server-pending-approval.wrapped.json", "k8s-canary-pending.json"]) {
    const body = await read(name);
    const history = isRecord(body) && isRecord(body.result) ? body.result : body;
    if (isRecord(history) && isRecord(history.project)) store.histories.set(`${String(history.project.id)}/${String(history.id)}`, body);
  }
  store.historyLists.set("41027", await read("history-list.wrapped.json"));
  store.projects = await read("project-list.json");
  store.stages.set("41027", await read("stage-list.wrapped.json"));
  store.scenarios.set("41027/5183", await read("scenario-list.wrapped.json"));
  return store;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

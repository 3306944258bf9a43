/**
 * A fake Slack Web API on 127.0.0.1 for end-to-end tests. Point Bolt's
 * `clientOptions.slackApiUrl` at `${fake.apiUrl}/`; calls arrive as `POST /api/<method>`.
 * It also serves response_url endpoints (`/response/<id>`). Every request is recorded; nothing is
 * logged (request headers carry the bot token).
 */
import { EventEmitter } from "node:events";
import http from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { GENEROUS_TIMEOUT_MS } from "../support/wait.js";

export const FAKE_TEAM_ID = "T0TEST";
export const FAKE_BOT_USER_ID = "UBOT";
export const FAKE_BOT_ID = "BBOT";

export interface RecordedCall {
  /** Web API method (`chat.postMessage`), or `response_url` for posts to a response URL. */
  method: string;
  /** The response URL's id; only for `response_url` calls. */
  id?: string;
  /** Decoded body: form fields (JSON-valued fields parsed back to objects) or the parsed JSON. */
  body: Record<string, unknown>;
  headers: http.IncomingHttpHeaders;
  /** Epoch ms when the request was received. */
  time: number;
  /** HTTP status the fake answered with. */
  status: number;
  /** The `error` the fake answered with, if any. */
  error?: string;
  /** The body the fake answered with (e.g. the `ts` of a posted message). */
  response?: Record<string, unknown>;
}

export interface FaultOptions {
  /** Slack error code, e.g. `cannot_unfurl_url`, `channel_not_found`, `message_not_found`, `invalid_auth`. */
  error: string;
  /** HTTP status; Slack answers API errors with 200, the default. */
  status?: number;
}

export type Responder = (call: RecordedCall) => Record<string, unknown>;

export interface FakeSlack {
  /** Base of the Web API, `http://127.0.0.1:<port>/api` (no trailing slash). */
  apiUrl: string;
  /** Root of the server, `http://127.0.0.1:<port>`. */
  url: string;
  responseUrl(id: string): string;
  /** Makes every later post to this response URL answer 404 `expired_url`. */
  expireResponseUrl(id: string): void;
  /** The next call of `method` (a Web API method or `response_url`) fails with this error. Queued. */
  failNext(method: string, fault: FaultOptions): void;
  /** The next call of `method` answers HTTP 429 with `Retry-After: retryAfterSeconds`. Queued. */
  rateLimitNext(method: string, retryAfterSeconds: number): void;
  /** Replaces the built-in success answer for a method (`ok: true` is added unless given). */
  respondWith(method: string, responder: Responder): void;
  calls(method?: string): RecordedCall[];
  /** Resolves with all matching calls once at least one is recorded; rejects after timeoutMs. */
  waitFor(match: string | ((call: RecordedCall) => boolean), timeoutMs?: number): Promise<RecordedCall[]>;
  /** Calls `listener` with every call as it is recorded (benchmarks time answers with it); returns the unsubscribe. */
  onCall(listener: (call: RecordedCall) => void): () => void;
  /** Forgets recorded calls, queued faults and expired response URLs (keeps respondWith overrides). */
  reset(): void;
  close(): Promise<void>;
}

type Fault = { kind: "error"; error: string; status: number } | { kind: "rateLimit"; retryAfterSeconds: number };

interface Reply {
  status: number;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

/** Form values that stay strings even when they look like JSON. */
const PLAIN_TEXT_FIELDS = new Set(["text", "markdown_text", "token"]);

export function decodeBody(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (raw === "") return {};
  if ((contentType ?? "").includes("application/json")) {
    const parsed: unknown = safeJsonParse(raw);
    return isRecord(parsed) ? parsed : { _raw: raw };
  }
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    body[key] = PLAIN_TEXT_FIELDS.has(key) ? value : decodeFormValue(value);
  }
  return body;
}

function decodeFormValue(value: string): unknown {
  if (!/^\s*[[{]/.test(value)) return value;
  const parsed = safeJsonParse(value);
  return parsed === undefined ? value : parsed;
}

function safeJsonParse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function successBody(method: string, body: Record<string, unknown>, nextTs: () => string): Record<string, unknown> | undefined {
  const channel = text(body.channel) ?? "C0TEST";
  switch (method) {
    case "auth.test":
      return {
        url: "https://fake-slack.test/",
        team: "Test Team",
        user: "deploy-history",
        team_id: FAKE_TEAM_ID,
        user_id: FAKE_BOT_USER_ID,
        bot_id: FAKE_BOT_ID,
        bot_user_id: FAKE_BOT_USER_ID,
        is_enterprise_install: false,
      };
    case "chat.postMessage": {
      const ts = nextTs();
      return {
        channel,
        ts,
        message: { type: "message", ts, text: body.text, blocks: body.blocks, bot_id: FAKE_BOT_ID, user: FAKE_BOT_USER_ID },
      };
    }
    case "chat.update":
      return { channel, ts: text(body.ts) ?? nextTs(), text: body.text };
    case "chat.postEphemeral":
      return { message_ts: nextTs() };
    case "chat.unfurl":
      return {};
    case "views.open":
    case "views.update": {
      const view = isRecord(body.view) ? body.view : {};
      return { view: { ...view, id: text(body.view_id) ?? `V${nextTs().replace(".", "")}`, team_id: FAKE_TEAM_ID } };
    }
    case "conversations.info":
      return {
        channel: {
          id: channel,
          name: "deploys",
          is_channel: true,
          is_private: false,
          is_member: true,
          is_shared: false,
          is_ext_shared: false,
          is_org_shared: false,
        },
      };
    default:
      return undefined;
  }
}

function faultReply(fault: Fault): Reply {
  if (fault.kind === "rateLimit") {
    return { status: 429, body: { ok: false, error: "ratelimited" }, headers: { "retry-after": String(fault.retryAfterSeconds) } };
  }
  return { status: fault.status, body: { ok: false, error: fault.error } };
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function route(pathname: string): { method: string; id?: string } | undefined {
  const api = /^\/api\/([A-Za-z0-9._-]+)$/.exec(pathname);
  if (api?.[1]) return { method: api[1] };
  const response = /^\/response\/([^/]+)$/.exec(pathname);
  if (response?.[1]) return { method: "response_url", id: decodeURIComponent(response[1]) };
  return undefined;
}

export async function startFakeSlack(): Promise<FakeSlack> {
  const recorded: RecordedCall[] = [];
  const faults = new Map<string, Fault[]>();
  const responders = new Map<string, Responder>();
  const expired = new Set<string>();
  const sockets = new Set<Socket>();
  const events = new EventEmitter();
  events.setMaxListeners(0);
  let tsCounter = 0;
  const nextTs = () => `1700000000.${String(++tsCounter).padStart(6, "0")}`;

  const takeFault = (method: string): Fault | undefined => {
    const queue = faults.get(method);
    return queue?.shift();
  };

  const answer = (call: RecordedCall): Reply => {
    const fault = takeFault(call.method);
    if (fault) return faultReply(fault);
    if (call.method === "response_url") {
      return call.id !== undefined && expired.has(call.id)
        ? { status: 404, body: { ok: false, error: "expired_url" } }
        : { status: 200, body: { ok: true } };
    }
    const responder = responders.get(call.method);
    if (responder) return { status: 200, body: { ok: true, ...responder(call) } };
    const success = successBody(call.method, call.body, nextTs);
    return success ? { status: 200, body: { ok: true, ...success } } : { status: 200, body: { ok: false, error: "unknown_method" } };
  };

  const server = http.createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const target = req.method === "POST" ? route(new URL(req.url ?? "/", "http://x").pathname) : undefined;
      if (!target) {
        res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ ok: false, error: "not_found" }));
        return;
      }
      const call: RecordedCall = {
        method: target.method,
        ...(target.id !== undefined ? { id: target.id } : {}),
        body: decodeBody(raw, req.headers["content-type"]),
        headers: req.headers,
        time: Date.now(),
        status: 200,
      };
      const reply = answer(call);
      call.status = reply.status;
      call.response = reply.body;
      const error = text(reply.body.error);
      if (error !== undefined) call.error = error;
      recorded.push(call);
      res.writeHead(reply.status, { "content-type": "application/json; charset=utf-8", ...reply.headers }).end(JSON.stringify(reply.body));
      events.emit("call", call);
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;

  const enqueue = (method: string, fault: Fault) => faults.set(method, [...(faults.get(method) ?? []), fault]);
  const calls = (method?: string) => recorded.filter((c) => method === undefined || c.method === method);

  const waitFor = (match: string | ((call: RecordedCall) => boolean), timeoutMs = GENEROUS_TIMEOUT_MS): Promise<RecordedCall[]> => {
    const predicate = typeof match === "string" ? (c: RecordedCall) => c.method === match : match;
    const matching = () => recorded.filter(predicate);
    return new Promise((resolve, reject) => {
      if (matching().length > 0) {
        resolve(matching());
        return;
      }
      const onCall = (call: RecordedCall) => {
        if (!predicate(call)) return;
        cleanup();
        resolve(matching());
      };
      const timer = setTimeout(() => {
        cleanup();
        const seen = recorded.map((c) => c.method).join(", ") || "none";
        const what = typeof match === "string" ? `a ${match} call` : "a matching call";
        reject(new Error(`fake Slack: timed out after ${timeoutMs} ms waiting for ${what}; calls seen: ${seen}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        events.off("call", onCall);
      };
      events.on("call", onCall);
    });
  };

  return {
    apiUrl: `${url}/api`,
    url,
    responseUrl: (id) => `${url}/response/${encodeURIComponent(id)}`,
    expireResponseUrl: (id) => void expired.add(id),
    failNext: (method, fault) => enqueue(method, { kind: "error", error: fault.error, status: fault.status ?? 200 }),
    rateLimitNext: (method, retryAfterSeconds) => enqueue(method, { kind: "rateLimit", retryAfterSeconds }),
    respondWith: (method, responder) => void responders.set(method, responder),
    calls,
    waitFor,
    onCall: (listener) => {
      events.on("call", listener);
      return () => void events.off("call", listener);
    },
    reset: () => {
      recorded.length = 0;
      faults.clear();
      expired.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * A fake Slack Socket Mode endpoint on 127.0.0.1 for end-to-end tests. It answers
 * `apps.connections.open` on the fake Slack with a one-time `ws://127.0.0.1:<port>/link?ticket=…`
 * URL, greets each connection with `hello`, and delivers envelopes the way Slack does: `send()`
 * resolves with the client's ack for that envelope_id. Nothing is logged (the app token arrives as
 * the bearer of `apps.connections.open`).
 */
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { type RawData, type WebSocket, WebSocketServer } from "ws";
import { GENEROUS_TIMEOUT_MS } from "../support/wait.js";
import type { FakeSlack, RecordedCall } from "./slack-fake.js";

export const FAKE_APP_ID = "A0DEPLOYHIST";
/**
 * Slack wants an ack within 3 s, but a busy test machine is slow, not wrong: the fake waits longer,
 * and tests check instead that the ack comes before the answer.
 */
export const DEFAULT_ACK_TIMEOUT_MS = GENEROUS_TIMEOUT_MS;

export type EnvelopeType = "slash_commands" | "events_api" | "interactive";

export interface Envelope {
  type: EnvelopeType;
  payload: Record<string, unknown>;
  /** Generated when left out. */
  envelope_id?: string;
  accepts_response_payload?: boolean;
  retry_attempt?: number;
  retry_reason?: string;
}

/** What the client sent back for an envelope: `{ envelope_id, payload? }`. */
export interface Ack {
  envelope_id: string;
  payload?: Record<string, unknown>;
  /** Milliseconds from sending the envelope to receiving the ack. */
  elapsedMs: number;
}

export interface FakeSocketModeOptions {
  /** When set, `apps.connections.open` with any other bearer answers `invalid_auth`, as Slack does. */
  appToken?: string;
}

export interface FakeSocketMode {
  /** `ws://127.0.0.1:<port>` */
  url: string;
  /** Open WebSocket connections right now. */
  readonly connections: number;
  /** WebSocket connections accepted so far (reconnections included). */
  readonly accepted: number;
  /** Number of `apps.connections.open` calls the fake Slack answered. */
  readonly opens: number;
  /** True once `apps.connections.open` was called with `Authorization: Bearer <options.appToken>`. */
  readonly appTokenPresented: boolean;
  /** Every message the clients sent (acks included), parsed. */
  received(): unknown[];
  /**
   * Resolves once a connection is open and at least `accepted` connections (default 1) were accepted
   * in all; rejects after timeoutMs (default 5000).
   */
  waitForConnection(options?: { accepted?: number; timeoutMs?: number }): Promise<void>;
  /** Asks every client to reconnect, as Slack does before recycling a connection. */
  disconnect(reason?: "refresh_requested" | "warning" | "link_disabled"): void;
  /** Sends an envelope on the newest connection and resolves with its ack; rejects after timeoutMs. */
  send(envelope: Envelope, timeoutMs?: number): Promise<Ack>;
  /** Terminates every client connection and stops the server. */
  close(): Promise<void>;
}

export function helloMessage(): Record<string, unknown> {
  return {
    type: "hello",
    num_connections: 1,
    debug_info: { host: "applink-fake-127-0-0-1", build_number: 1, approximate_connection_time: 18060 },
    connection_info: { app_id: FAKE_APP_ID },
  };
}

export function bearerOf(call: Pick<RecordedCall, "headers">): string | undefined {
  const header = call.headers.authorization;
  const match = typeof header === "string" ? /^Bearer (.+)$/.exec(header) : null;
  return match?.[1];
}

function parseMessage(data: RawData): unknown {
  try {
    return JSON.parse(Buffer.isBuffer(data) ? data.toString("utf8") : Buffer.from(data as ArrayBuffer).toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function ackIdOf(message: unknown): string | undefined {
  if (typeof message !== "object" || message === null) return undefined;
  const id = (message as { envelope_id?: unknown }).envelope_id;
  return typeof id === "string" ? id : undefined;
}

interface PendingAck {
  resolve: (ack: Ack) => void;
  sentAt: number;
}

export async function startFakeSocketMode(slack: FakeSlack, options: FakeSocketModeOptions = {}): Promise<FakeSocketMode> {
  const tickets = new Set<string>();
  const clients: WebSocket[] = [];
  const received: unknown[] = [];
  const pending = new Map<string, PendingAck>();
  let opens = 0;
  let accepted = 0;
  let appTokenPresented = false;

  const server = new WebSocketServer({
    host: "127.0.0.1",
    port: 0,
    path: "/link",
    // Like Slack, a ticket opens one connection only.
    verifyClient: ({ req }: { req: { url?: string } }) => {
      const ticket = new URL(req.url ?? "/", "ws://x").searchParams.get("ticket");
      return ticket !== null && tickets.delete(ticket);
    },
  });
  await once(server, "listening");
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;

  server.on("connection", (socket) => {
    clients.push(socket);
    accepted += 1;
    socket.on("close", () => {
      const at = clients.indexOf(socket);
      if (at >= 0) clients.splice(at, 1);
    });
    socket.on("message", (data) => {
      const message = parseMessage(data);
      received.push(message);
      const id = ackIdOf(message);
      const waiting = id === undefined ? undefined : pending.get(id);
      if (id === undefined || !waiting) return;
      pending.delete(id);
      const payload = (message as { payload?: unknown }).payload;
      const ack: Ack = { envelope_id: id, elapsedMs: Date.now() - waiting.sentAt };
      if (typeof payload === "object" && payload !== null) ack.payload = payload as Record<string, unknown>;
      waiting.resolve(ack);
    });
    socket.send(JSON.stringify(helloMessage()));
  });

  slack.respondWith("apps.connections.open", (call) => {
    opens += 1;
    const bearer = bearerOf(call);
    if (options.appToken !== undefined) {
      if (bearer !== options.appToken) return { ok: false, error: "invalid_auth" };
      appTokenPresented = true;
    }
    const ticket = randomUUID();
    tickets.add(ticket);
    return { url: `${url}/link?ticket=${ticket}` };
  });

  const waitForConnection = async ({
    accepted: wanted = 1,
    timeoutMs = GENEROUS_TIMEOUT_MS,
  }: {
    accepted?: number;
    timeoutMs?: number;
  } = {}): Promise<void> => {
    const deadline = Date.now() + timeoutMs;
    while (clients.length === 0 || accepted < wanted) {
      if (Date.now() >= deadline) {
        throw new Error(
          `fake Socket Mode: after ${timeoutMs} ms ${clients.length} connection(s) open, ${accepted} accepted (wanted ${wanted}), ${opens} apps.connections.open call(s)`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  };

  const disconnect = (reason = "refresh_requested"): void => {
    const message = JSON.stringify({ type: "disconnect", reason, debug_info: { host: "applink-fake-127-0-0-1" } });
    for (const socket of clients) socket.send(message);
  };

  const send = (envelope: Envelope, timeoutMs = DEFAULT_ACK_TIMEOUT_MS): Promise<Ack> => {
    const socket = clients.at(-1);
    if (!socket) return Promise.reject(new Error(`fake Socket Mode: no client is connected to send a ${envelope.type} envelope to`));
    const id = envelope.envelope_id ?? randomUUID();
    return new Promise<Ack>((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`fake Socket Mode: no ack for ${envelope.type} envelope ${id} within ${timeoutMs} ms`));
      }, timeoutMs);
      pending.set(id, {
        sentAt: Date.now(),
        resolve: (ack) => {
          clearTimeout(timer);
          resolve(ack);
        },
      });
      socket.send(JSON.stringify({ accepts_response_payload: envelope.type !== "events_api", ...envelope, envelope_id: id }));
    });
  };

  const close = async (): Promise<void> => {
    for (const socket of [...clients]) socket.terminate();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  return {
    url,
    get connections() {
      return clients.length;
    },
    get accepted() {
      return accepted;
    },
    get opens() {
      return opens;
    },
    get appTokenPresented() {
      return appTokenPresented;
    },
    received: () => [...received],
    waitForConnection,
    disconnect,
    send,
    close,
  };
}

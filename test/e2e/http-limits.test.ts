/**
 * Issue 10, finding 5: an unauthenticated client must not hold the app's memory or sockets. The real
 * bundled server (HTTP mode and Socket Mode's /healthz server) is driven over raw TCP sockets on
 * 127.0.0.1, so the tests control exactly which bytes arrive and when. Each test waits for the
 * app's reaction (an answer, a closed socket) with the generous timeout, never for a fixed time.
 */
import { once } from "node:events";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeSlack, startFakeSlack } from "../fakes/slack-fake.js";
import { type FakeSocketMode, startFakeSocketMode } from "../fakes/socket-mode-fake.js";
import { waitUntil } from "../support/wait.js";
import {
  JSON_TYPE,
  type RunningApp,
  type Stack,
  slashCommandBody,
  startApp,
  startStack,
  TEST_APP_TOKEN,
  TEST_BOT_TOKEN,
} from "./harness.js";

const MIB = 1024 * 1024;
/** The documented limit (src/slack/http-server.ts): Slack's payloads are a few kilobytes. */
const BODY_LIMIT = MIB;

/** A raw client connection: what came back, and whether the app closed it. */
interface RawConnection {
  socket: net.Socket;
  received(): string;
  closed(): boolean;
  /** Writes unless the app already closed the connection. */
  write(data: string | Buffer): void;
  /** Resolves once the app has closed the connection (rejects after the generous timeout). */
  waitClosed(what: string): Promise<void>;
}

async function connect(port: number): Promise<RawConnection> {
  const socket = net.connect({ host: "127.0.0.1", port });
  let received = "";
  let closed = false;
  socket.on("data", (chunk: Buffer) => (received += chunk.toString("latin1")));
  // The app resets connections it refuses; a write racing that reset fails with EPIPE/ECONNRESET.
  socket.on("error", () => undefined);
  socket.on("close", () => (closed = true));
  await once(socket, "connect");
  return {
    socket,
    received: () => received,
    closed: () => closed,
    write: (data) => {
      if (!closed && !socket.destroyed) socket.write(data);
    },
    waitClosed: (what) => waitUntil(() => closed, what),
  };
}

const statusOf = (response: string): number | undefined => {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(response);
  return match ? Number(match[1]) : undefined;
};

const requestHead = (lines: string[]) => `${lines.join("\r\n")}\r\n\r\n`;

/** Writes one byte every `everyMs` until the app closes the connection; returns a stop function. */
function trickle(connection: RawConnection, byte: string, everyMs: number): () => void {
  const timer = setInterval(() => {
    if (connection.closed()) clearInterval(timer);
    else connection.write(byte);
  }, everyMs);
  return () => clearInterval(timer);
}

function destroyAll(connections: readonly RawConnection[]): void {
  for (const connection of connections) connection.socket.destroy();
}

describe("finding 5: request bodies are limited to 1 MiB (HTTP mode)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("finding 5: a declared body over 1 MiB is refused with 413 before any of it is sent", async () => {
    const connection = await connect(stack.app.port);
    try {
      connection.write(
        requestHead([
          "POST /slack/events HTTP/1.1",
          "Host: 127.0.0.1",
          `Content-Type: ${JSON_TYPE}`,
          `Content-Length: ${4 * MIB}`,
          "X-Slack-Request-Timestamp: 1",
          "X-Slack-Signature: v0=0",
        ]),
      );
      await waitUntil(() => connection.received().includes("\r\n\r\n"), "the app to answer the declared 4 MiB body");
      expect(statusOf(connection.received())).toBe(413);
      await connection.waitClosed("the app to close the refused connection");
    } finally {
      connection.socket.destroy();
    }
  });

  it("finding 5: a chunked body that grows past 1 MiB is refused with 413", async () => {
    const connection = await connect(stack.app.port);
    try {
      connection.write(
        requestHead(["POST /slack/events HTTP/1.1", "Host: 127.0.0.1", `Content-Type: ${JSON_TYPE}`, "Transfer-Encoding: chunked"]),
      );
      const chunk = Buffer.alloc(64 * 1024, "a");
      for (let sent = 0; sent <= BODY_LIMIT + chunk.length && !connection.received().includes("\r\n\r\n"); sent += chunk.length) {
        connection.write(`${chunk.length.toString(16)}\r\n`);
        connection.write(chunk);
        connection.write("\r\n");
      }
      await waitUntil(() => connection.received().includes("\r\n\r\n"), "the app to answer the oversized chunked body");
      expect(statusOf(connection.received())).toBe(413);
    } finally {
      connection.socket.destroy();
    }
  });

  it("finding 5: a body just under the limit still reaches signature verification (401, not 413)", async () => {
    const body = Buffer.alloc(BODY_LIMIT - 1, "a");
    const res = await stack.app.post("/slack/events", body.toString("latin1"), {
      "content-type": JSON_TYPE,
      "x-slack-request-timestamp": "1",
      "x-slack-signature": "v0=0",
    });
    expect(res.status).toBe(401);
  });
});

describe("finding 5: slow clients are cut off at HTTP_REQUEST_TIMEOUT_MS (HTTP mode)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { HTTP_REQUEST_TIMEOUT_MS: "1000" } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("finding 5: a connection that never sends a byte is closed", async () => {
    const connection = await connect(stack.app.port);
    try {
      await connection.waitClosed("the app to close an idle connection");
      expect(connection.received()).not.toMatch(/^HTTP\/1\.1 2/);
    } finally {
      connection.socket.destroy();
    }
  });

  it("finding 5: headers trickled at one byte per 200 ms are cut off", async () => {
    const connection = await connect(stack.app.port);
    connection.write("POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ");
    const stop = trickle(connection, "a", 200);
    try {
      await connection.waitClosed("the app to close a connection whose headers never end");
    } finally {
      stop();
      connection.socket.destroy();
    }
  });

  it("finding 5: a body trickled at one byte per 200 ms is cut off", async () => {
    const connection = await connect(stack.app.port);
    connection.write(
      requestHead(["POST /slack/events HTTP/1.1", "Host: 127.0.0.1", `Content-Type: ${JSON_TYPE}`, "Content-Length: 100000"]),
    );
    const stop = trickle(connection, "a", 200);
    try {
      await connection.waitClosed("the app to close a connection whose body never ends");
      expect(statusOf(connection.received()) ?? 408).toBe(408);
    } finally {
      stop();
      connection.socket.destroy();
    }
  });

  it("finding 5: still serves /healthz and signed requests with the short timeout", async () => {
    expect((await stack.app.get("/healthz")).status).toBe(200);
    const ack = await stack.app.handled(() =>
      stack.app.postSigned(slashCommandBody({ text: "help", responseUrl: stack.slack.responseUrl("short-timeout") })),
    );
    expect(ack.status).toBe(200);
    await stack.slack.waitFor((c) => c.method === "response_url" && c.id === "short-timeout");
  });
});

describe("finding 5: concurrent connections are capped at HTTP_MAX_CONNECTIONS (HTTP mode)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ env: { HTTP_MAX_CONNECTIONS: "3" } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("finding 5: of 6 connections held open at once at most 3 are served; the app serves again once they close", async () => {
    const connections: RawConnection[] = [];
    try {
      // One after the other, so the app accepts them in this order; each asks for /healthz and keeps the connection.
      for (let i = 0; i < 6; i += 1) connections.push(await connect(stack.app.port));
      for (const connection of connections) connection.write(requestHead(["GET /healthz HTTP/1.1", "Host: 127.0.0.1"]));
      const answered = (c: RawConnection) => c.received().includes("\r\n\r\n");
      await waitUntil(() => connections.every((c) => answered(c) || c.closed()), "every connection to be answered or closed");
      const served = connections.filter(answered);
      // The harness's own health check may still hold a kept-alive connection, so fewer than 3 may be served.
      expect(served.length).toBeGreaterThan(0);
      expect(served.length).toBeLessThanOrEqual(3);
      for (const connection of served) expect(statusOf(connection.received())).toBe(200);
      expect(connections.filter((c) => !answered(c) && c.closed()).length).toBeGreaterThanOrEqual(3);
    } finally {
      destroyAll(connections);
    }
    await waitUntil(async () => {
      try {
        return (await stack.app.get("/healthz")).status === 200;
      } catch {
        return false;
      }
    }, "/healthz to answer again once the held connections are gone");
  });
});

describe("finding 5: Socket Mode's /healthz server has the same limits", () => {
  let slack: FakeSlack;
  let socketMode: FakeSocketMode;
  let app: RunningApp;
  beforeAll(async () => {
    slack = await startFakeSlack();
    socketMode = await startFakeSocketMode(slack, { appToken: TEST_APP_TOKEN });
    app = await startApp({
      env: {
        SLACK_BOT_TOKEN: TEST_BOT_TOKEN,
        SLACK_APP_TOKEN: TEST_APP_TOKEN,
        SLACK_API_URL: `${slack.apiUrl}/`,
        HTTP_REQUEST_TIMEOUT_MS: "1000",
      },
    });
  });
  afterAll(async () => {
    try {
      if (app) expect(await app.stop("SIGTERM")).toEqual({ code: 0, signal: null });
    } finally {
      await Promise.all([socketMode?.close(), slack?.close()]);
    }
  });

  it("finding 5: in Socket Mode a declared body over 1 MiB gets 413 and an idle connection is closed", async () => {
    const large = await connect(app.port);
    const idle = await connect(app.port);
    try {
      large.write(requestHead(["POST /healthz HTTP/1.1", "Host: 127.0.0.1", `Content-Length: ${4 * MIB}`]));
      await waitUntil(() => large.received().includes("\r\n\r\n"), "the app to answer the declared 4 MiB body");
      expect(statusOf(large.received())).toBe(413);
      await idle.waitClosed("the app to close an idle connection");
    } finally {
      destroyAll([large, idle]);
    }
  });
});

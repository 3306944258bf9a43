/**
 * The app's one HTTP server: Slack's requests in HTTP mode, `GET /healthz` in both modes. Anyone can
 * connect to it before any signature is checked, so it bounds what a client can hold (issue 10,
 * finding 5): a body over MAX_BODY_BYTES is refused with 413 (at once when `content-length` says so),
 * headers, the whole request and an idle socket each get `requestTimeoutMs`, and connections beyond
 * `maxConnections` are dropped as they arrive.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from "node:http";
import type { Logger } from "../log.js";

/** Slack's payloads are a few kilobytes; the largest (a block action on a full message) stays far below this. */
export const MAX_BODY_BYTES = 1024 * 1024;

export interface HttpLimits {
  requestTimeoutMs: number;
  maxConnections: number;
}

const KEEP_ALIVE_MS = 5_000;
const CHECK_INTERVAL_MS = 1_000;
const DROP_REPORT_INTERVAL_MS = 60_000;

export function createLimitedServer(limits: HttpLimits, handler: RequestListener, logger: Logger): Server {
  const server = createServer(
    {
      headersTimeout: limits.requestTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      keepAliveTimeout: Math.min(KEEP_ALIVE_MS, limits.requestTimeoutMs),
      // How often Node looks for requests past those timeouts (default 30 s, longer than the timeouts).
      connectionsCheckingInterval: Math.min(CHECK_INTERVAL_MS, limits.requestTimeoutMs),
    },
    (req, res) => {
      if (declaredBodyTooLarge(req)) refuse(res, 413);
      else handler(req, res);
    },
  );
  // A socket that sends nothing at all (no request started) is not covered by the request timeouts.
  server.timeout = limits.requestTimeoutMs;
  server.maxConnections = limits.maxConnections;
  reportDrops(server, limits.maxConnections, logger);
  return server;
}

/** Listens on `port` (all interfaces, as Bolt does); rejects on EADDRINUSE and the like. */
export function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, () => {
      server.off("error", reject);
      resolve();
    });
  });
}

/**
 * Stops accepting connections and closes idle ones; the promise resolves once every connection has
 * ended. The caller ends the busy ones with `closeAllConnections` when its grace is over.
 */
export function stopListening(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  return closed;
}

function declaredBodyTooLarge(req: IncomingMessage): boolean {
  const declared = req.headers["content-length"];
  return declared !== undefined && Number(declared) > MAX_BODY_BYTES;
}

/** Answers without reading the body, and closes the connection so the rest of the body is not read either. */
function refuse(res: ServerResponse, status: number): void {
  res.writeHead(status, { connection: "close", "content-length": "0" }).end();
}

/** One warn line per minute at most, with how many connections were refused since the last one. */
function reportDrops(server: Server, maxConnections: number, logger: Logger): void {
  let dropped = 0;
  let lastReport = Number.NEGATIVE_INFINITY;
  server.on("drop", () => {
    dropped += 1;
    const now = performance.now();
    if (now - lastReport < DROP_REPORT_INTERVAL_MS) return;
    logger.warn({ event: "http.connections_dropped", dropped, maxConnections }, "HTTP connections refused: HTTP_MAX_CONNECTIONS reached");
    lastReport = now;
    dropped = 0;
  });
}

/**
 * Posting to a Slack response_url with undici's `request` (Bolt's `respond` goes through the
 * heavier WHATWG fetch). Slack answers 404 once a response_url has expired (30 minutes or 5 uses).
 */
import { setTimeout as delay } from "node:timers/promises";
import { request } from "undici";

export interface ResponseUrlResult {
  status: number;
  retryAfterMs?: number;
}

export class ResponseUrlError extends Error {
  override readonly name = "ResponseUrlError";
  /** Same shape as a Web API error, so logs show `slackError` for both. */
  readonly data: { error: string };
  constructor(readonly status: number) {
    super(`response_url answered HTTP ${status}`);
    this.data = { error: status === 404 || status === 410 ? "expired_url" : `http_${status}` };
  }
}

const TIMEOUT_MS = 10_000;

export async function postToResponseUrl(url: string, payload: object): Promise<ResponseUrlResult> {
  const res = await request(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(payload),
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });
  await res.body.dump();
  const retryAfter = Number(res.headers["retry-after"]);
  return { status: res.statusCode, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined };
}

/** How long a reply may wait out a 429; a longer Retry-After fails at once rather than hold the request. */
const MAX_RETRY_WAIT_MS = 10_000;
const DEFAULT_RETRY_WAIT_MS = 1_000;

export interface RespondToOptions {
  /** Waits out a Retry-After; a test passes one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Posts and throws a ResponseUrlError unless Slack accepted it. A 429 is retried once after its
 * Retry-After (the user is waiting for this reply); live updates use postToResponseUrl and their budget instead.
 */
export async function respondTo(url: string, payload: object, { sleep = delay }: RespondToOptions = {}): Promise<void> {
  const first = await postToResponseUrl(url, payload);
  let status = first.status;
  const wait = first.retryAfterMs ?? DEFAULT_RETRY_WAIT_MS;
  if (status === 429 && wait <= MAX_RETRY_WAIT_MS) {
    await sleep(wait);
    status = (await postToResponseUrl(url, payload)).status;
  }
  if (status < 200 || status >= 300) throw new ResponseUrlError(status);
}

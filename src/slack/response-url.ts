/**
 * Posting to a Slack response_url with undici's `request` (Bolt's `respond` goes through the
 * heavier WHATWG fetch). Slack answers 404 once a response_url has expired (30 minutes or 5 uses).
 */
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

/** Posts and throws a ResponseUrlError unless Slack accepted it. */
export async function respondTo(url: string, payload: object): Promise<void> {
  const { status } = await postToResponseUrl(url, payload);
  if (status < 200 || status >= 300) throw new ResponseUrlError(status);
}

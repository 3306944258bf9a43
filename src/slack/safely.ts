/**
 * Sending to Slack can fail (expired response_url, channel_not_found, rate limits after retries).
 * The user has already been acked, so a failed send is logged as one structured line, never thrown.
 */
import type { Logger } from "../log.js";

export async function sendSafely(
  logger: Logger,
  what: string,
  send: () => Promise<unknown>,
  fields: Record<string, unknown> = {},
): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    logger.warn({ ...fields, send: what, err: error }, `slack ${what} failed`);
    return false;
  }
}

/** The `error` field of a Slack Web API failure (e.g. `cannot_unfurl_url`), when there is one. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === "string" ? data.error : undefined;
}

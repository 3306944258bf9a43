/**
 * Typed failures of a SourceDeploy call. `code` is for machines (logs, tests, the renderer's
 * localized messages); `message` is a safe English sentence that never contains a secret or a raw
 * upstream body. Upstream `error.message` / `details` go to `upstream` for logging only.
 */
export type SourceDeployErrorCode =
  | "invalid_request" // rejected before any request was sent (e.g. an id that is not digits)
  | "auth_failed" // 401 / errorCode 200
  | "permission_denied" // 401 / errorCode 210, 403
  | "not_found" // 404 / errorCode 300
  | "rate_limited" // 429 after retries
  | "unavailable" // 5xx, connection resets, refused connections
  | "timeout" // the call's deadline passed
  | "aborted" // the caller's AbortSignal cancelled the call (e.g. shutdown); not a SourceDeploy failure
  | "invalid_response" // body not JSON, too large, not the expected shape, or another history than requested
  | "slow_down" // not sent: the user's own budget of calls is spent (UPSTREAM_MAX_PER_USER_PER_MINUTE)
  | "refused" // a write SourceDeploy declined (400 / 409 / 412, or `result: false`): the history moved on meanwhile
  | "unknown_outcome"; // a write was sent but no answer came (timeout, connection lost): it may or may not have happened

export interface SourceDeployErrorDetails {
  status?: number;
  /** NCP `error.errorCode`, `error.message`, `error.details`; safe to log, not to show. */
  upstream?: { errorCode?: string; message?: string; details?: string };
  /** For `invalid_response`: the JSON path that failed, e.g. `config.targets[2].server`. */
  path?: string;
  /** Which resource was asked for, for messages like "history 123/456 not found". */
  resource?: { projectId?: string; historyId?: string };
  attempts?: number;
  /** For `slow_down`: when the user may ask again. */
  retryAfterMs?: number;
}

export class SourceDeployError extends Error {
  override readonly name = "SourceDeployError";
  readonly code: SourceDeployErrorCode;
  readonly details: SourceDeployErrorDetails;

  constructor(code: SourceDeployErrorCode, message: string, details: SourceDeployErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
  }
}

export function isSourceDeployError(value: unknown): value is SourceDeployError {
  return value instanceof SourceDeployError;
}

/**
 * Structured JSON-line logging (pino). Besides never logging secrets on purpose, every line is
 * scrubbed of the configured secret values before it is written, as a last line of defence.
 *
 * Errors are logged one way: `logger.warn({ err: error }, "what failed")`. The `err` serializer
 * below turns any thrown value into a short `ErrorDescription`, so a log line never carries a
 * stack, a raw response body, request headers or a cause chain.
 */
import { type DestinationStream, type Logger, pino } from "pino";
import type { LogLevel } from "./config.js";
import { isSourceDeployError } from "./sourcedeploy/errors.js";

export type { Logger };

export interface LoggerOptions {
  level?: LogLevel | "silent";
  /** Values that must never appear in a log line (tokens, keys). Empty strings are ignored. */
  secrets?: ReadonlyArray<string | undefined>;
  destination?: DestinationStream;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s): s is string => typeof s === "string" && s.length >= 4);
  return pino(
    {
      level: options.level ?? "info",
      base: { app: "deploy-history" },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: { err: describeError },
      redact: { paths: ["secretKey", "*.secretKey", "token", "*.token", "headers.authorization"], censor: "[redacted]" },
      hooks: secrets.length > 0 ? { streamWrite: (line) => scrubSecrets(line, secrets) } : {},
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}

export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.replaceAll(secret, "[redacted]");
  return out;
}

/** What a log line says about an error; absent fields are left out of the line. */
export interface ErrorDescription {
  name: string;
  message: string;
  /** SourceDeployError code (`timeout`, `aborted`, …), Slack SDK code, or Node code (`ECONNRESET`). */
  code?: string;
  /** HTTP status: SourceDeploy's, a Slack Web API HTTP error's, or a response_url's. */
  status?: number;
  attempts?: number;
  upstreamErrorCode?: string;
  upstreamMessage?: string;
  /** The `error` of a Slack Web API answer (`channel_not_found`) or of a failed response_url post (`expired_url`). */
  slackError?: string;
}

const MAX_TEXT = 300;
const MAX_CODE = 60;

/**
 * The `err` serializer: the useful facts of any thrown value, picked field by field. A
 * SourceDeployError's message is safe by contract; other messages are cut short (and, like every
 * line, scrubbed of secret values).
 */
export function describeError(error: unknown): ErrorDescription {
  if (isSourceDeployError(error)) {
    const { status, attempts, upstream } = error.details;
    return {
      name: error.name,
      code: error.code,
      message: clip(error.message, MAX_TEXT),
      status,
      attempts,
      upstreamErrorCode: optionalText(upstream?.errorCode, MAX_CODE),
      upstreamMessage: optionalText(upstream?.message, MAX_TEXT),
    };
  }
  if (error instanceof Error) {
    const fields = error as Error & { code?: unknown; status?: unknown; statusCode?: unknown; data?: { error?: unknown } };
    return {
      name: clip(textOf(error.name), MAX_CODE),
      code: optionalText(fields.code, MAX_CODE),
      message: clip(textOf(error.message), MAX_TEXT),
      status: httpStatus(fields.statusCode) ?? httpStatus(fields.status),
      slackError: optionalText(fields.data?.error, MAX_CODE),
    };
  }
  return { name: "NonError", message: clip(textOf(error), MAX_TEXT) };
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function optionalText(value: unknown, max: number): string | undefined {
  return typeof value === "string" ? clip(value, max) : undefined;
}

function httpStatus(value: unknown): number | undefined {
  return Number.isInteger(value) && (value as number) >= 100 && (value as number) <= 599 ? (value as number) : undefined;
}

/** String(value), except for values String() throws on (e.g. Object.create(null)). */
function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * How the NCP access key appears in logs: its first 4 characters, enough for an operator to tell
 * which key is in use. A short value (not a real key) shows nothing.
 */
export function redactKey(value: string): string {
  return value.length >= 12 ? `${value.slice(0, 4)}…` : "…";
}

/** A logger that drops everything: for unit tests and the CLI. */
export const silentLogger: Logger = pino({ level: "silent" });

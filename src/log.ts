/**
 * Structured JSON-line logging (pino). Besides never logging secrets on purpose, every line is
 * scrubbed of the configured secret values before it is written, as a last line of defence.
 */
import { pino, type DestinationStream, type Logger } from "pino";
import type { LogLevel } from "./config.js";

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

/** A logger that drops everything: for unit tests and the CLI. */
export const silentLogger: Logger = pino({ level: "silent" });

/** Bolt's Logger interface on top of our pino logger, so Bolt's own lines are JSON lines too. */
import { type Logger as BoltLogger, LogLevel } from "@slack/bolt";
import type { Logger } from "../log.js";

type Level = "debug" | "info" | "warn" | "error";

export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: "bolt" });
  const write =
    (level: Level) =>
    (...args: unknown[]) => {
      // An Error Bolt passes goes to `err`, described like every other error; the rest is the message.
      const err = args.find((a) => a instanceof Error);
      const text = args
        .filter((a) => a !== err)
        .map((a) => (typeof a === "string" ? a : JSON.stringify(a)))
        .join(" ");
      if (err === undefined) child[level](text);
      else child[level]({ err }, text === "" ? "bolt reported an error" : text);
    };
  return {
    debug: write("debug"),
    info: write("info"),
    warn: write("warn"),
    error: write("error"),
    setLevel: () => undefined,
    getLevel: () => (child.isLevelEnabled("debug") ? LogLevel.DEBUG : LogLevel.INFO),
    setName: () => undefined,
  };
}

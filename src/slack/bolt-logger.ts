/** Bolt's Logger interface on top of our pino logger, so Bolt's own lines are JSON lines too. */
import { LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { Logger } from "../log.js";

export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: "bolt" });
  const line = (args: unknown[]) => args.map((a) => (a instanceof Error ? a.message : typeof a === "string" ? a : JSON.stringify(a))).join(" ");
  return {
    debug: (...args) => child.debug(line(args)),
    info: (...args) => child.info(line(args)),
    warn: (...args) => child.warn(line(args)),
    error: (...args) => child.error(line(args)),
    setLevel: () => undefined,
    getLevel: () => (child.isLevelEnabled("debug") ? LogLevel.DEBUG : LogLevel.INFO),
    setName: () => undefined,
  };
}

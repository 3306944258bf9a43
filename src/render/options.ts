import type { Locale } from "../config.js";

export interface RenderOptions {
  locale: Locale;
  /** IANA zone for date fallbacks (Slack's date tokens show each viewer's own zone). */
  timeZone: string;
  /** "Now", for elapsed times of running deployments; passed in to keep rendering pure. */
  now: Date;
  /** `SOURCEDEPLOY_CONSOLE_URL`; `{projectId}` / `{historyId}` are filled in. */
  consoleUrlTemplate: string;
  /** Built-in demo data: every message says so. */
  demo?: boolean;
  /** Ephemeral replies offer "Share to channel". */
  shareButton?: boolean;
}

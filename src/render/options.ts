import type { Locale } from "../config.js";

/** How a message stays current; rendered as one context line near the bottom. */
export type LiveNote =
  /** "🔄 Updates itself until the deployment ends". */
  | { kind: "live" }
  /** A private (ephemeral) reply, which Slack lets us update only a few times. */
  | { kind: "live_limited" }
  /** An ephemeral reply's last possible update: press Refresh from now on. */
  | { kind: "last_update" }
  /** SourceDeploy unreachable; the content is from `lastSuccessAt`. */
  | { kind: "stale"; lastSuccessAt: Date }
  /** The watch ended before the deployment did. */
  | { kind: "expired" }
  /** Not followed: a quota is full (`limit` messages of the asker, of the channel, or of the app). */
  | { kind: "not_followed"; quota: "user" | "channel" | "total"; limit: number };

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
  /**
   * Offer the decisions and commands the history's status allows (approve / reject, promote /
   * abort, cancel), each with a confirm dialog. Shown to everyone (Slack cannot hide a button per
   * viewer); the click is checked against the access policy.
   */
  writeButtons?: boolean;
  /**
   * Slack surfaces: a running deployment's elapsed time as a live Slack date token `{ago}` instead of a
   * duration computed from `now`, so an unchanged deployment renders byte-identically at any time.
   */
  relativeElapsed?: boolean;
  /** How this message stays current; rendered as one context line near the bottom. */
  live?: LiveNote;
}

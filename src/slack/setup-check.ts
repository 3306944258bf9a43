/**
 * What is missing before the app can talk to Slack, as a short checklist for a person setting it
 * up (manifest → install → tokens), printed instead of a stack trace.
 */
import type { Config } from "../config.js";

export type SlackMode = "socket" | "http";

export function slackMode(config: Config): SlackMode {
  return config.slack.appToken ? "socket" : "http";
}

export function slackSetupChecklist(config: Config): string | undefined {
  const missing: string[] = [];
  if (!config.slack.botToken) missing.push("SLACK_BOT_TOKEN (xoxb-…): OAuth & Permissions → Bot User OAuth Token");
  if (slackMode(config) === "http" && !config.slack.signingSecret) {
    missing.push("SLACK_SIGNING_SECRET: Basic Information → App Credentials → Signing Secret (HTTP mode)");
  }
  if (missing.length === 0) return undefined;
  return [
    "deploy-history cannot start: Slack is not configured yet.",
    "  1. Create the app: https://api.slack.com/apps → Create New App → From a manifest → paste manifest.yml.",
    "  2. Install it to your workspace (Install App), then set:",
    ...missing.map((m) => `       - ${m}`),
    "     For Socket Mode (no public URL needed) also set SLACK_APP_TOKEN (xapp-…):",
    "       Basic Information → App-Level Tokens → generate one with the connections:write scope.",
    "  3. Put them in .env (copy .env.example) or the environment and run npm start again.",
    "     Without NCP_ACCESS_KEY / NCP_SECRET_KEY the app serves built-in demo data.",
  ].join("\n");
}

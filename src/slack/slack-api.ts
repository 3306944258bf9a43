/** How this app reaches the Slack Web API (SLACK_API_URL), shared by Bolt's client and our own. */
import { webApi } from "@slack/bolt";
import type { Config } from "../config.js";

export function slackApiUrl(config: Config): string | undefined {
  return config.slack.apiUrl ? `${config.slack.apiUrl}/` : undefined;
}

/** WebClient's own logger would print warnings to the console; our log lines say what matters. */
export const quietWebLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  setLevel: () => undefined,
  getLevel: () => webApi.LogLevel.ERROR,
  setName: () => undefined,
};

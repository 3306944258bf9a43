/**
 * The baseline for the benchmarks: a bare @slack/bolt app in HTTP mode that only acks
 * `/deploy-history`, plus `GET /healthz`. Configured like the real app (same signing secret, bot
 * token checked against the same fake Slack), so the two differ only in what the app does.
 * bench/bolt-apps.ts transpiles this file and runs it with plain `node` (no loader), as the real
 * app runs `dist/server.mjs`. Env: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL.
 */
import { App, type CustomRoute, LogLevel } from "@slack/bolt";

const health: CustomRoute = {
  path: "/healthz",
  method: ["GET"],
  handler: (_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ status: "ok", rssBytes: process.memoryUsage.rss() }));
  },
};

const app = new App({
  token: process.env.SLACK_BOT_TOKEN,
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  endpoints: "/slack/events",
  logLevel: LogLevel.WARN,
  clientOptions: process.env.SLACK_API_URL ? { slackApiUrl: process.env.SLACK_API_URL } : undefined,
  customRoutes: [health],
});

app.command("/deploy-history", async ({ ack }) => {
  await ack();
});

await app.start(Number(process.env.PORT));
process.on("SIGTERM", () => void app.stop().finally(() => process.exit(0)));

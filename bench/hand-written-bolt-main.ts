/**
 * The fair peer for the benchmarks: the Bolt app a team would write by hand for
 * `/deploy-history <projectId> <historyId>`. It acks, fetches the history from SourceDeploy with
 * undici (NCP signature v2, written inline), renders a plain Block Kit message (a header and one
 * section per target) and answers with Bolt's `respond()`. No cache, no schema validation, no
 * access policy, no live updates: just the work every version of this app has to do.
 * bench/bolt-apps.ts transpiles this file and runs it with plain `node`, like bare-bolt-main.ts.
 * Env: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL, SOURCEDEPLOY_API_URL,
 * NCP_ACCESS_KEY, NCP_SECRET_KEY.
 */
import { createHmac } from "node:crypto";
import { App, type CustomRoute, LogLevel } from "@slack/bolt";
import { request } from "undici";

const api = new URL(process.env.SOURCEDEPLOY_API_URL ?? "https://vpcsourcedeploy.apigw.ntruss.com/api/v1");
const accessKey = process.env.NCP_ACCESS_KEY ?? "";
const secretKey = process.env.NCP_SECRET_KEY ?? "";

interface Target {
  server?: { name?: string };
  name?: string;
  status?: string;
}

interface History {
  id: number | string;
  status: string;
  project?: { name?: string };
  stage?: { name?: string };
  config?: { targets?: Target[] }[] | { targets?: Target[] };
}

/** NCP API Gateway signature v2: base64(HMAC-SHA256(secret, "METHOD path\ntimestamp\naccessKey")). */
function ncpHeaders(method: string, path: string): Record<string, string> {
  const timestamp = String(Date.now());
  const signature = createHmac("sha256", secretKey).update(`${method} ${path}\n${timestamp}\n${accessKey}`).digest("base64");
  return { "x-ncp-apigw-timestamp": timestamp, "x-ncp-iam-access-key": accessKey, "x-ncp-apigw-signature-v2": signature };
}

async function fetchHistory(projectId: string, historyId: string): Promise<History> {
  const path = `${api.pathname}/project/${encodeURIComponent(projectId)}/history/${encodeURIComponent(historyId)}`;
  const res = await request(`${api.origin}${path}`, { headers: ncpHeaders("GET", path) });
  const body = (await res.body.json()) as { result?: History } & History;
  if (res.statusCode !== 200) throw new Error(`SourceDeploy answered HTTP ${res.statusCode}`);
  return body.result ?? body;
}

function targetsOf(history: History): Target[] {
  const config = history.config;
  if (Array.isArray(config)) return config.flatMap((c) => c.targets ?? []);
  return config?.targets ?? [];
}

function render(history: History) {
  const title = `${history.project?.name ?? "project"} #${history.id}: ${history.status}`;
  return {
    text: title,
    blocks: [
      { type: "header", text: { type: "plain_text", text: title.slice(0, 150) } },
      ...targetsOf(history)
        .slice(0, 49)
        .map((t) => ({
          type: "section",
          text: { type: "mrkdwn", text: `*${t.server?.name ?? t.name ?? "target"}*: ${t.status ?? "unknown"}` },
        })),
    ],
  };
}

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

app.command("/deploy-history", async ({ ack, command, respond }) => {
  await ack();
  const [projectId = "", historyId = ""] = command.text.trim().split(/\s+/);
  try {
    const history = await fetchHistory(projectId, historyId);
    await respond({ response_type: "ephemeral", ...render(history) });
  } catch (error) {
    await respond({ response_type: "ephemeral", text: `Could not load history ${projectId} ${historyId}: ${String(error)}` });
  }
});

await app.start(Number(process.env.PORT));
process.on("SIGTERM", () => void app.stop().finally(() => process.exit(0)));

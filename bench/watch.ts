/**
 * Live progress under load, on the fakes: the real app (HTTP mode) follows 500 shared messages
 * over 100 running deployments whose state advances, for N seconds (default 30). Prints upstream
 * calls per loop tick (1.00 = every message of a deployment shares one call), SourceDeploy and
 * Slack calls per second, the app's event-loop delay p99 and its RSS (both from /healthz).
 *
 *   npm run build && node --import tsx bench/watch.ts [--seconds 30]
 */
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { blockActionBody, type Stack, startStack } from "../test/e2e/harness.js";
import { readFixture } from "../test/support/fixtures.js";
import { callsPerTick, type Figure, machine, printTable } from "./lib.js";

const HISTORIES = 100;
const WATCHES = 500;
const PROJECT = "41027";
// The Slack update budget, the per-user and per-channel quotas and the per-user SourceDeploy budget
// are lifted so the bench measures the watcher, not the limits (every share comes from one test user
// in one channel; with the default budget of 30 calls a minute only 30 shares would be followed).
const SETTINGS = {
  WATCH_INTERVAL_MS: "1000",
  WATCH_MAX_INTERVAL_MS: "5000",
  UPSTREAM_MAX_RPS: "100",
  WATCH_MAX: String(WATCHES),
  WATCH_MAX_PER_USER: String(WATCHES),
  WATCH_MAX_PER_CHANNEL: String(WATCHES),
  SLACK_UPDATES_PER_MINUTE: "100000",
  UPSTREAM_MAX_PER_USER_PER_MINUTE: "100000",
};
const FIXTURE = readFixture<{ result: Record<string, unknown> & { config: { targets: Record<string, unknown>[] }[] } }>(
  "server-inprogress.wrapped.json",
);
const STEPS = ["pending", "standby", "pre", "deploy", "post", "success"];
/** How long the shares may take to become watches; on a loaded machine a few may not, and the bench goes on with those it has. */
const WATCHES_TIMEOUT_MS = 60_000;

/** History `index` at `step`: its targets advance one status per step, one after another; never finished. */
function body(index: number, step: number): unknown {
  const targets = FIXTURE.result.config[0]!.targets.map((t, i) => ({ ...t, status: STEPS[Math.max(0, Math.min(4, step - i))] }));
  return {
    result: { ...FIXTURE.result, id: String(906_000 + index), status: "inprogress", config: [{ ...FIXTURE.result.config[0], targets }] },
  };
}

/** Clicks Share on WATCHES messages; how many clicks were not acked with 200. */
async function shareAll(stack: Stack): Promise<number> {
  const clicks = Array.from({ length: WATCHES }, (_, i) => i % HISTORIES);
  let refused = 0;
  for (let i = 0; i < clicks.length; i += 10) {
    const answers = await Promise.all(
      clicks.slice(i, i + 10).map((index, j) =>
        stack.app.postSigned(
          blockActionBody({
            actionId: "history_share",
            value: `${PROJECT}:${906_000 + index}`,
            responseUrl: stack.slack.responseUrl(`w${i + j}`),
            isEphemeral: true,
          }),
        ),
      ),
    );
    refused += answers.filter((answer) => answer.status !== 200).length;
  }
  return refused;
}

/** Waits until every share is followed, or WATCHES_TIMEOUT_MS; the number of watches then. */
async function waitForWatches(stack: Stack): Promise<number> {
  const deadline = Date.now() + WATCHES_TIMEOUT_MS;
  for (;;) {
    const { watches } = (await health(stack)).live;
    if (watches >= WATCHES || Date.now() > deadline) return watches;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The distinct messages of the app's warn/error log lines, to say why shares were not followed. */
function warnings(stack: Stack): string {
  const messages = stack.app
    .parsedLogs()
    .filter((line) => typeof line.level === "number" && line.level >= 40)
    .map((line) => String(line.msg));
  return [...new Set(messages)].slice(0, 3).join("; ") || "no warnings logged";
}

async function health(stack: Stack) {
  return (await stack.app.get("/healthz")).json as {
    rssBytes: number;
    eventLoopDelayP99Ms: number;
    live: { watches: number; loops: number };
  };
}

export async function watchFigures(seconds = 30): Promise<Figure[]> {
  const stack = await startStack({ env: { LOG_LEVEL: "warn", ...SETTINGS } });
  const steps = new Array<number>(HISTORIES).fill(0);
  for (let i = 0; i < HISTORIES; i++) stack.sourceDeploy.setHistory(PROJECT, 906_000 + i, body(i, 0));
  try {
    const refused = await shareAll(stack);
    const watches = await waitForWatches(stack);
    const shortfall =
      watches < WATCHES ? `; only ${watches} of ${WATCHES} shares followed (${refused} clicks not acked 200; app: ${warnings(stack)})` : "";
    // Each deployment advances every 3–9 s, staggered, and never finishes during the run.
    const advance = setInterval(() => {
      const i = Math.floor(Math.random() * HISTORIES);
      steps[i] = (steps[i]! + 1) % 5;
      stack.sourceDeploy.setHistory(PROJECT, 906_000 + i, body(i, steps[i]));
    }, 60);
    const start = Date.now();
    stack.slack.reset();
    await new Promise((r) => setTimeout(r, seconds * 1000));
    clearInterval(advance);
    const end = Date.now();
    const after = await health(stack);
    const polls = stack.sourceDeploy.requests.filter((r) => r.time >= start && r.time < end && /\/history\/906\d{3}$/.test(r.path));
    const byHistory = new Map<string, number[]>();
    for (const poll of polls) byHistory.set(poll.path, [...(byHistory.get(poll.path) ?? []), poll.time]);
    const perTick = Math.max(...[...byHistory.values()].map((times) => callsPerTick(times)));
    const slackCalls = stack.slack.calls().filter((c) => c.time >= start && c.time < end).length;
    const span = (end - start) / 1000;
    const note = `${watches} watches / ${HISTORIES} histories, ${seconds} s, interval ${SETTINGS.WATCH_INTERVAL_MS}–${SETTINGS.WATCH_MAX_INTERVAL_MS} ms${shortfall}`;
    return [
      { bench: "watch", metric: "upstream calls per loop tick (worst history)", value: perTick.toFixed(2), note },
      { bench: "watch", metric: "SourceDeploy calls per second", value: (polls.length / span).toFixed(1) },
      { bench: "watch", metric: "Slack calls per second (chat.update)", value: (slackCalls / span).toFixed(1) },
      { bench: "watch", metric: "app event-loop delay p99", value: `${after.eventLoopDelayP99Ms} ms` },
      { bench: "watch", metric: `app RSS with ${watches} watches`, value: `${(after.rssBytes / 2 ** 20).toFixed(1)} MiB` },
    ];
  } finally {
    await stack.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({ options: { seconds: { type: "string", default: "30" } } });
  console.log(machine());
  printTable(await watchFigures(Number(values.seconds) || 30));
}

/**
 * `GET /metrics` on the real app: off by default (404), and when METRICS_ENABLED is on, counters
 * move by exactly the requests sent, and no label carries anything outside its fixed set.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Stack, slashCommandBody, startStack } from "./harness.js";
import { TEST_ACCESS_KEY, TEST_APP_TOKEN, TEST_BOT_TOKEN, TEST_SECRET_KEY, TEST_SIGNING_SECRET } from "./secrets.js";

const SECRET_VALUES = [TEST_SIGNING_SECRET, TEST_BOT_TOKEN, TEST_APP_TOKEN, TEST_ACCESS_KEY, TEST_SECRET_KEY];

const ALLOWED_LABELS: Record<string, readonly string[]> = {
  surface: ["command", "unfurl", "mention", "button", "view", "event", "other"],
  outcome: ["ok", "error"],
  result: [
    "hit",
    "miss",
    "ok",
    "not_found",
    "auth_failed",
    "permission_denied",
    "rate_limited",
    "unavailable",
    "timeout",
    "aborted",
    "invalid_response",
  ],
  operation: [
    "getHistory",
    "listHistories",
    "listProjects",
    "listStages",
    "listScenarios",
    "startDeploy",
    "approve",
    "reject",
    "promote",
    "abort",
    "cancel",
  ],
};

function sample(text: string, name: string, labels: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}} `));
  return line === undefined ? 0 : Number(line.split(" ").pop());
}

/** Every label of our own series (deploy_history_*), as name=value pairs. */
function ourLabels(text: string): Array<[string, string]> {
  return text
    .split("\n")
    .filter((l) => l.startsWith("deploy_history_") && l.includes("{"))
    .flatMap((l) =>
      [...l.slice(l.indexOf("{") + 1, l.indexOf("}")).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1]!, m[2]!] as [string, string]),
    );
}

describe("/metrics enabled", () => {
  let stack: Stack;
  let counter = 0;
  beforeAll(async () => {
    stack = await startStack({ env: { METRICS_ENABLED: "true" } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const command = (text: string) =>
    stack.app.handled(() => stack.app.postSigned(slashCommandBody({ text, responseUrl: stack.slack.responseUrl(`m-${++counter}`) })));

  it("counts each request by surface and outcome, exactly", async () => {
    const before = (await stack.app.get("/metrics")).text;
    await command("41027 903344");
    await command("41027 903344");
    await command("help");
    const scrape = await stack.app.get("/metrics");
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get("content-type")).toContain("text/plain");
    const after = scrape.text;
    const delta = (name: string, labels: string) => sample(after, name, labels) - sample(before, name, labels);
    expect(delta("deploy_history_requests_total", 'surface="command",outcome="ok"')).toBe(3);
    expect(delta("deploy_history_request_duration_seconds_count", 'surface="command"')).toBe(3);
    const calls = delta("deploy_history_sourcedeploy_calls_total", 'operation="getHistory",result="ok"');
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBe(delta("deploy_history_history_cache_lookups", 'result="miss"'));
    expect(delta("deploy_history_sourcedeploy_call_duration_seconds_count", 'operation="getHistory"')).toBe(calls);
    expect(after).toContain("deploy_history_followed_messages ");
    expect(after).toContain("deploy_history_subscriptions ");
    expect(after).toContain("process_resident_memory_bytes");
  });

  it("uses only label values from fixed sets and never shows a secret or a user id", async () => {
    const text = (await stack.app.get("/metrics")).text;
    const labels = ourLabels(text);
    expect(labels.length).toBeGreaterThan(0);
    for (const [name, value] of labels) {
      if (name === "le") continue;
      expect(ALLOWED_LABELS[name], `label ${name}`).toBeDefined();
      expect(ALLOWED_LABELS[name]).toContain(value);
    }
    for (const secret of SECRET_VALUES) expect(text).not.toContain(secret);
    expect(text).not.toMatch(/U[A-Z0-9]{8,}/);
  });
});

describe("/metrics disabled (the default)", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("is refused with 404", async () => {
    expect((await stack.app.get("/metrics")).status).toBe(404);
    expect((await stack.app.get("/healthz")).status).toBe(200);
  });
});

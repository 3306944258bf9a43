/**
 * `GET /metrics` in Prometheus text format (prom-client), when METRICS_ENABLED is on. One registry
 * per app, so several apps in one process never share counters. Labels take only values from fixed
 * sets (surface, outcome); nothing a user typed, no user id and no token ever becomes a label.
 */
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from "prom-client";

export const SURFACES = ["command", "unfurl", "mention", "button", "view", "event", "other"] as const;
export type Surface = (typeof SURFACES)[number];
export const OUTCOMES = ["ok", "error"] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** What the gauges read at scrape time: the same figures `/healthz` reports. */
export interface MetricsSources {
  live(): Promise<{ watches: number; loops: number }>;
  subscriptions(): Promise<{ subscriptions: number }>;
  historyCache(): { hits: number; misses: number };
}

export interface AppMetrics {
  readonly contentType: string;
  /** One Slack request fully handled (every listener awaits its work), and how long it took. */
  requestHandled(surface: Surface, outcome: Outcome, seconds: number): void;
  /** One call to the SourceDeploy API finished: operation (a fixed set), `ok` or the error code. */
  upstreamCall(operation: string, result: string, seconds: number): void;
  scrape(): Promise<string>;
}

export function createMetrics(sources: MetricsSources): AppMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({
    name: "deploy_history_requests_total",
    help: "Slack requests handled, by surface and outcome",
    labelNames: ["surface", "outcome"],
    registers: [registry],
  });
  const duration = new Histogram({
    name: "deploy_history_request_duration_seconds",
    help: "From a Slack request's arrival to its answer being sent (ack, lookup, render, post)",
    labelNames: ["surface"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const upstreamCalls = new Counter({
    name: "deploy_history_sourcedeploy_calls_total",
    help: "Calls to the SourceDeploy API, by operation and result (ok or the error code)",
    labelNames: ["operation", "result"],
    registers: [registry],
  });
  const upstreamDuration = new Histogram({
    name: "deploy_history_sourcedeploy_call_duration_seconds",
    help: "SourceDeploy call time, retries included",
    labelNames: ["operation"],
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  new Gauge({
    name: "deploy_history_followed_messages",
    help: "Slack messages kept current while their deployment runs",
    registers: [registry],
    async collect() {
      this.set((await sources.live()).watches);
    },
  });
  new Gauge({
    name: "deploy_history_poll_loops",
    help: "Live poll loops (one per followed history)",
    registers: [registry],
    async collect() {
      this.set((await sources.live()).loops);
    },
  });
  new Gauge({
    name: "deploy_history_subscriptions",
    help: "Channel subscriptions",
    registers: [registry],
    async collect() {
      this.set((await sources.subscriptions()).subscriptions);
    },
  });
  new Gauge({
    name: "deploy_history_history_cache_lookups",
    help: "Lookups of finished histories in the cache since start, by result (hit, miss)",
    labelNames: ["result"],
    registers: [registry],
    collect() {
      const { hits, misses } = sources.historyCache();
      this.set({ result: "hit" }, hits);
      this.set({ result: "miss" }, misses);
    },
  });
  return {
    contentType: registry.contentType,
    requestHandled(surface, outcome, seconds) {
      requests.inc({ surface, outcome });
      duration.observe({ surface }, seconds);
    },
    upstreamCall(operation, result, seconds) {
      upstreamCalls.inc({ operation, result });
      upstreamDuration.observe({ operation }, seconds);
    },
    scrape: () => registry.metrics(),
  };
}

/** Which surface a Slack request body is, from fields Slack sets (never from user text). */
export function surfaceOf(body: unknown): Surface {
  const { command, type, event } = (body ?? {}) as { command?: unknown; type?: unknown; event?: { type?: unknown } };
  if (typeof command === "string") return "command";
  if (type === "event_callback") {
    if (event?.type === "link_shared") return "unfurl";
    if (event?.type === "app_mention") return "mention";
    return "event";
  }
  if (type === "block_actions") return "button";
  if (type === "view_submission" || type === "view_closed" || type === "block_suggestion") return "view";
  return "other";
}

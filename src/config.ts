/**
 * The environment contract (README "Configuration"), validated with zod. `loadConfig` never throws a zod
 * error: it throws a ConfigError whose message lists every bad variable and what is wrong with it,
 * and never includes a value (some of them are secrets).
 */
import { z } from "zod";
import { parseStateUrl } from "./state/location.js";

/** Where state lives when STATE_URL is not set: an embedded SQLite file, nothing to install. */
export const DEFAULT_STATE_URL = "file:./data/deploy-history.db";

export const LOCALES = ["ko", "en"] as const;
export type Locale = (typeof LOCALES)[number];
export const LOG_LEVELS = ["debug", "info", "warn", "error"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const REGION_CODES = ["KR", "SGN", "JPN"] as const;

export const DEFAULT_SOURCEDEPLOY_API_URL = "https://vpcsourcedeploy.apigw.ntruss.com/api/v1";
export const DEFAULT_CONSOLE_URL = "https://console.ncloud.com/vpc-source-deploy";

/** Environment variables whose values must never be printed. */
export const SECRET_VARIABLES = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "NCP_SECRET_KEY"] as const;

export interface Config {
  slack: {
    botToken?: string;
    signingSecret?: string;
    appToken?: string;
    apiUrl?: string;
    port: number;
    /** Edits of followed messages (chat.update, chat.unfurl) per minute, each method. */
    updatesPerMinute: number;
  };
  sourceDeploy: {
    apiUrl: string;
    /** Absent: the app serves the built-in demo data. */
    credentials?: { accessKey: string; secretKey: string };
    regionCode?: string;
    consoleUrlTemplate: string;
    timeoutMs: number;
    /** Upstream calls per second of the whole app (users and live polling take turns). */
    maxRequestsPerSecond: number;
    /** Upstream calls one user may cause per minute; beyond it they are asked to slow down. */
    maxCallsPerUserPerMinute: number;
  };
  /** Questions in plain words (filters, stats, diff): at most this many history list pages each. */
  ask: { maxPages: number };
  /** Terminal histories never change: an LRU keeps them. */
  historyCache: { maxEntries: number; ttlMs: number };
  /** Live progress: messages about running deployments update themselves. */
  watch: {
    intervalMs: number;
    maxIntervalMs: number;
    maxAgeMs: number;
    maxWatches: number;
    maxWatchesPerUser: number;
    maxWatchesPerChannel: number;
  };
  /** Channel subscriptions: how often each subscribed project's history list is polled, and how many subscriptions the app keeps. */
  subscriptions: { pollMs: number; max: number };
  historyLinkPatterns: RegExp[];
  /** Limits of the HTTP server (Slack's requests in HTTP mode, /healthz in both modes) against slow or greedy clients. */
  http: { requestTimeoutMs: number; maxConnections: number };
  /** Path of the ACCESS_POLICY file (YAML or JSON); undefined = the installing workspace sees everything. */
  accessPolicyPath?: string;
  /** Post deployment data (unfurls, mention replies) in channels shared with other organisations (they would see it). */
  unfurlExternalChannels: boolean;
  /** Serve `GET /metrics` (Prometheus text format) on the app's port. */
  metricsEnabled: boolean;
  locale: Locale;
  timeZone: string;
  logLevel: LogLevel;
  /** Where state that outlives the process is kept: `file:<path>` (SQLite) or `memory:`. */
  stateUrl: string;
  /** The lease period when instances share a Redis store (STATE_LEASE_MS). */
  stateLeaseMs: number;
}

export interface ConfigProblem {
  variable: string;
  problem: string;
}

export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: ConfigProblem[]) {
    super(["Invalid configuration:", ...problems.map((p) => `  - ${p.variable}: ${p.problem}`)].join("\n"));
  }
}

/** Unset and empty (or blank) mean the same: not configured. */
const optionalText = z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), z.string().trim().optional());

/** An API base: the app appends paths to it, so user:password@, a query or a fragment would break every call. */
const httpUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, error: `must be an http(s) URL (${what})` })
    .refine(isPlainBaseUrl, "must be an http(s) URL without user:password@, query (?…) or fragment (#…)")
    .transform((u) => u.replace(/\/+$/, ""));

const optionalUrl = (what: string) =>
  z.preprocess((v) => (typeof v === "string" && v.trim() === "" ? undefined : v), httpUrl(what).optional());

/** NCP keys are sent (access key) or signed with (secret key) as printable ASCII; a space means a bad copy. */
const HEADER_SAFE_PROBLEM = "must be printable characters without spaces (copy the key again)";
const isHeaderSafe = (v: string | undefined) => v === undefined || /^[\x21-\x7e]+$/.test(v);

function isPlainBaseUrl(value: string): boolean {
  if (!URL.canParse(value)) return true; // reported as "must be an http(s) URL"
  const url = new URL(value);
  return url.username === "" && url.password === "" && url.search === "" && url.hash === "" && !/[?#]/.test(value);
}

const positiveInt = (fallback: number, max: number) =>
  z.preprocess(
    (v) =>
      v === undefined || (typeof v === "string" && v.trim() === "") ? fallback : /^\s*\d+\s*$/.test(String(v)) ? Number(v) : Number.NaN,
    z
      .number({ error: "must be a whole number" })
      .int("must be a whole number")
      .min(1, "must be at least 1")
      .max(max, `must be at most ${max}`),
  );

const envSchema = z.object({
  SLACK_BOT_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith("xoxb-"), "must be a bot token starting with xoxb-"),
  SLACK_SIGNING_SECRET: optionalText,
  SLACK_APP_TOKEN: optionalText.refine((v) => v === undefined || v.startsWith("xapp-"), "must be an app-level token starting with xapp-"),
  SLACK_API_URL: optionalUrl("Slack Web API base, e.g. https://slack.com/api"),
  PORT: positiveInt(3000, 65535),
  NCP_ACCESS_KEY: optionalText.refine(isHeaderSafe, HEADER_SAFE_PROBLEM),
  NCP_SECRET_KEY: optionalText.refine(isHeaderSafe, HEADER_SAFE_PROBLEM),
  SOURCEDEPLOY_API_URL: z.preprocess(
    (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? DEFAULT_SOURCEDEPLOY_API_URL : v),
    httpUrl("SourceDeploy API base including /api/v1"),
  ),
  NCP_REGION_CODE: z.preprocess(
    (v) => (typeof v === "string" ? (v.trim() === "" ? undefined : v.trim().toUpperCase()) : v),
    z.enum(REGION_CODES, { error: `must be one of ${REGION_CODES.join(", ")}` }).optional(),
  ),
  SOURCEDEPLOY_CONSOLE_URL: z.preprocess(
    (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? DEFAULT_CONSOLE_URL : v),
    z.string().refine(isConsoleTemplate, "must be an http(s) URL; {projectId} and {historyId} are replaced"),
  ),
  HISTORY_LINK_PATTERNS: optionalText,
  SOURCEDEPLOY_TIMEOUT_MS: positiveInt(10_000, 120_000),
  UPSTREAM_MAX_RPS: positiveInt(5, 1000),
  UPSTREAM_MAX_PER_USER_PER_MINUTE: positiveInt(30, 100_000),
  SLACK_UPDATES_PER_MINUTE: positiveInt(50, 100_000),
  HISTORY_CACHE_MAX: positiveInt(1000, 1_000_000),
  ASK_MAX_PAGES: positiveInt(10, 100),
  HISTORY_CACHE_TTL_MS: positiveInt(3_600_000, 7 * 24 * 3_600_000),
  WATCH_INTERVAL_MS: positiveInt(5000, 3_600_000),
  WATCH_MAX_INTERVAL_MS: positiveInt(30_000, 3_600_000),
  WATCH_MAX_AGE_MS: positiveInt(2 * 3_600_000, 7 * 24 * 3_600_000),
  WATCH_MAX: positiveInt(500, 100_000),
  WATCH_MAX_PER_USER: positiveInt(20, 100_000),
  WATCH_MAX_PER_CHANNEL: positiveInt(50, 100_000),
  SUBSCRIPTION_POLL_MS: positiveInt(15_000, 3_600_000),
  SUBSCRIPTIONS_MAX: positiveInt(1000, 1_000_000),
  // HTTP server limits (issue 10, finding 5): headers, the whole request and an idle socket each get
  // HTTP_REQUEST_TIMEOUT_MS; more than HTTP_MAX_CONNECTIONS connections at once are refused.
  HTTP_REQUEST_TIMEOUT_MS: positiveInt(10_000, 300_000).refine((v) => v >= 1000, "must be at least 1000"),
  HTTP_MAX_CONNECTIONS: positiveInt(128, 100_000),
  ACCESS_POLICY: optionalText,
  METRICS_ENABLED: z.preprocess(
    (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? "false" : String(v).trim().toLowerCase()),
    z.enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" }).transform((v) => ["true", "1", "yes"].includes(v)),
  ),
  UNFURL_EXTERNAL_CHANNELS: z.preprocess(
    (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? "false" : String(v).trim().toLowerCase()),
    z.enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" }).transform((v) => ["true", "1", "yes"].includes(v)),
  ),
  LOCALE: z.preprocess(
    (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? "ko" : String(v).trim().toLowerCase()),
    z.enum(LOCALES, { error: `must be one of ${LOCALES.join(", ")}` }),
  ),
  TIME_ZONE: z.preprocess(
    (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? "Asia/Seoul" : v),
    z.string().refine(isTimeZone, "must be an IANA time zone such as Asia/Seoul or UTC"),
  ),
  STATE_URL: z.preprocess(
    (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? DEFAULT_STATE_URL : String(v).trim()),
    z.string().superRefine((url, ctx) => {
      const location = parseStateUrl(url);
      if ("problem" in location) ctx.addIssue({ code: "custom", message: location.problem });
    }),
  ),
  // With a shared store (Redis): how long a lease on polling one history lasts without renewal;
  // a dead instance's work is taken over within two of these.
  STATE_LEASE_MS: positiveInt(15_000, 600_000).refine((v) => v >= 100, "must be at least 100"),
  LOG_LEVEL: z.preprocess(
    (v) => (v === undefined || (typeof v === "string" && v.trim() === "") ? "info" : String(v).trim().toLowerCase()),
    z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(", ")}` }),
  ),
});

function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

function isConsoleTemplate(value: string): boolean {
  const sample = value.replaceAll("{projectId}", "1").replaceAll("{historyId}", "2");
  return URL.canParse(sample) && /^https?:$/.test(new URL(sample).protocol);
}

/**
 * `HISTORY_LINK_PATTERNS`: a JSON array of regular expressions, or a single one. Each must have the
 * named groups `projectId` and `historyId`.
 */
export function parseLinkPatterns(raw: string | undefined): { patterns: RegExp[]; problems: string[] } {
  if (raw === undefined) return { patterns: [], problems: [] };
  let sources: unknown = raw;
  if (raw.startsWith("[")) {
    // A JSON array of patterns; a single pattern may also start with "[" (a character class).
    try {
      sources = JSON.parse(raw);
    } catch {
      sources = raw;
    }
  }
  const list = Array.isArray(sources) ? sources : [sources];
  const patterns: RegExp[] = [];
  const problems: string[] = [];
  list.forEach((source, index) => {
    if (typeof source !== "string" || source === "") {
      problems.push(`entry ${index + 1} must be a non-empty string`);
      return;
    }
    try {
      const pattern = new RegExp(source, "i");
      if (!hasNamedGroups(source, ["projectId", "historyId"])) {
        problems.push(`entry ${index + 1} must have named groups (?<projectId>…) and (?<historyId>…)`);
      } else {
        patterns.push(pattern);
      }
    } catch {
      problems.push(`entry ${index + 1} is not a valid regular expression`);
    }
  });
  return { patterns, problems };
}

/** Named groups a pattern really defines: matching the empty alternative lists them all. */
function hasNamedGroups(source: string, names: readonly string[]): boolean {
  const groups = new RegExp(`(?:${source})|`).exec("")?.groups ?? {};
  return names.every((name) => name in groups);
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(env);
  const problems: ConfigProblem[] = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({ variable: String(issue.path[0] ?? "environment"), problem: issue.message }));

  const present = (name: string) => (env[name] ?? "").trim() !== "";
  const links = parseLinkPatterns(present("HISTORY_LINK_PATTERNS") ? env.HISTORY_LINK_PATTERNS!.trim() : undefined);
  problems.push(...links.problems.map((problem) => ({ variable: "HISTORY_LINK_PATTERNS", problem })));
  if (present("NCP_ACCESS_KEY") !== present("NCP_SECRET_KEY")) {
    const missing = present("NCP_ACCESS_KEY") ? "NCP_SECRET_KEY" : "NCP_ACCESS_KEY";
    problems.push({ variable: missing, problem: "set both NCP_ACCESS_KEY and NCP_SECRET_KEY, or neither (demo data)" });
  }
  if (parsed.success && parsed.data.WATCH_MAX_INTERVAL_MS < parsed.data.WATCH_INTERVAL_MS) {
    problems.push({ variable: "WATCH_MAX_INTERVAL_MS", problem: "must be at least WATCH_INTERVAL_MS" });
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);

  const e = parsed.data;
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN,
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL,
      port: e.PORT,
      updatesPerMinute: e.SLACK_UPDATES_PER_MINUTE,
    },
    sourceDeploy: {
      apiUrl: e.SOURCEDEPLOY_API_URL,
      credentials: e.NCP_ACCESS_KEY && e.NCP_SECRET_KEY ? { accessKey: e.NCP_ACCESS_KEY, secretKey: e.NCP_SECRET_KEY } : undefined,
      regionCode: e.NCP_REGION_CODE,
      consoleUrlTemplate: e.SOURCEDEPLOY_CONSOLE_URL,
      timeoutMs: e.SOURCEDEPLOY_TIMEOUT_MS,
      maxRequestsPerSecond: e.UPSTREAM_MAX_RPS,
      maxCallsPerUserPerMinute: e.UPSTREAM_MAX_PER_USER_PER_MINUTE,
    },
    ask: { maxPages: e.ASK_MAX_PAGES },
    historyCache: { maxEntries: e.HISTORY_CACHE_MAX, ttlMs: e.HISTORY_CACHE_TTL_MS },
    watch: {
      intervalMs: e.WATCH_INTERVAL_MS,
      maxIntervalMs: e.WATCH_MAX_INTERVAL_MS,
      maxAgeMs: e.WATCH_MAX_AGE_MS,
      maxWatches: e.WATCH_MAX,
      maxWatchesPerUser: e.WATCH_MAX_PER_USER,
      maxWatchesPerChannel: e.WATCH_MAX_PER_CHANNEL,
    },
    subscriptions: { pollMs: e.SUBSCRIPTION_POLL_MS, max: e.SUBSCRIPTIONS_MAX },
    historyLinkPatterns: links.patterns,
    http: { requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_MS, maxConnections: e.HTTP_MAX_CONNECTIONS },
    accessPolicyPath: e.ACCESS_POLICY,
    unfurlExternalChannels: e.UNFURL_EXTERNAL_CHANNELS,
    metricsEnabled: e.METRICS_ENABLED,
    locale: e.LOCALE,
    timeZone: e.TIME_ZONE,
    logLevel: e.LOG_LEVEL,
    stateUrl: e.STATE_URL,
    stateLeaseMs: e.STATE_LEASE_MS,
  };
}

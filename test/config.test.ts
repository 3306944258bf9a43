import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULT_CONSOLE_URL, DEFAULT_SOURCEDEPLOY_API_URL, loadConfig, parseLinkPatterns } from "../src/config.js";

function configError(env: NodeJS.ProcessEnv): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected a ConfigError");
}

const variables = (error: ConfigError) => error.problems.map((p) => p.variable);

describe("loadConfig: defaults", () => {
  it("runs on an empty environment with demo data and documented defaults", () => {
    const config = loadConfig({});
    expect(config.slack).toEqual({
      port: 3000,
      botToken: undefined,
      signingSecret: undefined,
      appToken: undefined,
      apiUrl: undefined,
      updatesPerMinute: 50,
    });
    expect(config.sourceDeploy).toEqual({
      apiUrl: DEFAULT_SOURCEDEPLOY_API_URL,
      credentials: undefined,
      regionCode: undefined,
      consoleUrlTemplate: DEFAULT_CONSOLE_URL,
      timeoutMs: 10_000,
      maxRequestsPerSecond: 5,
      maxCallsPerUserPerMinute: 30,
    });
    expect(config.historyCache).toEqual({ maxEntries: 1000, ttlMs: 3_600_000 });
    expect(config.watch).toEqual({
      intervalMs: 5000,
      maxIntervalMs: 30_000,
      maxAgeMs: 7_200_000,
      maxWatches: 500,
      maxWatchesPerUser: 20,
      maxWatchesPerChannel: 50,
    });
    expect(config.historyLinkPatterns).toEqual([]);
    expect(config.locale).toBe("ko");
    expect(config.timeZone).toBe("Asia/Seoul");
    expect(config.logLevel).toBe("info");
    expect(config.stateUrl).toBe("file:./data/deploy-history.db");
  });

  it("treats blank values as unset", () => {
    const config = loadConfig({
      PORT: " ",
      LOCALE: "",
      NCP_ACCESS_KEY: "  ",
      NCP_SECRET_KEY: "",
      SLACK_SIGNING_SECRET: "   ",
      HISTORY_LINK_PATTERNS: " ",
    });
    expect(config.slack.port).toBe(3000);
    expect(config.locale).toBe("ko");
    expect(config.sourceDeploy.credentials).toBeUndefined();
    expect(config.slack.signingSecret).toBeUndefined();
    expect(config.historyLinkPatterns).toEqual([]);
  });

  it("reads a full valid environment, normalizing case, spaces and trailing slashes", () => {
    const config = loadConfig({
      SLACK_BOT_TOKEN: "xoxb-1-2-abc",
      SLACK_SIGNING_SECRET: " signing ",
      SLACK_APP_TOKEN: "xapp-1-A-2-def",
      SLACK_API_URL: "http://127.0.0.1:4000/api/",
      PORT: "8080",
      NCP_ACCESS_KEY: "AKIDEXAMPLE",
      NCP_SECRET_KEY: "SECRETEXAMPLE",
      SOURCEDEPLOY_API_URL: "https://sourcedeploy.apigw.ntruss.com/api/v1/",
      NCP_REGION_CODE: " sgn ",
      SOURCEDEPLOY_CONSOLE_URL: "https://console.ncloud.com/sd/{projectId}/history/{historyId}",
      SOURCEDEPLOY_TIMEOUT_MS: "5000",
      LOCALE: " EN ",
      TIME_ZONE: "UTC",
      LOG_LEVEL: "DEBUG",
    });
    expect(config.slack).toEqual({
      botToken: "xoxb-1-2-abc",
      signingSecret: "signing",
      appToken: "xapp-1-A-2-def",
      apiUrl: "http://127.0.0.1:4000/api",
      port: 8080,
      updatesPerMinute: 50,
    });
    expect(config.sourceDeploy).toEqual({
      apiUrl: "https://sourcedeploy.apigw.ntruss.com/api/v1",
      credentials: { accessKey: "AKIDEXAMPLE", secretKey: "SECRETEXAMPLE" },
      regionCode: "SGN",
      consoleUrlTemplate: "https://console.ncloud.com/sd/{projectId}/history/{historyId}",
      timeoutMs: 5000,
      maxRequestsPerSecond: 5,
      maxCallsPerUserPerMinute: 30,
    });
    expect(config.locale).toBe("en");
    expect(config.timeZone).toBe("UTC");
    expect(config.logLevel).toBe("debug");
  });
});

describe("loadConfig: live progress and cache", () => {
  it("reads the watch and cache settings", () => {
    const config = loadConfig({
      WATCH_INTERVAL_MS: "200",
      WATCH_MAX_INTERVAL_MS: "1000",
      WATCH_MAX_AGE_MS: "60000",
      WATCH_MAX: "3",
      UPSTREAM_MAX_RPS: "20",
      HISTORY_CACHE_MAX: "10",
      HISTORY_CACHE_TTL_MS: "5000",
      SLACK_UPDATES_PER_MINUTE: "20",
    });
    expect(config.slack.updatesPerMinute).toBe(20);
    expect(config.watch).toEqual({
      intervalMs: 200,
      maxIntervalMs: 1000,
      maxAgeMs: 60_000,
      maxWatches: 3,
      maxWatchesPerUser: 20,
      maxWatchesPerChannel: 50,
    });
    expect(config.sourceDeploy.maxRequestsPerSecond).toBe(20);
    expect(config.historyCache).toEqual({ maxEntries: 10, ttlMs: 5000 });
  });

  it("finding 6: reads UPSTREAM_MAX_PER_USER_PER_MINUTE and names it when it is not a positive whole number", () => {
    expect(loadConfig({ UPSTREAM_MAX_PER_USER_PER_MINUTE: "12" }).sourceDeploy.maxCallsPerUserPerMinute).toBe(12);
    for (const bad of ["0", "-1", "2.5", "lots"])
      expect(variables(configError({ UPSTREAM_MAX_PER_USER_PER_MINUTE: bad }))).toEqual(["UPSTREAM_MAX_PER_USER_PER_MINUTE"]);
  });

  it("reads ASK_MAX_PAGES, 10 by default, and names it when it is not 1 to 100", () => {
    expect(loadConfig({}).ask).toEqual({ maxPages: 10 });
    expect(loadConfig({ ASK_MAX_PAGES: "3" }).ask).toEqual({ maxPages: 3 });
    for (const bad of ["0", "101", "2.5", "many"]) expect(variables(configError({ ASK_MAX_PAGES: bad }))).toEqual(["ASK_MAX_PAGES"]);
  });

  it("rejects a max interval below the first interval, and non-numbers", () => {
    expect(configError({ WATCH_INTERVAL_MS: "5000", WATCH_MAX_INTERVAL_MS: "1000" }).problems).toEqual([
      { variable: "WATCH_MAX_INTERVAL_MS", problem: "must be at least WATCH_INTERVAL_MS" },
    ]);
    expect(variables(configError({ WATCH_MAX: "lots", UPSTREAM_MAX_RPS: "0" })).sort()).toEqual(["UPSTREAM_MAX_RPS", "WATCH_MAX"]);
  });
});

describe("loadConfig: live-update quotas", () => {
  it("reads WATCH_MAX_PER_USER and WATCH_MAX_PER_CHANNEL, 20 and 50 by default", () => {
    expect(loadConfig({}).watch).toMatchObject({ maxWatchesPerUser: 20, maxWatchesPerChannel: 50 });
    expect(loadConfig({ WATCH_MAX_PER_USER: "3", WATCH_MAX_PER_CHANNEL: "7" }).watch).toMatchObject({
      maxWatchesPerUser: 3,
      maxWatchesPerChannel: 7,
    });
  });

  it("names each bad quota: zero, a fraction, a word", () => {
    expect(configError({ WATCH_MAX_PER_USER: "0", WATCH_MAX_PER_CHANNEL: "2.5" }).problems).toEqual([
      { variable: "WATCH_MAX_PER_USER", problem: "must be at least 1" },
      { variable: "WATCH_MAX_PER_CHANNEL", problem: "must be a whole number" },
    ]);
    expect(variables(configError({ WATCH_MAX_PER_CHANNEL: "many" }))).toEqual(["WATCH_MAX_PER_CHANNEL"]);
  });
});

describe("loadConfig: state", () => {
  it("reads STATE_URL: a SQLite file or memory", () => {
    expect(loadConfig({ STATE_URL: " file:/var/lib/deploy-history/state.db " }).stateUrl).toBe("file:/var/lib/deploy-history/state.db");
    expect(loadConfig({ STATE_URL: "memory:" }).stateUrl).toBe("memory:");
    expect(loadConfig({ STATE_URL: "redis://127.0.0.1:6379/2" }).stateUrl).toBe("redis://127.0.0.1:6379/2");
    expect(loadConfig({}).stateLeaseMs).toBe(15_000);
    expect(loadConfig({ STATE_LEASE_MS: "2000" }).stateLeaseMs).toBe(2000);
  });
});

describe("loadConfig: access", () => {
  it("reads ACCESS_POLICY and UNFURL_EXTERNAL_CHANNELS, unfurling in shared channels off by default", () => {
    expect(loadConfig({}).unfurlExternalChannels).toBe(false);
    expect(loadConfig({}).accessPolicyPath).toBeUndefined();
    const config = loadConfig({ ACCESS_POLICY: " policy.yml ", UNFURL_EXTERNAL_CHANNELS: "TRUE" });
    expect(config.accessPolicyPath).toBe("policy.yml");
    expect(config.unfurlExternalChannels).toBe(true);
    expect(variables(configError({ UNFURL_EXTERNAL_CHANNELS: "sometimes" }))).toEqual(["UNFURL_EXTERNAL_CHANNELS"]);
  });
});

describe("loadConfig: invalid variables", () => {
  it.each([
    ["SLACK_BOT_TOKEN", "xoxp-user-token", /xoxb-/],
    ["SLACK_APP_TOKEN", "xoxb-not-an-app-token", /xapp-/],
    ["SLACK_API_URL", "not a url", /http\(s\) URL/],
    ["SLACK_API_URL", "ftp://127.0.0.1/api", /http\(s\) URL/],
    ["PORT", "http", /whole number/],
    ["PORT", "80.5", /whole number/],
    ["PORT", "0x10", /whole number/],
    ["PORT", "1e3", /whole number/],
    ["PORT", "0", /at least 1/],
    ["PORT", "65536", /at most 65535/],
    ["SOURCEDEPLOY_API_URL", "vpcsourcedeploy.apigw.ntruss.com", /http\(s\) URL/],
    ["NCP_REGION_CODE", "US", /KR, SGN, JPN/],
    ["SOURCEDEPLOY_CONSOLE_URL", "javascript:alert(1)", /http\(s\) URL/],
    ["SOURCEDEPLOY_TIMEOUT_MS", "120001", /at most 120000/],
    ["LOCALE", "fr", /ko, en/],
    ["TIME_ZONE", "Mars/Olympus_Mons", /IANA time zone/],
    ["LOG_LEVEL", "verbose", /debug, info, warn, error/],
    ["STATE_URL", "postgres://127.0.0.1:5432", /file:<path>.*redis:\/\/.*or memory:/],
    ["STATE_URL", "file:", /needs a file name/],
    ["STATE_LEASE_MS", "50", /at least 100/],
  ])("names %s=%j with what is wrong", (variable, value, problem) => {
    const error = configError({ [variable]: value });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]?.variable).toBe(variable);
    expect(error.problems[0]?.problem).toMatch(problem);
    expect(error.message).toContain(`${variable}: `);
  });

  it("lists several problems at once, one line each", () => {
    const error = configError({ PORT: "abc", LOCALE: "fr", LOG_LEVEL: "loud", NCP_REGION_CODE: "EU", HISTORY_LINK_PATTERNS: "no-groups" });
    expect(variables(error).sort()).toEqual(["HISTORY_LINK_PATTERNS", "LOCALE", "LOG_LEVEL", "NCP_REGION_CODE", "PORT"]);
    const lines = error.message.split("\n");
    expect(lines[0]).toBe("Invalid configuration:");
    expect(lines).toHaveLength(6);
  });

  it.each([
    [{ NCP_ACCESS_KEY: "AKIDEXAMPLE" }, "NCP_SECRET_KEY"],
    [{ NCP_SECRET_KEY: "SECRETEXAMPLE" }, "NCP_ACCESS_KEY"],
    [{ NCP_ACCESS_KEY: "AKIDEXAMPLE", NCP_SECRET_KEY: "  " }, "NCP_SECRET_KEY"],
  ])("rejects only one of the NCP keys (%j), naming the missing one", (env, missing) => {
    const error = configError(env);
    expect(variables(error)).toEqual([missing]);
    expect(error.problems[0]?.problem).toMatch(/both NCP_ACCESS_KEY and NCP_SECRET_KEY, or neither/);
  });

  it("never puts a value, secret or not, into the error", () => {
    const values = {
      SLACK_BOT_TOKEN: "leaky-bot-token-value",
      SLACK_APP_TOKEN: "leaky-app-token-value",
      NCP_SECRET_KEY: "leaky-ncp-secret-value",
      SLACK_API_URL: "leaky-slack-url-value",
      PORT: "leaky-port-value",
      TIME_ZONE: "leaky-time-zone-value",
      HISTORY_LINK_PATTERNS: "leaky-pattern-value",
    };
    const error = configError({ ...values, SLACK_SIGNING_SECRET: "leaky-signing-secret" });
    expect(variables(error)).toEqual(expect.arrayContaining(["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "NCP_ACCESS_KEY", "PORT", "TIME_ZONE"]));
    const everything = `${error.message}\n${JSON.stringify(error.problems)}\n${String(error.stack)}`;
    for (const value of [...Object.values(values), "leaky-signing-secret"]) expect(everything).not.toContain(value);
  });
});

describe("HISTORY_LINK_PATTERNS", () => {
  const good = String.raw`deploy\.example\.com/p/(?<projectId>\d+)/h/(?<historyId>\d+)`;

  it("compiles a single pattern, case-insensitive, with its named groups", () => {
    const [pattern] = loadConfig({ HISTORY_LINK_PATTERNS: good }).historyLinkPatterns;
    expect(pattern?.flags).toContain("i");
    expect("https://DEPLOY.example.com/p/41027/h/903344".match(pattern!)?.groups).toEqual({ projectId: "41027", historyId: "903344" });
  });

  it("compiles a JSON array of patterns", () => {
    const other = String.raw`projectId=(?<projectId>\d+).*historyId=(?<historyId>\d+)`;
    expect(loadConfig({ HISTORY_LINK_PATTERNS: JSON.stringify([good, other]) }).historyLinkPatterns).toHaveLength(2);
  });

  it.each([
    [String.raw`deploy\.example\.com/p/(\d+)/h/(\d+)`, /named groups/],
    [String.raw`deploy\.example\.com/p/(?<projectId>\d+)`, /named groups/],
    [String.raw`deploy\.example\.com/h/(?<historyId>\d+)`, /named groups/],
    [String.raw`(?<projectId>\d+)/(?<historyId>\d+`, /not a valid regular expression/],
    [`["${good.replaceAll("\\", "\\\\")}"`, /not a valid regular expression/],
    [String.raw`x/[(?<projectId>](?<historyId>\d+)`, /named groups/],
  ])("rejects %j", (raw, problem) => {
    const error = configError({ HISTORY_LINK_PATTERNS: raw });
    expect(variables(error)).toEqual(["HISTORY_LINK_PATTERNS"]);
    expect(error.problems[0]?.problem).toMatch(problem);
  });

  it("reads a single pattern that starts with a character class as a pattern, not as JSON", () => {
    const classFirst = String.raw`[a-z.]+/project/(?<projectId>\d+)/history/(?<historyId>\d+)`;
    const [pattern] = loadConfig({ HISTORY_LINK_PATTERNS: classFirst }).historyLinkPatterns;
    expect("deploy.example/project/1/history/2".match(pattern!)?.groups).toEqual({ projectId: "1", historyId: "2" });
  });

  it("reports each bad entry of an array by its position", () => {
    const { patterns, problems } = parseLinkPatterns(JSON.stringify([good, "x/(\\d+)", "", 7]));
    expect(patterns).toHaveLength(1);
    expect(problems).toEqual([
      "entry 2 must have named groups (?<projectId>…) and (?<historyId>…)",
      "entry 3 must be a non-empty string",
      "entry 4 must be a non-empty string",
    ]);
  });
});

describe("issue 10: values the app cannot use are refused at start-up, naming the variable", () => {
  it.each([
    ["NCP_SECRET_KEY", "secret with a space"],
    ["NCP_SECRET_KEY", "secret\twith-a-tab"],
    ["NCP_ACCESS_KEY", "access key"],
  ])("finding 12: refuses %s with a space or control character, without printing it", (variable, value) => {
    const error = configError({ NCP_ACCESS_KEY: "AKIDEXAMPLE", NCP_SECRET_KEY: "SECRETEXAMPLE", [variable]: value });
    expect(error.problems).toEqual([{ variable, problem: expect.stringMatching(/printable characters without spaces/) }]);
    expect(`${error.message}${JSON.stringify(error.problems)}`).not.toContain(value);
  });

  it.each([
    ["SOURCEDEPLOY_API_URL", "https://user:pw@sourcedeploy.apigw.ntruss.com/api/v1"],
    ["SOURCEDEPLOY_API_URL", "https://sourcedeploy.apigw.ntruss.com/api/v1?region=KR"],
    ["SOURCEDEPLOY_API_URL", "https://sourcedeploy.apigw.ntruss.com/api/v1#top"],
    ["SLACK_API_URL", "https://user:pw@slack.example/api"],
    ["SLACK_API_URL", "https://slack.example/api?x=1"],
  ])("finding 12: refuses %s=%j (credentials, query or fragment), without printing it", (variable, value) => {
    const error = configError({ [variable]: value });
    expect(error.problems).toEqual([
      { variable, problem: expect.stringMatching(/without user:password@, query \(\?…\) or fragment \(#…\)/) },
    ]);
    expect(error.message).not.toContain("pw@");
  });

  it("finding 5: HTTP limits default to a 10 s request timeout and 128 connections, and are configurable", () => {
    expect(loadConfig({}).http).toEqual({ requestTimeoutMs: 10_000, maxConnections: 128 });
    expect(loadConfig({ HTTP_REQUEST_TIMEOUT_MS: "1000", HTTP_MAX_CONNECTIONS: "3" }).http).toEqual({
      requestTimeoutMs: 1000,
      maxConnections: 3,
    });
    expect(configError({ HTTP_REQUEST_TIMEOUT_MS: "999" }).problems).toEqual([
      { variable: "HTTP_REQUEST_TIMEOUT_MS", problem: "must be at least 1000" },
    ]);
    expect(variables(configError({ HTTP_REQUEST_TIMEOUT_MS: "300001", HTTP_MAX_CONNECTIONS: "0" })).sort()).toEqual([
      "HTTP_MAX_CONNECTIONS",
      "HTTP_REQUEST_TIMEOUT_MS",
    ]);
  });
});

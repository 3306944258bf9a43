import { webApi } from "@slack/bolt";
import { describe, expect, it } from "vitest";
import { createLogger, describeError, redactKey } from "../src/log.js";
import { boltLogger } from "../src/slack/bolt-logger.js";
import { ResponseUrlError } from "../src/slack/response-url.js";
import { SourceDeployError } from "../src/sourcedeploy/errors.js";

const SECRET = "xoxb-1111-secret-bot-token";

/** A logger writing into an array, scrubbing SECRET like the app's logger does. */
function capturingLogger(): { logger: ReturnType<typeof createLogger>; lines: () => Record<string, unknown>[]; raw: string[] } {
  const raw: string[] = [];
  const logger = createLogger({ level: "debug", secrets: [SECRET], destination: { write: (line: string) => void raw.push(line) } });
  return { logger, raw, lines: () => raw.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe("describeError", () => {
  it("describes a SourceDeployError by code, safe message, status, attempts and upstream code and message", () => {
    const error = new SourceDeployError(
      "unavailable",
      "SourceDeploy is unavailable (HTTP 503)",
      {
        status: 503,
        attempts: 3,
        upstream: { errorCode: "900", message: "Service Unavailable", details: "raw details" },
        resource: { projectId: "1" },
      },
      { cause: new Error("socket hang up") },
    );
    expect(describeError(error)).toStrictEqual({
      name: "SourceDeployError",
      code: "unavailable",
      message: "SourceDeploy is unavailable (HTTP 503)",
      status: 503,
      attempts: 3,
      upstreamErrorCode: "900",
      upstreamMessage: "Service Unavailable",
    });
  });

  it("cuts a long upstream message short", () => {
    const error = new SourceDeployError("invalid_request", "rejected", { upstream: { message: "x".repeat(5000) } });
    expect(describeError(error).upstreamMessage!.length).toBeLessThan(400);
  });

  it("gives the Slack error code of a Slack Web API platform error, not its response", () => {
    const error = new webApi.WebAPIPlatformError({
      ok: false,
      error: "channel_not_found",
      response_metadata: { messages: ["raw response detail"] },
    });
    const described = describeError(error);
    expect(described).toMatchObject({
      code: "slack_webapi_platform_error",
      slackError: "channel_not_found",
      message: "An API error occurred: channel_not_found",
    });
    expect(JSON.stringify(described)).not.toContain("raw response detail");
  });

  it("gives the HTTP status of a Slack HTTP error, not its headers or body", () => {
    const error = new webApi.WebAPIHTTPError(503, "Service Unavailable", { "x-secret-header": "h" }, "<html>raw body</html>");
    const described = describeError(error);
    expect(described).toMatchObject({ code: "slack_webapi_http_error", status: 503 });
    expect(JSON.stringify(described)).not.toMatch(/x-secret-header|raw body/);
  });

  it("gives the status and Slack-style error of a failed response_url post", () => {
    expect(describeError(new ResponseUrlError(404))).toMatchObject({ name: "ResponseUrlError", status: 404, slackError: "expired_url" });
  });

  it("describes a plain Error by name, code and a message cut short, without its stack", () => {
    const error = Object.assign(new TypeError(`boom ${"y".repeat(1000)}`), { code: "ECONNRESET" });
    const described = describeError(error);
    expect(described).toMatchObject({ name: "TypeError", code: "ECONNRESET" });
    expect(described.message.startsWith("boom y")).toBe(true);
    expect(described.message.length).toBeLessThan(400);
    expect(
      Object.keys(described)
        .filter((k) => described[k as keyof typeof described] !== undefined)
        .sort(),
    ).toEqual(["code", "message", "name"]);
  });

  it("describes values that are not Errors", () => {
    expect(describeError("a string")).toStrictEqual({ name: "NonError", message: "a string" });
    expect(describeError(undefined)).toStrictEqual({ name: "NonError", message: "undefined" });
    expect(describeError(42)).toStrictEqual({ name: "NonError", message: "42" });
    expect(describeError(Object.create(null))).toStrictEqual({ name: "NonError", message: "[object Object]" });
  });
});

describe("the logger's err field", () => {
  it("writes the description of the error, never its stack or cause", () => {
    const { logger, lines } = capturingLogger();
    const error = new SourceDeployError(
      "timeout",
      "SourceDeploy did not answer within 10 ms",
      { attempts: 2 },
      { cause: new Error("inner cause") },
    );
    logger.warn({ err: error, projectId: "1" }, "lookup failed");
    const [line] = lines();
    expect(line).toMatchObject({ level: "warn", msg: "lookup failed", projectId: "1" });
    expect(line!.err).toStrictEqual({
      name: "SourceDeployError",
      code: "timeout",
      message: "SourceDeploy did not answer within 10 ms",
      attempts: 2,
    });
  });

  it("describes a thrown value that is not an Error", () => {
    const { logger, lines } = capturingLogger();
    logger.error({ err: "just a string" }, "unhandled rejection");
    expect(lines()[0]!.err).toStrictEqual({ name: "NonError", message: "just a string" });
  });

  it("scrubs a secret that an error's message or upstream message contains", () => {
    const { logger, raw, lines } = capturingLogger();
    logger.warn({ err: new Error(`request failed with token=${SECRET}`) }, "slack respond failed");
    logger.warn(
      { err: new SourceDeployError("invalid_request", "rejected", { upstream: { message: `echo ${SECRET}` } }) },
      "lookup failed",
    );
    expect(raw.join("")).not.toContain(SECRET);
    expect(lines().map((l) => l.err)).toMatchObject([
      { message: "request failed with token=[redacted]" },
      { upstreamMessage: "echo [redacted]" },
    ]);
  });

  it("receives the Errors Bolt passes to its logger", () => {
    const { logger, lines } = capturingLogger();
    boltLogger(logger).error("An unhandled error occurred", new webApi.WebAPIPlatformError({ ok: false, error: "invalid_auth" }));
    expect(lines()[0]).toMatchObject({
      level: "error",
      component: "bolt",
      msg: "An unhandled error occurred",
      err: { slackError: "invalid_auth" },
    });
  });
});

describe("redactKey", () => {
  it("issue 10: shows an access key only by its first 4 characters, and nothing of a short value", () => {
    expect(redactKey("ncp_iam_BPAMKR1234567890")).toBe("ncp_…");
    expect(redactKey("AKTESTACCESS")).toBe("AKTE…");
    expect(redactKey("AK-SHORT")).toBe("…");
  });
});

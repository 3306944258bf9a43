import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/log.js";
import { backoffDelay, parseRetryAfter, SourceDeployClient, type SourceDeployClientOptions } from "../../src/sourcedeploy/client.js";
import { SourceDeployError } from "../../src/sourcedeploy/errors.js";
import { type FakeSourceDeploy, startFakeSourceDeploy } from "../fakes/sourcedeploy-fake.js";
import { readFixture } from "../support/fixtures.js";

const AK = "test-access-key";
const SK = "test-secret-key";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
  vi.useRealTimers();
});

/**
 * Fakes the timers and the monotonic clock the client's deadlines use (undici's timers too), while
 * the HTTP exchange with the fake stays real: time passes only when a test advances it, so a
 * deadline test asserts exact fake times instead of wall-clock margins that load can break.
 */
function freezeClock(): void {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
}

/** Waits on real I/O (setImmediate is not faked) until the fake has received `count` requests. */
async function requestsArrived(fake: FakeSourceDeploy, count: number): Promise<void> {
  while (fake.requests.length < count) await new Promise((resolve) => setImmediate(resolve));
}

/** A call whose settling can be checked without awaiting it. */
function track<T>(promise: Promise<T>): { promise: Promise<T>; settled: () => boolean } {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { promise, settled: () => settled };
}

async function setup(options: Partial<SourceDeployClientOptions> = {}): Promise<{ fake: FakeSourceDeploy; client: SourceDeployClient }> {
  const fake = await startFakeSourceDeploy({ accessKey: AK, secretKey: SK });
  const client = new SourceDeployClient({ baseUrl: fake.url, accessKey: AK, secretKey: SK, backoffBaseMs: 10, ...options });
  // Popped in reverse: the fake closes first, so a call a failed test left hanging cannot hold client.close().
  cleanups.push(
    () => client.close(),
    () => fake.close(),
  );
  return { fake, client };
}

async function failure(promise: Promise<unknown>): Promise<SourceDeployError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(SourceDeployError);
    return error as SourceDeployError;
  }
  throw new Error("expected the call to fail");
}

describe("SourceDeployClient against the fake", () => {
  it("gets a flat history detail", async () => {
    const { client } = await setup();
    const history = await client.getHistory("41027", "903344");
    expect(history.id).toBe("903344");
    expect(history.status).toBe("fail");
    expect(history.project).toEqual({ id: "41027", name: "shop-api" });
    expect(history.targets.map((t) => t.status)).toEqual(["success", "fail", "no progress"]);
  });

  it("gets a wrapped history detail", async () => {
    const { client } = await setup();
    const history = await client.getHistory("41027", "904611");
    expect(history.status).toBe("inprogress");
    expect(history.targets).toHaveLength(4);
  });

  it("lists histories newest first and sends pageNo and a clamped pageSize", async () => {
    const { client, fake } = await setup();
    const all = await client.listHistories("41027");
    expect(all.map((h) => h.id)).toEqual(["904611", "903501", "903344"]);
    expect(all[1]?.status).toBe("success");

    const two = await client.listHistories("41027", { pageNo: 1, pageSize: 2 });
    expect(two.map((h) => h.id)).toEqual(["904611", "903501"]);
    await client.listHistories("41027", { pageSize: 500 });
    await client.listHistories("41027", { pageSize: 0 });
    expect(fake.requests.map((r) => r.path)).toEqual([
      "/api/v1/project/41027/history",
      "/api/v1/project/41027/history?pageNo=1&pageSize=2",
      "/api/v1/project/41027/history?pageSize=100",
      "/api/v1/project/41027/history?pageSize=1",
    ]);
  });

  it("lists projects, filtered by name", async () => {
    const { client } = await setup();
    expect(await client.listProjects()).toEqual([
      { id: "41027", name: "shop-api" },
      { id: "41100", name: "catalog-svc" },
      { id: "41152", name: "storefront-web" },
    ]);
    expect(await client.listProjects({ name: "catalog" })).toEqual([{ id: "41100", name: "catalog-svc" }]);
  });

  it("encodes query values and signs the path exactly as sent, /api/v1 included", async () => {
    const { client, fake } = await setup();
    expect(await client.listProjects({ name: "shop api&x=1/배포", pageSize: 5 })).toEqual([]);
    const request = fake.requests[0];
    expect(request?.path).toBe("/api/v1/project?projectName=shop%20api%26x%3D1%2F%EB%B0%B0%ED%8F%AC&pageSize=5");
    expect(request?.authOk).toBe(true);
    const timestamp = String(request?.headers["x-ncp-apigw-timestamp"]);
    const expected = createHmac("sha256", SK).update(`GET ${request?.path}\n${timestamp}\n${AK}`).digest("base64");
    expect(request?.headers["x-ncp-apigw-signature-v2"]).toBe(expected);
    expect(request?.headers["x-ncp-iam-access-key"]).toBe(AK);
    expect(Math.abs(Number(timestamp) - Date.now())).toBeLessThan(60_000);
  });

  it("sends accept: application/json, and the region header only when configured", async () => {
    const plain = await setup();
    await plain.client.listProjects();
    expect(plain.fake.requests[0]?.headers.accept).toBe("application/json");
    expect(plain.fake.requests[0]?.headers["x-ncp-region_code"]).toBeUndefined();

    const regional = await setup({ regionCode: "JPN" });
    await regional.client.listProjects();
    expect(regional.fake.requests[0]?.headers["x-ncp-region_code"]).toBe("JPN");
  });

  it("signs every retry afresh", async () => {
    let clock = Date.now();
    const { client, fake } = await setup({ now: () => (clock += 1000) });
    fake.queueFault({ kind: "status", status: 503 });
    await client.getHistory("41027", "903344");
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests.every((r) => r.authOk)).toBe(true);
    const [first, second] = fake.requests.map((r) => r.headers["x-ncp-apigw-timestamp"]);
    expect(first).not.toBe(second);
  });
});

describe("SourceDeployClient failures", () => {
  it("maps a wrong secret to auth_failed with the upstream error", async () => {
    const { fake } = await setup();
    const client = new SourceDeployClient({ baseUrl: fake.url, accessKey: AK, secretKey: "wrong-secret" });
    cleanups.push(() => client.close());
    const error = await failure(client.getHistory("41027", "903344"));
    expect(error.code).toBe("auth_failed");
    expect(error.details).toMatchObject({ status: 401, attempts: 1, upstream: { errorCode: "200", message: "Authentication Failed" } });
    expect(fake.requests[0]?.authFailure).toBe("signature");
  });

  it("maps a clock 6 minutes off to auth_failed (the fake rejects the skew)", async () => {
    const { client, fake } = await setup({ now: () => Date.now() - 6 * 60_000 });
    expect((await failure(client.listProjects())).code).toBe("auth_failed");
    expect(fake.requests[0]?.authFailure).toBe("timestamp");
  });

  it("maps 401/210 and 403 to permission_denied", async () => {
    const { client, fake } = await setup();
    fake.queueFault(
      { kind: "status", status: 401, body: { error: { errorCode: "210", message: "Permission Denied" } } },
      { kind: "status", status: 403 },
    );
    const first = await failure(client.getHistory("41027", "903344"));
    expect(first.code).toBe("permission_denied");
    expect(first.details.upstream?.errorCode).toBe("210");
    expect((await failure(client.getHistory("41027", "903344"))).code).toBe("permission_denied");
    expect(fake.requests).toHaveLength(2);
  });

  it("maps 404 to not_found with a readable message and the resource", async () => {
    const { client, fake } = await setup();
    const error = await failure(client.getHistory("41027", "1"));
    expect(error.code).toBe("not_found");
    expect(error.message).toBe("SourceDeploy history 41027/1 was not found");
    expect(error.details).toMatchObject({
      status: 404,
      attempts: 1,
      resource: { projectId: "41027", historyId: "1" },
      upstream: { errorCode: "300" },
    });
    expect(fake.requests).toHaveLength(1);
    expect((await failure(client.listHistories("999"))).message).toBe("SourceDeploy project 999 was not found");
  });

  it("honours Retry-After: 1 on 429, retries exactly once and succeeds", async () => {
    const { client, fake } = await setup();
    fake.queueFault({ kind: "status", status: 429, headers: { "retry-after": "1" } });
    const started = Date.now();
    const history = await client.getHistory("41027", "903344");
    expect(history.id).toBe("903344");
    expect(fake.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect((fake.requests[1]?.time ?? 0) - (fake.requests[0]?.time ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("gives up at once with rate_limited when Retry-After is past the deadline", async () => {
    const { client, fake } = await setup({ timeoutMs: 2000 });
    fake.queueFault({ kind: "status", status: 429, headers: { "retry-after": "30" } });
    const error = await failure(client.getHistory("41027", "903344"));
    expect(error.code).toBe("rate_limited");
    expect(error.details).toMatchObject({ status: 429, attempts: 1 });
    expect(fake.requests).toHaveLength(1);
  });

  it("ends with unavailable after exactly 3 attempts on three 503s", async () => {
    const { client, fake } = await setup();
    fake.queueFault({ kind: "status", status: 503 }, { kind: "status", status: 503 }, { kind: "status", status: 503 });
    const error = await failure(client.getHistory("41027", "903344"));
    expect(error.code).toBe("unavailable");
    expect(error.details).toMatchObject({ status: 503, attempts: 3 });
    expect(fake.requests).toHaveLength(3);
  });

  it("respects maxRetries", async () => {
    const { client, fake } = await setup({ maxRetries: 0 });
    fake.setFault({ kind: "status", status: 502 });
    expect((await failure(client.listProjects())).details.attempts).toBe(1);
    expect(fake.requests).toHaveLength(1);
  });

  it("does not retry a 500", async () => {
    const { client, fake } = await setup();
    fake.setFault({ kind: "status", status: 500 });
    expect((await failure(client.listProjects())).code).toBe("unavailable");
    expect(fake.requests).toHaveLength(1);
  });

  it("maps other 4xx answers to invalid_request without retrying", async () => {
    const { client, fake } = await setup();
    fake.setFault({ kind: "status", status: 400, body: { error: { errorCode: "100", message: "Bad Request" } } });
    const error = await failure(client.listProjects());
    expect(error.code).toBe("invalid_request");
    expect(error.details.status).toBe(400);
    expect(fake.requests).toHaveLength(1);
  });

  it("times out within the overall deadline when the upstream hangs", async () => {
    freezeClock();
    const { client, fake } = await setup({ timeoutMs: 1500, attemptTimeoutMs: 1000, random: () => 0 });
    fake.setFault({ kind: "delay", ms: 30_000 });
    const started = performance.now();
    const call = track(client.getHistory("41027", "903344"));
    await requestsArrived(fake, 1);
    await vi.advanceTimersByTimeAsync(1000); // the first attempt's own timeout
    await requestsArrived(fake, 2);
    await vi.advanceTimersByTimeAsync(499);
    expect(call.settled()).toBe(false);
    await vi.advanceTimersByTimeAsync(1); // the deadline cuts the second attempt short; no third one starts
    const error = await failure(call.promise);
    expect(error.code).toBe("timeout");
    expect(performance.now() - started).toBe(1500);
    expect(error.details.attempts).toBe(2);
    expect(fake.requests).toHaveLength(2);
  });

  it("retries a per-attempt timeout and succeeds", async () => {
    freezeClock();
    const { client, fake } = await setup({ timeoutMs: 3000, attemptTimeoutMs: 300, random: () => 0 });
    fake.queueFault({ kind: "delay", ms: 5_000 });
    const call = client.getHistory("41027", "903344");
    await requestsArrived(fake, 1);
    await vi.advanceTimersByTimeAsync(300); // however slow the machine, the second attempt has all its 300 ms
    expect((await call).id).toBe("903344");
    expect(fake.requests).toHaveLength(2);
  });

  it("aborts when the caller's signal aborts", async () => {
    freezeClock(); // no timer can end the call: only the abort can
    const { client, fake } = await setup();
    fake.setFault({ kind: "delay", ms: 30_000 });
    const controller = new AbortController();
    const call = client.getHistory("41027", "903344", { signal: controller.signal });
    await requestsArrived(fake, 1);
    controller.abort();
    const error = await failure(call);
    expect(error.message).toContain("cancelled");
    expect(fake.requests).toHaveLength(1);
  });

  it("sends nothing when the caller's signal is already aborted", async () => {
    const { client, fake } = await setup();
    const error = await failure(client.listProjects({}, { signal: AbortSignal.abort() }));
    expect(error.details.attempts).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("reports a caller's abort during a request as aborted, not timeout", async () => {
    const { client, fake } = await setup();
    fake.setFault({ kind: "delay", ms: 30_000 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const error = await failure(client.getHistory("41027", "903344", { signal: controller.signal }));
    expect(error.code).toBe("aborted");
    expect(error.details.attempts).toBe(1);
    expect(fake.requests).toHaveLength(1);
  });

  it("reports a caller's abort while waiting to retry as aborted, and sends no further attempt", async () => {
    const controller = new AbortController();
    const sleep = (_ms: number, signal?: AbortSignal) => {
      controller.abort();
      return Promise.reject(signal?.reason);
    };
    const { client, fake } = await setup({ sleep });
    fake.setFault({ kind: "status", status: 503 });
    const error = await failure(client.getHistory("41027", "903344", { signal: controller.signal }));
    expect(error.code).toBe("aborted");
    expect(fake.requests).toHaveLength(1);
  });

  it("reports the call's deadline as timeout even when the caller passed a signal", async () => {
    const { client, fake } = await setup({ timeoutMs: 600, maxRetries: 0 });
    fake.setFault({ kind: "delay", ms: 30_000 });
    const error = await failure(client.getHistory("41027", "903344", { signal: new AbortController().signal }));
    expect(error.code).toBe("timeout");
  });

  it("reports a signal aborted before the call as aborted, without sending a request", async () => {
    const { client, fake } = await setup();
    const error = await failure(client.getHistory("41027", "903344", { signal: AbortSignal.abort() }));
    expect(error.code).toBe("aborted");
    expect(error.details.attempts).toBe(0);
    expect(fake.requests).toHaveLength(0);
  });

  it("rejects malformed JSON as invalid_response without retrying", async () => {
    const { client, fake } = await setup();
    fake.queueFault({ kind: "malformed-json" });
    const error = await failure(client.getHistory("41027", "903344"));
    expect(error.code).toBe("invalid_response");
    expect(error.details.status).toBe(200);
    expect(fake.requests).toHaveLength(1);
  });

  it("rejects a non-JSON body, but accepts JSON sent with the wrong content type", async () => {
    const { client, fake } = await setup();
    fake.queueFault({ kind: "non-json" });
    const error = await failure(client.getHistory("41027", "903344"));
    expect(error.code).toBe("invalid_response");
    expect(error.message).toContain("text/html");

    fake.queueFault({ kind: "non-json", contentType: "text/plain", body: JSON.stringify({ projectList: [{ id: 7, name: "x" }] }) });
    expect(await client.listProjects()).toEqual([{ id: "7", name: "x" }]);
  });

  it.each([false, true])("rejects an oversize body as invalid_response (declared length: %s)", async (declareLength) => {
    const { client, fake } = await setup();
    fake.queueFault({ kind: "huge", bytes: 6 * 1024 * 1024, declareLength });
    const error = await failure(client.getHistory("41027", "903344"));
    expect(error.code).toBe("invalid_response");
    expect(error.message).toContain("larger than");
    expect(fake.requests).toHaveLength(1);
    expect((await client.getHistory("41027", "903344")).id).toBe("903344");
  });

  it("applies maxBodyBytes to ordinary bodies", async () => {
    const { client } = await setup({ maxBodyBytes: 200 });
    expect((await failure(client.getHistory("41027", "903344"))).code).toBe("invalid_response");
  });

  it("reports the failing path when the body has the wrong shape", async () => {
    const { client, fake } = await setup();
    fake.setHistory("41027", "5", { result: { id: 5, status: "success" } });
    const error = await failure(client.getHistory("41027", "5"));
    expect(error.code).toBe("invalid_response");
    expect(error.details.path).toBeTypeOf("string");
    expect(error.details.resource).toEqual({ projectId: "41027", historyId: "5" });
  });

  it("finding 9: refuses a history body that names another project (or history) than the path, with one warn line", async () => {
    const lines: { level: string; msg: string; [field: string]: unknown }[] = [];
    const logger = createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    const { client, fake } = await setup({ logger });
    // A misrouting proxy or an upstream bug: the body of 41100/904120 served for 41027/903344.
    fake.setHistory("41027", "903344", { ...readFixture<object>("k8s-canary.json"), id: 903344 });
    const error = await failure(client.getHistory("41027", "903344"));
    expect(error.code).toBe("invalid_response");
    expect(error.details.resource).toEqual({ projectId: "41027", historyId: "903344" });
    expect(error.message).toContain("41100/903344");
    const warnings = lines.filter((l) => l.level === "warn" || l.level === "error");
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({
      event: "sourcedeploy.wrong_history",
      requested: { projectId: "41027", historyId: "903344" },
      returned: { projectId: "41100", historyId: "903344" },
    });

    fake.setHistory("41027", "903345", readFixture<object>("server-fail.json"));
    expect((await failure(client.getHistory("41027", "903345"))).code).toBe("invalid_response");
    expect(fake.requests.filter((r) => r.path.endsWith("/903345"))).toHaveLength(1);
  });

  it("accepts a history whose body spells the requested ids without their leading zeros", async () => {
    const { client, fake } = await setup();
    fake.setHistory("041027", "0903344", readFixture<object>("server-fail.json"));
    expect((await client.getHistory("041027", "0903344")).id).toBe("903344");
  });

  it("retries a connection reset and a truncated body, then succeeds", async () => {
    const { client, fake } = await setup();
    fake.queueFault({ kind: "reset" }, { kind: "truncated" });
    expect((await client.getHistory("41027", "903344")).id).toBe("903344");
    expect(fake.requests).toHaveLength(3);
  });

  it("ends with unavailable when every attempt is reset", async () => {
    const { client, fake } = await setup();
    fake.setFault({ kind: "reset" });
    const error = await failure(client.getHistory("41027", "903344"));
    expect(error.code).toBe("unavailable");
    expect(error.details.attempts).toBe(3);
    expect(fake.requests).toHaveLength(3);
  });

  it("maps a refused connection to unavailable after retrying", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const client = new SourceDeployClient({ baseUrl: `http://127.0.0.1:${port}/api/v1`, accessKey: AK, secretKey: SK, backoffBaseMs: 10 });
    cleanups.push(() => client.close());
    const error = await failure(client.listProjects());
    expect(error.code).toBe("unavailable");
    expect(error.message).toContain("ECONNREFUSED");
    expect(error.details.attempts).toBe(3);
  });

  it.each(["1/../2", "abc", "", "%2F", " 1", "1 ", "-1", "1.5", "123456789012345678901"])(
    "rejects the id %j before sending anything",
    async (bad) => {
      const { client, fake } = await setup();
      expect((await failure(client.getHistory(bad, "1"))).code).toBe("invalid_request");
      expect((await failure(client.getHistory("41027", bad))).code).toBe("invalid_request");
      expect((await failure(client.listHistories(bad))).code).toBe("invalid_request");
      expect(fake.requests).toHaveLength(0);
    },
  );

  it("rejects a bad page number before sending anything", async () => {
    const { client, fake } = await setup();
    expect((await failure(client.listHistories("41027", { pageNo: -1 }))).code).toBe("invalid_request");
    expect((await failure(client.listHistories("41027", { pageSize: Number.NaN }))).code).toBe("invalid_request");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("construction", () => {
  it("rejects a base URL with a query, and keys with whitespace, without echoing them", () => {
    expect(() => new SourceDeployClient({ baseUrl: "http://127.0.0.1:1/api/v1?x=1", accessKey: AK, secretKey: SK })).toThrow(TypeError);
    expect(() => new SourceDeployClient({ baseUrl: "ftp://127.0.0.1/", accessKey: AK, secretKey: SK })).toThrow(TypeError);
    expect(() => new SourceDeployClient({ baseUrl: "http://127.0.0.1:1/api/v1", accessKey: AK, secretKey: "bad secret\n" })).toThrow(
      /secretKey must be/,
    );
  });

  it("describes itself by its base URL only", () => {
    const client = new SourceDeployClient({ baseUrl: "http://127.0.0.1:1/api/v1/", accessKey: AK, secretKey: SK });
    cleanups.push(() => client.close());
    expect(client.description).toBe("SourceDeploy API at http://127.0.0.1:1/api/v1");
  });
});

describe("retry timing helpers", () => {
  it("parses Retry-After seconds and HTTP dates", () => {
    const now = Date.parse("2026-03-08T10:00:00Z");
    expect(parseRetryAfter("2", now)).toBe(2000);
    expect(parseRetryAfter(["3", "9"], now)).toBe(3000);
    expect(parseRetryAfter("Sun, 08 Mar 2026 10:00:05 GMT", now)).toBe(5000);
    expect(parseRetryAfter("Sun, 08 Mar 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it("grows the backoff ceiling exponentially up to the cap, with full jitter", () => {
    expect(backoffDelay(1, 100, 1000, () => 0.999)).toBe(99);
    expect(backoffDelay(3, 100, 1000, () => 0.5)).toBe(200);
    expect(backoffDelay(10, 100, 1000, () => 0.5)).toBe(500);
    expect(backoffDelay(2, 100, 1000, () => 0)).toBe(0);
  });
});

describe("SourceDeployClient close", () => {
  it("finding 13: close(graceMs) cuts off a call still in flight once the grace is over", async () => {
    const { client, fake } = await setup({ timeoutMs: 60_000 });
    fake.setFault({ kind: "delay", ms: 60_000 });
    const call = track(client.getHistory("41027", "903344"));
    await requestsArrived(fake, 1);
    await client.close(50);
    const error = await failure(call.promise);
    expect(error.code).toBe("unavailable");
    expect(fake.requests).toHaveLength(1);
  });
});

import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { SourceDeployClient } from "../../src/sourcedeploy/client.js";
import { SourceDeployError } from "../../src/sourcedeploy/errors.js";
import { type FakeSourceDeploy, type Fault, startFakeSourceDeploy } from "../fakes/sourcedeploy-fake.js";

const ACCESS_KEY = "AKIA-SECRETS-TEST-ACCESS";
const SECRET_KEY = "SK-zebra-7f3c91-must-never-leak";

/**
 * The logger is created without `secrets`, so its last-line scrubber is off: this checks that the
 * client never hands the secret to the logger in the first place.
 */
const lines: string[] = [];
const logger = createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(line) } });

let fake: FakeSourceDeploy;
let client: SourceDeployClient;
const errors: SourceDeployError[] = [];

function newClient(baseUrl: string, secretKey = SECRET_KEY, timeoutMs = 1500): SourceDeployClient {
  return new SourceDeployClient({ baseUrl, accessKey: ACCESS_KEY, secretKey, regionCode: "KR", timeoutMs, logger, backoffBaseMs: 10 });
}

async function capture(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    expect(error).toBeInstanceOf(SourceDeployError);
    errors.push(error as SourceDeployError);
    return;
  }
  throw new Error("expected the call to fail");
}

async function withFault(fault: Fault): Promise<void> {
  fake.clearFaults();
  fake.setFault(fault);
  await capture(client.getHistory("41027", "903344"));
  fake.clearFaults();
}

beforeAll(async () => {
  fake = await startFakeSourceDeploy({ accessKey: ACCESS_KEY, secretKey: SECRET_KEY });
  client = newClient(fake.url);
});

afterAll(async () => {
  await client.close();
  await fake.close();
});

describe("secrets never leak", () => {
  it("runs every failure case without the secret key or a signature in any log line or error", async () => {
    expect((await client.getHistory("41027", "903344")).id).toBe("903344");
    const warnsAfterSuccess = lines.filter(
      (l) => JSON.parse(l).level === "debug" && JSON.parse(l).event === "sourcedeploy.call_failed",
    ).length;
    expect(warnsAfterSuccess).toBe(0);

    const wrongSecretClient = newClient(fake.url, "SK-wrong-but-also-secret-99");
    await capture(wrongSecretClient.getHistory("41027", "903344"));
    await wrongSecretClient.close();
    const skewed = new SourceDeployClient({
      baseUrl: fake.url,
      accessKey: ACCESS_KEY,
      secretKey: SECRET_KEY,
      logger,
      now: () => Date.now() - 600_000,
    });
    await capture(skewed.listProjects());
    await skewed.close();

    await capture(client.getHistory("41027", "1"));
    await withFault({ kind: "status", status: 403 });
    await withFault({ kind: "status", status: 429 });
    await withFault({ kind: "status", status: 503, body: `<html>${SECRET_KEY}?</html>` });
    await withFault({ kind: "delay", ms: 30_000 });
    await withFault({ kind: "malformed-json" });
    await withFault({ kind: "huge" });
    await withFault({ kind: "non-json" });
    await withFault({ kind: "reset" });
    await withFault({ kind: "truncated" });
    await capture(client.getHistory("1/../2", "3"));
    await capture(client.listHistories("abc"));
    await capture(client.listProjects({}, { signal: AbortSignal.abort() }));

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = newClient(`http://127.0.0.1:${port}/api/v1`);
    await capture(refused.listProjects());
    await refused.close();

    expect(errors.map((e) => e.code)).toEqual([
      "auth_failed",
      "auth_failed",
      "not_found",
      "permission_denied",
      "rate_limited",
      "unavailable",
      "timeout",
      "invalid_response",
      "invalid_response",
      "invalid_response",
      "unavailable",
      "unavailable",
      "invalid_request",
      "invalid_request",
      "aborted",
      "unavailable",
    ]);

    const warns = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === "sourcedeploy.call_failed");
    expect(warns).toHaveLength(errors.length);
    expect(warns.map((l) => (l.err as { code?: unknown }).code)).toEqual(errors.map((e) => e.code));

    const signatures = fake.requests.map((r) => String(r.headers["x-ncp-apigw-signature-v2"]));
    expect(signatures.length).toBeGreaterThan(20);
    const forbidden = [SECRET_KEY, "SK-wrong-but-also-secret-99", ...signatures];
    const exposed = [
      ...lines,
      ...errors.flatMap((e) => [e.message, String(e.stack), JSON.stringify(e), JSON.stringify(e.details), inspect(e, { depth: 6 })]),
    ];
    for (const text of exposed) {
      for (const value of forbidden) expect(text).not.toContain(value);
    }
  });
});

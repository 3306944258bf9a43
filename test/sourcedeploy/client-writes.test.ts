/** Writes to production: sent once, signed, never retried, and every failure says whether it happened. */
import { afterEach, describe, expect, it } from "vitest";
import { SourceDeployClient, type SourceDeployClientOptions } from "../../src/sourcedeploy/client.js";
import { SourceDeployError } from "../../src/sourcedeploy/errors.js";
import { HISTORY_ACTIONS } from "../../src/sourcedeploy/model.js";
import { type FakeSourceDeploy, startFakeSourceDeploy } from "../fakes/sourcedeploy-fake.js";

const AK = "test-access-key";
const SK = "test-secret-key";
const PENDING = ["41027", "904700"] as const;
const CANARY = ["41100", "904121"] as const;
const RUNNING = ["41027", "904611"] as const;

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()?.();
});

async function setup(options: Partial<SourceDeployClientOptions> = {}): Promise<{ fake: FakeSourceDeploy; client: SourceDeployClient }> {
  const fake = await startFakeSourceDeploy({ accessKey: AK, secretKey: SK });
  const client = new SourceDeployClient({ baseUrl: fake.url, accessKey: AK, secretKey: SK, backoffBaseMs: 10, ...options });
  cleanups.push(
    () => client.close(),
    () => fake.close(),
  );
  return { fake, client };
}

async function failure(promise: Promise<unknown>): Promise<SourceDeployError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SourceDeployError);
  return error as SourceDeployError;
}

const posts = (fake: FakeSourceDeploy) => fake.requests.filter((r) => r.method === "POST");

describe("history actions", () => {
  it("approves a pending deployment with one signed POST, and the history moves on", async () => {
    const { fake, client } = await setup();
    await client.act("approve", ...PENDING);
    expect(posts(fake).map((r) => [r.path, r.authOk])).toEqual([["/api/v1/project/41027/history/904700/approval/accept", true]]);
    expect(fake.writes).toEqual([expect.objectContaining({ from: "pending", to: "inprogress" })]);
    expect((await client.getHistory(...PENDING)).status).toBe("inprogress");
  });

  it.each([
    ["reject", PENDING, "approval/reject", "reject"],
    ["promote", CANARY, "canary/accept", "inprogress"],
    ["abort", CANARY, "canary/reject", "canary_rejecting"],
    ["cancel", RUNNING, "cancel", "canceling"],
  ] as const)("%s posts to …/%s", async (action, [projectId, historyId], path, to) => {
    const { fake, client } = await setup();
    await client.act(action, projectId, historyId);
    expect(posts(fake).map((r) => r.path)).toEqual([`/api/v1/project/${projectId}/history/${historyId}/${path}`]);
    expect(fake.writes.map((w) => w.to)).toEqual([to]);
  });

  it("reports a decision on a deployment that moved on as refused, after exactly one POST", async () => {
    const { fake, client } = await setup();
    await client.act("approve", ...PENDING);
    const error = await failure(client.act("approve", ...PENDING));
    expect(error.code).toBe("refused");
    expect(error.details.status).toBe(400);
    expect(posts(fake)).toHaveLength(2);
    expect(fake.writes).toHaveLength(1);
  });

  it("treats result: false as refused", async () => {
    const { fake, client } = await setup();
    fake.queueFault({ kind: "status", status: 200, body: { result: false } });
    expect((await failure(client.act("cancel", ...RUNNING))).code).toBe("refused");
  });

  it.each([502, 503, 504, 429])("never retries a write, even on %i", async (status) => {
    const { fake, client } = await setup();
    fake.queueFault({ kind: "status", status });
    const error = await failure(client.act("approve", ...PENDING));
    expect(error.code).not.toBe("refused");
    expect(posts(fake)).toHaveLength(1);
    expect(fake.writes).toHaveLength(0);
  });

  it("says the outcome is unknown when the answer never comes, without retrying", async () => {
    const { fake, client } = await setup({ timeoutMs: 300 });
    fake.queueFault({ kind: "delay", ms: 5_000 });
    const error = await failure(client.act("approve", ...PENDING));
    expect(error.code).toBe("unknown_outcome");
    expect(posts(fake)).toHaveLength(1);
  });

  it("gives a write the whole deadline, not the half a retried read gets per attempt", async () => {
    const { fake, client } = await setup({ timeoutMs: 2_000 });
    fake.queueFault({ kind: "delay", ms: 1_400 });
    await client.act("approve", ...PENDING);
    expect(fake.writes).toHaveLength(1);
  });

  it("says the outcome is unknown when the connection drops after sending", async () => {
    const { fake, client } = await setup();
    fake.queueFault({ kind: "reset" });
    expect((await failure(client.act("promote", ...CANARY))).code).toBe("unknown_outcome");
    expect(posts(fake)).toHaveLength(1);
  });

  it("knows a write to a closed port never happened", async () => {
    const { fake, client } = await setup();
    const closed = new SourceDeployClient({ baseUrl: fake.url, accessKey: AK, secretKey: SK });
    cleanups.push(() => closed.close());
    await fake.close();
    expect((await failure(closed.act("cancel", ...RUNNING))).code).toBe("unavailable");
    await client.close();
  });

  it("refuses ids that are not digits before sending anything", async () => {
    const { fake, client } = await setup();
    for (const action of HISTORY_ACTIONS) {
      expect((await failure(client.act(action, "41027", "../../x"))).code).toBe("invalid_request");
    }
    expect(fake.requests).toHaveLength(0);
  });
});

describe("starting a deployment", () => {
  it("lists stages and scenarios, then starts one and returns the new history's id", async () => {
    const { fake, client } = await setup();
    expect(await client.listStages("41027")).toEqual([
      { id: "5183", name: "prod-web" },
      { id: "5190", name: "prod-asg" },
      { id: "5101", name: "dev" },
    ]);
    expect((await client.listScenarios("41027", "5183")).map((s) => s.name)).toEqual(["web-release-sequential", "web-hotfix"]);
    const { historyId } = await client.startDeploy("41027", "5183", "7712");
    expect(historyId).toBe("904800");
    expect(posts(fake).map((r) => r.path)).toEqual(["/api/v1/project/41027/stage/5183/scenario/7712/deploy"]);
    const started = await client.getHistory("41027", historyId);
    expect([started.status, started.stage.name, started.scenario.name]).toEqual(["inprogress", "prod-web", "web-release-sequential"]);
  });

  it("reports an unknown scenario as not found and never retries the start", async () => {
    const { fake, client } = await setup();
    expect((await failure(client.startDeploy("41027", "5183", "1"))).code).toBe("not_found");
    fake.queueFault({ kind: "status", status: 503 });
    await failure(client.startDeploy("41027", "5183", "7712"));
    expect(posts(fake)).toHaveLength(2);
    expect(fake.writes).toHaveLength(0);
  });
});

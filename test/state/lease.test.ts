/**
 * Leases on a real redis-server: one holder at a time, renewed while held, handed over when the
 * holder lets go or stops renewing, with a larger fencing token for every new holder.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import { SOLE_OWNER } from "../../src/state/lease.js";
import { RedisStateStore } from "../../src/state/redis.js";
import { hasRedisServer, type RedisServer, startRedisServer } from "../support/redis-server.js";
import { waitUntil } from "../support/wait.js";

it("a store of its own holds every lease", async () => {
  expect(SOLE_OWNER.shared).toBe(false);
  expect(await SOLE_OWNER.acquire("history:1/2")).toBe(true);
  expect(SOLE_OWNER.holds("anything")).toBe(true);
});

describe.skipIf(!hasRedisServer())("leases on Redis", () => {
  let server: RedisServer;
  let run = 0;
  const open: RedisStateStore[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => server?.close());
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });
  /** Two instances on one Redis. */
  const pair = async (leaseMs: number) => {
    const prefix = `lease-${++run}:`;
    const stores = await Promise.all([1, 2].map(() => RedisStateStore.open({ url: server.url, logger: silentLogger, prefix, leaseMs })));
    open.push(...stores);
    return stores.map((s) => s.leases) as [RedisStateStore["leases"], RedisStateStore["leases"]];
  };

  it("is held by one instance at a time, and by the same one while it renews", async () => {
    const [a, b] = await pair(300);
    const results = await Promise.all([a.acquire("history:41027/1"), b.acquire("history:41027/1")]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const [holder, other] = results[0] ? [a, b] : [b, a];
    // Several periods later the holder still holds it (renewed), and the other still cannot take it.
    const lost: string[] = [];
    holder.onLost((name) => lost.push(name));
    for (let i = 0; i < 4; i++) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await other.acquire("history:41027/1")).toBe(false);
    }
    expect(holder.holds("history:41027/1")).toBe(true);
    expect(lost).toEqual([]);
  });

  it("goes to another instance once released, with a larger fencing token", async () => {
    const [a, b] = await pair(60_000);
    expect(await a.acquire("subscription:41027")).toBe(true);
    const first = a.token("subscription:41027")!;
    expect(await b.acquire("subscription:41027")).toBe(false);
    await a.release("subscription:41027");
    expect(a.holds("subscription:41027")).toBe(false);
    expect(await b.acquire("subscription:41027")).toBe(true);
    expect(b.token("subscription:41027")!).toBeGreaterThan(first);
  });

  it("is lost when it cannot be renewed, and taken over after it expires", async () => {
    const [a, b] = await pair(300);
    const lost: string[] = [];
    a.onLost((name) => lost.push(name));
    expect(await a.acquire("history:41027/2")).toBe(true);
    // Someone else's token in the key: the holder's next renewal fails (as after an expiry and a takeover).
    await open[0]!.client.set(`lease-${run}:lease:history:41027/2`, "999999", "PX", 300);
    await waitUntil(() => lost.includes("history:41027/2"), "the lease to be lost");
    expect(a.holds("history:41027/2")).toBe(false);
    await waitUntil(() => b.acquire("history:41027/2"), "the other instance to take it");
  });

  it("is released by close, so a rolling deploy hands over at once", async () => {
    const [a, b] = await pair(60_000);
    expect(await a.acquire("history:41027/3")).toBe(true);
    await a.close();
    expect(await b.acquire("history:41027/3")).toBe(true);
  });
});

/**
 * The Redis store when Redis is not there: start-up gets one line naming STATE_URL; at run time
 * nothing throws but the audit, claims are decided in process, and everything works again once
 * Redis is back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../../src/log.js";
import { connectStateStore, parseStateUrl, StateError } from "../../src/state/index.js";
import { RedisStateStore, redactRedisUrl } from "../../src/state/redis.js";
import { hasRedisServer, type RedisServer, startRedisServer } from "../support/redis-server.js";
import { waitUntil } from "../support/wait.js";
import { watchOf } from "./contract.js";

function recordingLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = createLogger({
    level: "debug",
    destination: { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  });
  return { logger, lines };
}

it("STATE_URL names Redis with redis:// or rediss://", () => {
  expect(parseStateUrl("redis://127.0.0.1:6379/0")).toEqual({ kind: "redis", url: "redis://127.0.0.1:6379/0" });
  expect(parseStateUrl("rediss://cache.example:6380")).toMatchObject({ kind: "redis" });
  expect(parseStateUrl("redis://")).toHaveProperty("problem");
});

it("keeps a password out of messages", () => {
  expect(redactRedisUrl("redis://:s3cret-pass@127.0.0.1:6379/1")).toBe("redis://:***@127.0.0.1:6379/1");
});

describe.skipIf(!hasRedisServer())("Redis trouble", () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => server?.close());

  it("a Redis that cannot be reached stops start-up with one line naming STATE_URL, without the password", async () => {
    const { logger } = recordingLogger();
    const closed = `redis://:s3cret-pass@127.0.0.1:${server.port + 1}`;
    const error = await connectStateStore(closed, logger).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StateError);
    expect((error as Error).message).toMatch(/^STATE_URL \(redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\): cannot reach Redis \(ECONNREFUSED\)$/);
  });

  it("a Redis that stops answering (connected but frozen) holds no lookup for longer than the command timeout", async () => {
    const { logger } = recordingLogger();
    const store = await RedisStateStore.open({ url: server.url, logger, prefix: "frozen:" });
    try {
      server.pause();
      // Each call is cut off by the 2 s command timeout; without it they would wait forever (and the test time out).
      expect(await store.watches().count()).toBe(0);
      expect(await store.claimOnce("event:frozen", 60_000)).toBe(true);
      expect((await store.health()).writeFailures).toBeGreaterThanOrEqual(2);
    } finally {
      server.resume();
      await store.close();
    }
  }, 20_000);

  it("while Redis is down: reads are empty, claims are decided here, the audit rejects; all resumes when it is back", async () => {
    const { logger, lines } = recordingLogger();
    const store = await RedisStateStore.open({ url: server.url, logger, prefix: "outage:" });
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => rejections.push(reason);
    process.on("unhandledRejection", onRejection);
    try {
      const watches = store.watches<{ surface: string }>();
      await watches.add(watchOf("a", "7"));
      expect(await store.claimOnce("event:before", 60_000)).toBe(true);

      await server.stop();
      await waitUntil(async () => !(await store.health()).ok, "the store to notice");
      expect(await watches.forHistory("41027", "7")).toEqual([]);
      expect(await watches.count()).toBe(0);
      await watches.add(watchOf("b", "8")); // dropped, no throw
      expect(await store.claimOnce("event:during", 60_000)).toBe(true);
      expect(await store.claimOnce("event:during", 60_000)).toBe(false);
      await expect(store.appendAudit({ actor: "U1", action: "x" })).rejects.toThrow();
      expect(lines.filter((l) => String(l.msg).startsWith("state: Redis is unreachable"))).toHaveLength(1);

      await server.start();
      await waitUntil(async () => (await store.health()).ok, "the store to reconnect", 15_000);
      // A fresh server (nothing persisted in this test): the store works on it again.
      await watches.add(watchOf("c", "9"));
      expect((await watches.forHistory("41027", "9")).map((w) => w.id)).toEqual(["c"]);
      expect(await store.claimOnce("event:after", 60_000)).toBe(true);
      expect(lines.some((l) => l.msg === "state: Redis is reachable again; live updates resume")).toBe(true);
      expect(rejections).toEqual([]);
    } finally {
      process.off("unhandledRejection", onRejection);
      await store.close();
    }
  });
});

/**
 * Limits every instance shares on Redis (rate-limiter-flexible): two instances together get what
 * one would, a 429 pauses both, and without Redis each goes on alone instead of stopping.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import { budgetWindows } from "../../src/state/limits.js";
import { RedisStateStore } from "../../src/state/redis.js";
import { hasRedisServer, type RedisServer, startRedisServer } from "../support/redis-server.js";
import { waitUntil } from "../support/wait.js";

describe("budgetWindows", () => {
  it("keeps every 60 s, wherever it starts, within the budget, and spends at least half of it", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 100_000 }), (perMinute) => {
        const { points, durationS } = budgetWindows(perMinute);
        // A sliding minute overlaps at most ceil(60 / d) + 1 fixed windows of d seconds.
        expect(points * (Math.ceil(60 / durationS) + 1)).toBeLessThanOrEqual(perMinute);
        // Steady state: 60 / d windows a minute.
        expect((points * 60) / durationS).toBeGreaterThanOrEqual(perMinute / 2);
      }),
    );
  });

  it("spreads 50 a minute as 3 every 4 s: 45 in a steady minute, at most 48 in any 60 s", () => {
    expect(budgetWindows(50)).toEqual({ points: 3, durationS: 4 });
  });

  it("never lets 1 a minute through more than once per minute window", () => {
    expect(budgetWindows(1)).toEqual({ points: 1, durationS: 60 });
  });
});

describe.skipIf(!hasRedisServer())("shared on Redis", () => {
  let server: RedisServer;
  let run = 0;
  const stores: RedisStateStore[] = [];
  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
    await server?.close();
  });
  const pair = async () => {
    const prefix = `limits-${++run}:`;
    const opened = await Promise.all([1, 2].map(() => RedisStateStore.open({ url: server.url, logger: silentLogger, prefix })));
    stores.push(...opened);
    return opened as [RedisStateStore, RedisStateStore];
  };

  it("UPSTREAM_MAX_RPS holds for two instances together", async () => {
    const [a, b] = await pair();
    const rates = [a.limits.upstreamRate(3), b.limits.upstreamRate(3)];
    const waits = await Promise.all(Array.from({ length: 8 }, (_, i) => rates[i % 2]!.take()));
    expect(waits.filter((w) => w === 0)).toHaveLength(3);
    expect(Math.min(...waits.filter((w) => w > 0))).toBeGreaterThan(0);
  });

  it("the Slack budget is one per workspace and method for both, and a 429 pauses both", async () => {
    const [a, b] = await pair();
    const budgets = [a.limits.slackBudget(2, "xoxb-one"), b.limits.slackBudget(2, "xoxb-one")];
    expect(await budgets[0]!.take("chat.update")).toBe(0);
    expect(await budgets[1]!.take("chat.update")).toBeGreaterThan(0);
    // Another method, or another workspace, has a budget of its own.
    expect(await budgets[1]!.take("chat.unfurl")).toBe(0);
    expect(await b.limits.slackBudget(2, "xoxb-two").take("chat.update")).toBe(0);

    await budgets[0]!.pause("chat.unfurl", 30_000);
    expect(await budgets[1]!.take("chat.unfurl")).toBeGreaterThan(20_000);
  });

  it("without Redis each instance keeps the limit on its own, at once", async () => {
    const [a] = await pair();
    const rate = a.limits.upstreamRate(2);
    await server.stop();
    try {
      await waitUntil(async () => !(await a.health()).ok, "the store to notice");
      const waits = await Promise.all(Array.from({ length: 4 }, () => rate.take()));
      expect(waits.filter((w) => w === 0)).toHaveLength(2);
    } finally {
      await server.start();
    }
  });
});

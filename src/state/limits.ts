/**
 * Cluster-wide limits on Redis, with rate-limiter-flexible (RateLimiterRedis: one atomic
 * INCR-with-expiry script per call), so that two instances together spend what one would:
 *
 * - `UPSTREAM_MAX_RPS`: every SourceDeploy call of every instance takes a point of one 1 s window;
 * - the Slack edit budget (`SLACK_UPDATES_PER_MINUTE`), per workspace and method: fixed windows
 *   sized so that no 60 s, wherever it starts, holds more than the budget (`budgetWindows`), and
 *   a 429's Retry-After blocks the method for every instance.
 *
 * Each instance keeps its in-process limiter too (fair turns between users and messages); these
 * are one more gate on top. When Redis cannot be reached, an in-memory limiter of the same size
 * stands in (rate-limiter-flexible's insuranceLimiter): each instance then keeps within the
 * budget on its own, and lookups never wait for Redis.
 */
import { createHash } from "node:crypto";
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";

/** One gate: how long to wait before a call (0 = go now, a point was taken). Never rejects. */
export interface SharedRate {
  take(): Promise<number>;
}

/** The Slack edit budget shared by every instance. Never rejects. */
export interface SharedBudget {
  /** Milliseconds until an edit with `method` may go; 0 = now (its point is taken). */
  take(method: string): Promise<number>;
  /** Slack answered 429: no instance calls `method` for `ms`. */
  pause(method: string, ms: number): Promise<void>;
}

/** A window of `durationS` seconds allowing `points` calls. */
export interface Window {
  points: number;
  durationS: number;
}

const MINUTE_S = 60;

/**
 * Fixed windows that keep every 60 s (sliding) within `perMinute`: a sliding minute overlaps at
 * most ceil(60 / d) + 1 windows of d seconds, so `points × (ceil(60 / d) + 1) ≤ perMinute`. Of the
 * whole-second windows that keep it, the one that lets the most through in a steady minute (50 a
 * minute → 3 every 4 s, 45 a minute), the shortest on a tie. With 1 a minute no fixed window can
 * promise it (2 may fall within one minute): one per minute.
 */
export function budgetWindows(perMinute: number): Window {
  let best: Window = { points: 1, durationS: MINUTE_S };
  let bestSteady = 0;
  for (let durationS = 1; durationS <= MINUTE_S; durationS++) {
    const points = Math.floor(perMinute / (Math.ceil(MINUTE_S / durationS) + 1));
    const steady = (points * MINUTE_S) / durationS;
    if (points >= 1 && steady > bestSteady) {
      best = { points, durationS };
      bestSteady = steady;
    }
  }
  return best;
}

function waitOf(outcome: unknown): number {
  return outcome instanceof RateLimiterRes ? Math.max(1, outcome.msBeforeNext) : 0;
}

function limiter(client: Redis, keyPrefix: string, { points, durationS }: Window): RateLimiterRedis {
  return new RateLimiterRedis({
    storeClient: client,
    keyPrefix,
    points,
    duration: durationS,
    // Not connected: decide in process at once instead of waiting for Redis.
    rejectIfRedisNotReady: true,
    insuranceLimiter: new RateLimiterMemory({ keyPrefix, points, duration: durationS }),
  });
}

/** UPSTREAM_MAX_RPS for all instances together. */
export function sharedUpstreamRate(client: Redis, prefix: string, perSecond: number): SharedRate {
  const gate = limiter(client, `${prefix}limit:upstream`, { points: perSecond, durationS: 1 });
  return {
    take: () =>
      gate.consume("all").then(
        () => 0,
        (outcome: unknown) => waitOf(outcome),
      ),
  };
}

/**
 * The Slack edit budget for all instances, per workspace (one bot token is one installation;
 * the key holds a digest of it, never the token) and method.
 */
export function sharedSlackBudget(client: Redis, prefix: string, perMinute: number, botToken: string): SharedBudget {
  const workspace = createHash("sha256").update(botToken).digest("hex").slice(0, 16);
  const gate = limiter(client, `${prefix}limit:slack:${workspace}`, budgetWindows(perMinute));
  return {
    take: (method) =>
      gate.consume(method).then(
        () => 0,
        (outcome: unknown) => waitOf(outcome),
      ),
    pause: async (method, ms) => {
      await gate.block(method, Math.max(1, Math.ceil(ms / 1000))).catch(() => undefined);
    },
  };
}

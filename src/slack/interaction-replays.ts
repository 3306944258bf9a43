/**
 * A signed Slack request stays valid for five minutes, so the same click sent again would run
 * again (three Share clicks, three channel posts). Every interaction is remembered by what makes
 * one click unique; a repeat is acked and ignored, as app.ts does for retried events.
 */
import { createHash } from "node:crypto";
import { LRUCache } from "lru-cache";
import type { Logger } from "../log.js";

/** Keys seen within a window. Async, so a shared or persistent store can replace the memory one. */
export interface SeenKeys {
  /** Remembers `key`; true the first time within the window, false for a repeat. Check and set are one step. */
  firstSeen(key: string): Promise<boolean>;
}

export interface MemorySeenKeysOptions {
  ttlMs: number;
  max: number;
  /** Milliseconds on any monotonic scale; performance.now() by default. */
  now?: () => number;
}

export function memorySeenKeys({ ttlMs, max, now }: MemorySeenKeysOptions): SeenKeys {
  const seen = new LRUCache<string, true>({ max, ttl: ttlMs, ttlResolution: 0, ...(now ? { perf: { now } } : {}) });
  return {
    async firstSeen(key) {
      if (seen.has(key)) return false;
      seen.set(key, true);
      return true;
    },
  };
}

/**
 * Twice Slack's five-minute signature window, as for events: Bolt measures a request's age on our
 * clock, so a clock behind Slack's accepts a replay for longer than five minutes after it was first seen.
 */
export const REPLAY_WINDOW_MS = 10 * 60 * 1000;
const REMEMBERED_INTERACTIONS = 10_000;

interface InteractionFields {
  type?: unknown;
  trigger_id?: unknown;
  team?: { id?: unknown } | null;
  user?: { id?: unknown };
  container?: { message_ts?: unknown; view_id?: unknown };
  actions?: unknown;
}

/**
 * What identifies one interaction: Slack gives every click its own trigger_id and action_ts, and a
 * replay repeats them. Hashed, so a key has one size whatever the payload holds. Undefined for what
 * is not an interaction (events, slash commands).
 */
export function interactionKey(body: unknown): string | undefined {
  const fields = interactionFields(body);
  if (!fields) return undefined;
  const actions = Array.isArray(fields.actions)
    ? fields.actions.map((a: { action_id?: unknown; action_ts?: unknown }) => [a?.action_id, a?.action_ts])
    : [];
  const { type, trigger_id, team, user, container } = fields;
  const identity = JSON.stringify([type, trigger_id, team?.id, user?.id, container?.message_ts ?? container?.view_id, actions]);
  return createHash("sha256").update(identity).digest("base64url");
}

function interactionFields(body: unknown): InteractionFields | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const fields = body as InteractionFields;
  return typeof fields.type === "string" && typeof fields.trigger_id === "string" ? fields : undefined;
}

/** Who did what, for the log line about an ignored replay (the trigger_id stays out: it opens modals). */
function describeInteraction(fields: InteractionFields): Record<string, unknown> {
  const actions = Array.isArray(fields.actions)
    ? fields.actions.map((a: { action_id?: unknown }) => String(a?.action_id).slice(0, 100))
    : [];
  return { type: fields.type, teamId: fields.team?.id, userId: fields.user?.id, actions };
}

interface MiddlewareArgs {
  body: unknown;
  ack?: () => Promise<void>;
  next: () => Promise<void>;
}

/** Bolt global middleware: a repeated interaction is acked (so Slack shows no error) and goes no further. */
export function dropReplayedInteractions(
  logger: Logger,
  seen: SeenKeys = memorySeenKeys({ ttlMs: REPLAY_WINDOW_MS, max: REMEMBERED_INTERACTIONS }),
) {
  return async ({ body, ack, next }: MiddlewareArgs): Promise<void> => {
    const key = interactionKey(body);
    if (key !== undefined && !(await seen.firstSeen(key))) {
      await ack?.();
      logger.info(describeInteraction(body as InteractionFields), "replayed interaction ignored");
      return;
    }
    await next();
  };
}

/**
 * What comes back from a database is checked like anything else from outside: a row written by
 * another version, or edited by hand, is skipped with a warning instead of breaking a loop.
 */
import { z } from "zod";
import type { Watch } from "../watch/types.js";
import type { Subscription } from "./types.js";

const location = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("message"), channel: z.string(), ts: z.string() }),
  z.object({ kind: z.literal("unfurl"), channel: z.string(), ts: z.string(), urls: z.array(z.string()) }),
  z.object({ kind: z.literal("response_url"), url: z.string(), expiresAt: z.number(), usesLeft: z.number().int() }),
]);

const watchSchema = z.object({
  id: z.string().min(1),
  projectId: z.string(),
  historyId: z.string(),
  location,
  requester: z.object({ userId: z.string(), channelId: z.string() }),
  createdAt: z.number(),
  hints: z.record(z.string(), z.unknown()),
  lastDigest: z.string().optional(),
  notBefore: z.number().optional(),
});

/** The watch a stored JSON body describes, or undefined when it is not one. */
export function parseWatch(json: string): Watch | undefined {
  try {
    const parsed = watchSchema.safeParse(JSON.parse(json));
    return parsed.success ? (parsed.data as Watch) : undefined;
  } catch {
    return undefined;
  }
}

const subscriptionSchema = z.object({
  channelId: z.string().min(1),
  projectId: z.string().min(1),
  projectName: z.string(),
  teamId: z.string(),
  stages: z.array(z.string()),
  failuresOnly: z.boolean(),
  createdBy: z.string(),
  createdAt: z.number(),
  since: z.string().optional(),
  externallyShared: z.boolean(),
  paused: z.object({ reason: z.string(), at: z.number() }).optional(),
});

/** The subscription a stored JSON body describes, or undefined when it is not one. */
export function parseSubscription(json: string): Subscription | undefined {
  try {
    const parsed = subscriptionSchema.safeParse(JSON.parse(json));
    return parsed.success ? (parsed.data as Subscription) : undefined;
  } catch {
    return undefined;
  }
}

export const AUDIT_DEFAULT_LIMIT = 50;
export const AUDIT_MAX_LIMIT = 1000;

export function auditLimit(limit: number | undefined): number {
  if (limit === undefined || !Number.isFinite(limit)) return AUDIT_DEFAULT_LIMIT;
  return Math.max(1, Math.min(AUDIT_MAX_LIMIT, Math.floor(limit)));
}

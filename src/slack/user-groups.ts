/**
 * Which of the access policy's Slack user groups a user belongs to. Members of each group come from
 * `usergroups.users.list` (scope `usergroups:read`), cached for a few minutes; concurrent lookups of
 * one group share one call (lru-cache's `fetch`).
 *
 * When a group cannot be read, the answer is `undefined` ("not known"), never an empty set: a
 * caller that treated it as "in no group" could fall through to a more permissive default. The
 * failure is cached briefly so a Slack outage is not asked about on every click.
 */
import { LRUCache } from "lru-cache";
import type { Logger } from "../log.js";

export interface UserGroupsOptions {
  /** The groups the policy names; no others are ever looked up. */
  groupIds: readonly string[];
  /** Members of one group (the Slack call). */
  listMembers(groupId: string): Promise<readonly string[]>;
  logger: Logger;
  /** How long members are trusted. Default 5 minutes. */
  ttlMs?: number;
  /** How long a failed lookup is remembered. Default 30 s. */
  failureTtlMs?: number;
  /** Monotonic clock in ms, for tests. */
  now?: () => number;
}

export interface UserGroups {
  /** The policy's groups the user is in, or undefined when some group could not be read. */
  groupsOf(userId: string): Promise<ReadonlySet<string> | undefined>;
}

const FAILED = Symbol("failed");
type Members = ReadonlySet<string> | typeof FAILED;

export function createUserGroups(options: UserGroupsOptions): UserGroups {
  const ttl = options.ttlMs ?? 5 * 60_000;
  const failureTtl = options.failureTtlMs ?? 30_000;
  const cache: LRUCache<string, Members> = new LRUCache<string, Members>({
    max: Math.max(1, options.groupIds.length),
    ttl,
    ...(options.now === undefined ? {} : { perf: { now: options.now }, ttlResolution: 0 }),
    fetchMethod: async (groupId, _stale, { options: entry }) => {
      try {
        return new Set(await options.listMembers(groupId));
      } catch (error) {
        options.logger.warn({ event: "slack.usergroup_lookup_failed", groupId, err: error }, "could not read a Slack user group");
        entry.ttl = failureTtl;
        return FAILED;
      }
    },
  });

  return {
    async groupsOf(userId) {
      const found = new Set<string>();
      for (const groupId of options.groupIds) {
        const members = await cache.fetch(groupId);
        if (members === undefined || members === FAILED) return undefined;
        if (members.has(userId)) found.add(groupId);
      }
      return found;
    },
  };
}

import { describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import { createUserGroups } from "../../src/slack/user-groups.js";

let clock = 1_000;
const advance = (ms: number) => {
  clock += ms;
};

function lookup(members: Record<string, string[] | Error>, ttl = { ttlMs: 60_000, failureTtlMs: 5_000 }) {
  const calls: string[] = [];
  const groups = createUserGroups({
    groupIds: Object.keys(members),
    listMembers: async (groupId) => {
      calls.push(groupId);
      const answer = members[groupId];
      if (answer instanceof Error) throw answer;
      return answer ?? [];
    },
    logger: silentLogger,
    now: () => clock,
    ...ttl,
  });
  return { groups, calls };
}

describe("user groups", () => {
  it("tells which of the policy's groups a user is in", async () => {
    const { groups } = lookup({ S0RELEASE: ["U0ALICE", "U0BOB"], S0ONCALL: ["U0BOB"] });
    expect([...((await groups.groupsOf("U0BOB")) ?? [])]).toEqual(["S0RELEASE", "S0ONCALL"]);
    expect([...((await groups.groupsOf("U0ALICE")) ?? [])]).toEqual(["S0RELEASE"]);
    expect([...((await groups.groupsOf("U0EVE")) ?? [])]).toEqual([]);
  });

  it("asks Slack once per group while the members are fresh, and shares a lookup in flight", async () => {
    const { groups, calls } = lookup({ S0RELEASE: ["U0ALICE"] });
    await Promise.all([groups.groupsOf("U0ALICE"), groups.groupsOf("U0BOB"), groups.groupsOf("U0CAROL")]);
    await groups.groupsOf("U0ALICE");
    expect(calls).toEqual(["S0RELEASE"]);
  });

  it("asks again once the members are stale", async () => {
    const { groups, calls } = lookup({ S0RELEASE: ["U0ALICE"] });
    await groups.groupsOf("U0ALICE");
    advance(61_000);
    await groups.groupsOf("U0ALICE");
    expect(calls).toEqual(["S0RELEASE", "S0RELEASE"]);
  });

  it("answers 'not known' (never 'in no group') when a group cannot be read, and retries after a short pause", async () => {
    const { groups, calls } = lookup({ S0RELEASE: ["U0ALICE"], S0BROKEN: new Error("ratelimited") });
    expect(await groups.groupsOf("U0ALICE")).toBeUndefined();
    expect(await groups.groupsOf("U0ALICE")).toBeUndefined();
    expect(calls.filter((g) => g === "S0BROKEN")).toHaveLength(1);
    advance(6_000);
    await groups.groupsOf("U0ALICE");
    expect(calls.filter((g) => g === "S0BROKEN")).toHaveLength(2);
  });
});

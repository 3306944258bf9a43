/** Deciding whether a click may become a write, making it once, and recording every attempt. */
import { describe, expect, it } from "vitest";
import { type AccessPolicy, parseAccessPolicy } from "../src/access/policy.js";
import { claimKeyOf, createWrites, holderInAudit, verbOf, type WriteDeps } from "../src/act.js";
import { silentLogger } from "../src/log.js";
import { SourceDeployError } from "../src/sourcedeploy/errors.js";
import type { History, HistoryAction, SourceDeployApi, SourceDeployWriteApi } from "../src/sourcedeploy/model.js";
import { parseHistory } from "../src/sourcedeploy/schemas.js";
import { MemoryStateStore } from "../src/state/memory.js";
import { readFixture } from "./support/fixtures.js";

const pending = parseHistory(readFixture("server-pending-approval.wrapped.json")); // 41027/904700, shop-api
const ref = { projectId: pending.project.id, historyId: pending.id };
const POLICY = parseAccessPolicy({
  rules: [
    { users: ["U0ALICE", "U0BOB"], projects: ["shop-*"], can: ["approve"] },
    { groups: ["S0OPS"], projects: [41027], can: ["cancel"] },
    { channels: ["C0DEPLOYS"], projects: [41027], can: ["approve", "cancel"] },
    { users: ["U0CAROL"], projects: [41100], can: ["approve"] },
  ],
});

function bed(options: { policy?: AccessPolicy; status?: string; act?: (action: HistoryAction) => Promise<void> } = {}) {
  let history: History = { ...pending, status: options.status ?? "pending" };
  const posts: string[] = [];
  const api = {
    description: "stub",
    getHistory: async () => history,
    listHistories: async () => [],
    listProjects: async () => [],
  } satisfies SourceDeployApi;
  const write: SourceDeployWriteApi = {
    act: async (action) => {
      posts.push(action);
      await options.act?.(action);
      history = { ...history, status: "inprogress" };
    },
    startDeploy: async () => ({ historyId: "1" }),
    listStages: async () => [],
    listScenarios: async () => [],
  };
  const state = new MemoryStateStore();
  const deps: WriteDeps = { policy: options.policy ?? POLICY, api, write, state, logger: silentLogger, now: () => 1_700_000_000_000 };
  return { writes: createWrites(deps), posts, state };
}

const alice = { teamId: "T0TEST", channelId: "C0DEPLOYS", userId: "U0ALICE", groupIds: new Set<string>() };

describe("verbs and claims", () => {
  it("asks the policy for approve on every decision, cancel for cancel", () => {
    expect((["approve", "reject", "promote", "abort"] as const).map(verbOf)).toEqual(["approve", "approve", "approve", "approve"]);
    expect(verbOf("cancel")).toBe("cancel");
  });

  it("gives an approve and a reject of one history one claim: they are one decision", () => {
    expect(claimKeyOf(ref, "approve")).toBe(claimKeyOf(ref, "reject"));
    expect(claimKeyOf(ref, "promote")).not.toBe(claimKeyOf(ref, "approve"));
    expect(claimKeyOf(ref, "cancel")).toBe("write:41027/904700:cancel");
  });
});

describe("perform", () => {
  it("sends an allowed decision once, and records who, where and how it ended", async () => {
    const { writes, posts, state } = bed();
    const result = await writes.perform({ asker: alice, ...ref, action: "approve" });
    expect(result).toMatchObject({ outcome: "done", history: { status: "inprogress" } });
    expect(posts).toEqual(["approve"]);
    const [row] = await state.listAudit();
    expect(row).toMatchObject({
      actor: "U0ALICE",
      action: "write.approve",
      subject: "41027/904700",
      detail: { team: "T0TEST", channel: "C0DEPLOYS", project: { id: "41027", name: "shop-api" }, verb: "approve", outcome: "done" },
    });
  });

  it("refuses a user no rule names, even in a channel whose rule grants the verb, and sends nothing", async () => {
    const { writes, posts, state } = bed();
    const result = await writes.perform({ asker: { ...alice, userId: "U0MALLORY" }, ...ref, action: "approve" });
    expect(result).toMatchObject({ outcome: "denied", denial: { reason: "not_granted", verb: "approve", elsewhere: false } });
    expect(posts).toEqual([]);
    expect((await state.listAudit())[0]).toMatchObject({ actor: "U0MALLORY", detail: { outcome: "denied", denial: "not_granted" } });
  });

  it("says when the verb is granted elsewhere, without naming where", async () => {
    const { writes } = bed();
    const result = await writes.perform({ asker: { ...alice, userId: "U0CAROL" }, ...ref, action: "approve" });
    expect(result.denial).toEqual({ reason: "not_granted", verb: "approve", elsewhere: true });
  });

  it("lets a group member cancel, and refuses when the groups are not known", async () => {
    const running = bed({ status: "inprogress" });
    const member = { ...alice, userId: "U0DAVE", groupIds: new Set(["S0OPS"]) };
    expect((await running.writes.perform({ asker: member, ...ref, action: "cancel" })).outcome).toBe("done");
    const unknown = bed({ status: "inprogress" });
    const result = await unknown.writes.perform({ asker: { ...member, groupIds: undefined }, ...ref, action: "cancel" });
    expect(result).toMatchObject({ outcome: "denied", denial: { reason: "groups_unknown" } });
    expect(unknown.posts).toEqual([]);
  });

  it("lets nobody write without a policy file", async () => {
    const { writes, posts } = bed({ policy: { defaultDecision: "allow", rules: [] } });
    expect((await writes.perform({ asker: alice, ...ref, action: "approve" })).outcome).toBe("denied");
    expect(posts).toEqual([]);
  });

  it("refuses what the history's status no longer allows, without sending", async () => {
    const { writes, posts } = bed({ status: "inprogress" });
    expect(await writes.perform({ asker: alice, ...ref, action: "approve" })).toMatchObject({ outcome: "not_now" });
    expect(posts).toEqual([]);
  });

  it("makes one POST of two concurrent clicks by two people; the second learns who and when", async () => {
    let release: () => void = () => undefined;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const { writes, posts } = bed({ act: () => slow });
    const first = writes.perform({ asker: alice, ...ref, action: "approve" });
    const second = await writes.perform({ asker: { ...alice, userId: "U0BOB" }, ...ref, action: "reject" });
    release();
    expect((await first).outcome).toBe("done");
    expect(second).toMatchObject({ outcome: "already", holder: { userId: "U0ALICE", at: 1_700_000_000_000 } });
    expect(posts).toEqual(["approve"]);
  });

  it("passes SourceDeploy's refusal and a lost answer on as they are, and never sends again", async () => {
    const refused = bed({
      act: () => Promise.reject(new SourceDeployError("refused", "x", { status: 409, upstream: { errorCode: "400" } })),
    });
    expect(await refused.writes.perform({ asker: alice, ...ref, action: "approve" })).toMatchObject({
      outcome: "refused",
      errorCode: "refused",
      upstreamErrorCode: "400",
    });
    const lost = bed({ act: () => Promise.reject(new SourceDeployError("unknown_outcome", "x")) });
    expect(await lost.writes.perform({ asker: alice, ...ref, action: "approve" })).toMatchObject({ outcome: "unknown_outcome" });
    expect(await lost.writes.perform({ asker: alice, ...ref, action: "approve" })).toMatchObject({ outcome: "already" });
    expect(lost.posts).toEqual(["approve"]);
  });

  it("finds the holder in the audit trail after a restart", () => {
    const entries = [
      { id: 2, at: 5, actor: "U0BOB", action: "write.approve", subject: "41027/904700", detail: { outcome: "denied" } },
      { id: 1, at: 4, actor: "U0ALICE", action: "write.reject", subject: "41027/904700", detail: { outcome: "done" } },
    ];
    expect(holderInAudit(entries, { asker: {}, ...ref, action: "approve" })).toEqual({ userId: "U0ALICE", at: 4 });
    expect(holderInAudit(entries, { asker: {}, ...ref, action: "cancel" })).toBeUndefined();
  });
});

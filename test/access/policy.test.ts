import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  AccessPolicyError,
  decide,
  decideInEveryChannel,
  grantedVerbs,
  isRestricted,
  isRestrictedInSomeChannel,
  isTeamAllowed,
  loadAccessPolicy,
  mayDo,
  namesGroups,
  OPEN_POLICY,
  parseAccessPolicy,
} from "../../src/access/policy.js";

const tempDirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "policy-"));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const policy = parseAccessPolicy({
  teams: ["T0123ABCD", "T0PARTNER"],
  default: "deny",
  rules: [
    { channels: ["C0DEPLOY"], users: ["U0ALICE"], projects: [41027, "shop-*"] },
    { users: ["U0BOB"], projects: ["catalog-svc"] },
    { channels: ["C0NOTHING"], projects: [] },
  ],
});

describe("access policy: decide", () => {
  it("allows a project a matching rule lists by id, from the channel or the user", () => {
    expect(decide(policy, { channelId: "C0DEPLOY", userId: "U0SOMEONE" }, { id: "41027" })).toBe("allow");
    expect(decide(policy, { channelId: "C0ELSEWHERE", userId: "U0ALICE" }, { id: "41027" })).toBe("allow");
  });

  it("matches names with * wildcards, case-insensitively, and asks for the name when only the id is known", () => {
    const alice = { userId: "U0ALICE" };
    expect(decide(policy, alice, { id: "5", name: "shop-web" })).toBe("allow");
    expect(decide(policy, alice, { id: "5", name: "SHOP-api" })).toBe("allow");
    expect(decide(policy, alice, { id: "5", name: "workshop-api" })).toBe("deny");
    expect(decide(policy, alice, { id: "5" })).toBe("need_name");
  });

  it("denies a project that the matching rules do not list, even when default would allow", () => {
    const open = parseAccessPolicy({ default: "allow", rules: [{ users: ["U0BOB"], projects: ["catalog-svc"] }] });
    expect(decide(open, { userId: "U0BOB" }, { id: "41027", name: "shop-api" })).toBe("deny");
    expect(decide(open, { userId: "U0CAROL" }, { id: "41027", name: "shop-api" })).toBe("allow");
  });

  it("uses the default when no rule matches the asker", () => {
    expect(decide(policy, { userId: "U0CAROL", channelId: "C0RANDOM" }, { id: "41027", name: "shop-api" })).toBe("deny");
    expect(decide(OPEN_POLICY, { userId: "U0CAROL" }, { id: "1" })).toBe("allow");
  });

  it("a rule with no projects denies everything to those it matches", () => {
    expect(decide(policy, { channelId: "C0NOTHING" }, { id: "41027", name: "shop-api" })).toBe("deny");
  });

  it("treats a regex metacharacter in a name pattern literally", () => {
    const p = parseAccessPolicy({ rules: [{ users: ["U0X"], projects: ["a.b*"] }] });
    expect(decide(p, { userId: "U0X" }, { id: "1", name: "a.b-1" })).toBe("allow");
    expect(decide(p, { userId: "U0X" }, { id: "1", name: "axb-1" })).toBe("deny");
  });

  it("knows which askers are restricted", () => {
    expect(isRestricted(OPEN_POLICY, { userId: "U0ANY" })).toBe(false);
    expect(isRestricted(policy, { userId: "U0CAROL" })).toBe(true);
    const open = parseAccessPolicy({ rules: [{ users: ["U0BOB"], projects: [1] }] });
    expect(isRestricted(open, { userId: "U0CAROL" })).toBe(false);
    expect(isRestricted(open, { userId: "U0BOB" })).toBe(true);
  });
});

describe("access policy: a composer preview, whose channel is not known yet (finding 8)", () => {
  const secretChannel = parseAccessPolicy({ default: "allow", rules: [{ channels: ["C0SECRET"], projects: [41100] }] });
  const mixed = parseAccessPolicy({
    default: "deny",
    rules: [
      { users: ["U0BOB"], projects: ["catalog-*"] },
      { channels: ["C0DEPLOY"], projects: [41027] },
    ],
  });

  it("finding 8: denies what a channel rule would deny in some channel, though no rule names the composer", () => {
    expect(decide(secretChannel, { channelId: "COMPOSER", userId: "U0ANY" }, { id: "41027" })).toBe("allow"); // the hole
    expect(decideInEveryChannel(secretChannel, { userId: "U0ANY" }, { id: "41027" })).toBe("deny");
    expect(decideInEveryChannel(secretChannel, { userId: "U0ANY" }, { id: "41100" })).toBe("allow");
  });

  it("finding 8: allows what a user rule lists (it holds in every channel), and nothing a channel rule alone allows", () => {
    expect(decideInEveryChannel(mixed, { userId: "U0BOB" }, { id: "41100", name: "catalog-svc" })).toBe("allow");
    expect(decideInEveryChannel(mixed, { userId: "U0BOB" }, { id: "41100" })).toBe("need_name");
    expect(decideInEveryChannel(mixed, { userId: "U0BOB" }, { id: "41027", name: "shop-api" })).toBe("deny");
    expect(decideInEveryChannel(mixed, { userId: "U0CAROL" }, { id: "41027", name: "shop-api" })).toBe("deny");
    expect(decideInEveryChannel(OPEN_POLICY, { userId: "U0CAROL" }, { id: "1" })).toBe("allow");
  });

  it("finding 8: asks for the name when a channel rule decides by name", () => {
    const byName = parseAccessPolicy({ rules: [{ channels: ["C0SECRET"], projects: ["shop-*"] }] });
    expect(decideInEveryChannel(byName, { userId: "U0ANY" }, { id: "5" })).toBe("need_name");
    expect(decideInEveryChannel(byName, { userId: "U0ANY" }, { id: "5", name: "shop-api" })).toBe("allow");
    expect(decideInEveryChannel(byName, { userId: "U0ANY" }, { id: "5", name: "catalog-svc" })).toBe("deny");
  });

  it("finding 8: allows only what the ordinary decision allows in every channel, named by a rule or not", () => {
    const channels = ["C0SECRET", "C0DEPLOY", "C0ELSEWHERE", undefined];
    const projects = [
      { id: "41027", name: "shop-api" },
      { id: "41100", name: "catalog-svc" },
      { id: "7", name: "other" },
    ];
    for (const p of [policy, secretChannel, mixed]) {
      for (const userId of ["U0ALICE", "U0BOB", "U0CAROL"]) {
        for (const project of projects) {
          const everywhere = channels.every((channelId) => decide(p, { channelId, userId }, project) === "allow");
          expect(decideInEveryChannel(p, { userId }, project) === "allow").toBe(everywhere);
        }
      }
    }
  });

  it("finding 8: counts an asker as restricted when a rule could restrict them in some channel", () => {
    expect(isRestrictedInSomeChannel(OPEN_POLICY, { userId: "U0ANY" })).toBe(false);
    expect(isRestrictedInSomeChannel(secretChannel, { userId: "U0ANY" })).toBe(true);
    expect(isRestricted(secretChannel, { userId: "U0ANY" })).toBe(false);
  });
});

describe("access policy: writes and subscriptions (mayDo), deny by default", () => {
  const writers = parseAccessPolicy({
    default: "allow",
    rules: [
      { users: ["U0ALICE"], projects: [41027], can: ["approve", "cancel"] },
      { groups: ["S0RELEASE"], projects: ["shop-*"], can: ["deploy"] },
      { channels: ["C0DEPLOY"], projects: [41027], can: ["approve", "deploy"] },
      { users: ["U0BOB"], projects: [41027] },
    ],
  });

  it("grants a verb to the user a rule names, on the projects it lists, and nothing else", () => {
    expect(mayDo(writers, { userId: "U0ALICE" }, { id: "41027" }, "approve")).toBe("allow");
    expect(mayDo(writers, { userId: "U0ALICE" }, { id: "41027" }, "cancel")).toBe("allow");
    expect(mayDo(writers, { userId: "U0ALICE" }, { id: "41027" }, "deploy")).toBe("deny");
    expect(mayDo(writers, { userId: "U0ALICE" }, { id: "41100" }, "approve")).toBe("deny");
  });

  it("grants through a Slack user group, deciding names when only the name can tell", () => {
    const member = { userId: "U0CAROL", groupIds: new Set(["S0RELEASE"]) };
    expect(mayDo(writers, member, { id: "41027" }, "deploy")).toBe("need_name");
    expect(mayDo(writers, member, { id: "41027", name: "shop-api" }, "deploy")).toBe("allow");
    expect(mayDo(writers, { userId: "U0CAROL", groupIds: new Set(["S0OTHER"]) }, { id: "41027", name: "shop-api" }, "deploy")).toBe("deny");
    expect(mayDo(writers, { userId: "U0CAROL" }, { id: "41027", name: "shop-api" }, "deploy")).toBe("deny");
  });

  it("never grants a write from a channel rule alone, nor from default: allow", () => {
    expect(mayDo(writers, { userId: "U0SOMEONE", channelId: "C0DEPLOY" }, { id: "41027" }, "approve")).toBe("deny");
    expect(decide(writers, { userId: "U0SOMEONE", channelId: "C0DEPLOY" }, { id: "41027" })).toBe("allow");
    expect(mayDo(writers, { userId: "U0BOB" }, { id: "41027" }, "approve")).toBe("deny");
  });

  it("lets nobody write without a policy file", () => {
    for (const verb of ["subscribe", "approve", "cancel", "deploy"] as const) {
      expect(mayDo(OPEN_POLICY, { userId: "U0ALICE", channelId: "C0DEPLOY" }, { id: "41027", name: "shop-api" }, verb)).toBe("deny");
    }
  });

  it("lets a group rule decide views too, and says when groups must be looked up", () => {
    const viewers = parseAccessPolicy({ default: "deny", rules: [{ groups: ["S0ONCALL"], projects: [41027] }] });
    expect(decide(viewers, { userId: "U0X", groupIds: new Set(["S0ONCALL"]) }, { id: "41027" })).toBe("allow");
    expect(decide(viewers, { userId: "U0X" }, { id: "41027" })).toBe("deny");
    expect(namesGroups(viewers)).toBe(true);
    expect(namesGroups(policy)).toBe(false);
  });

  it("tells which verbs a user has somewhere, so a refusal can say what is missing", () => {
    expect([...grantedVerbs(writers, { userId: "U0ALICE" })].sort()).toEqual(["approve", "cancel", "view"]);
    expect([...grantedVerbs(writers, { userId: "U0NOBODY", channelId: "C0DEPLOY" })]).toEqual([]);
  });
});

describe("access policy: teams", () => {
  it("without teams, only the installing workspace may ask", () => {
    expect(isTeamAllowed(OPEN_POLICY, "T0HOME", "T0HOME")).toBe(true);
    expect(isTeamAllowed(OPEN_POLICY, "T0HOME", "T0OTHER")).toBe(false);
    expect(isTeamAllowed(OPEN_POLICY, "T0HOME", undefined)).toBe(false);
  });

  it("with teams, exactly the listed workspaces may ask", () => {
    expect(isTeamAllowed(policy, "T0HOME", "T0PARTNER")).toBe(true);
    expect(isTeamAllowed(policy, "T0HOME", "T0HOME")).toBe(false);
  });
});

describe("access policy: validation", () => {
  it.each([
    [{ default: "maybe" }, /default: must be allow or deny/],
    [{ rules: [{ projects: [1] }] }, /rules\[0\]: a rule needs channels, users or groups/],
    [
      { rules: [{ users: ["U0A"], can: ["view", "merge"] }] },
      /rules\[0\]\.can\[1\]: must be one of view, subscribe, approve, cancel, deploy/,
    ],
    [{ rules: [{ groups: ["U0A"] }] }, /rules\[0\]\.groups\[0\]: must be a Slack user group id/],
    [{ rules: [{ users: ["alice"], projects: [1] }] }, /rules\[0\]\.users\[0\]: must be a Slack user id/],
    [{ teams: [] }, /teams: list at least one workspace/],
    [{ rule: [] }, /Unrecognized key/i],
    [{ rules: [{ users: ["U0A"], projects: [""] }] }, /rules\[0\]\.projects\[0\]/],
    [[1, 2], /\(file\)/],
  ])("rejects %j with a message naming the path", (document, expected) => {
    expect(() => parseAccessPolicy(document)).toThrow(AccessPolicyError);
    expect(() => parseAccessPolicy(document)).toThrow(expected);
  });

  // An operator who names a policy file means to restrict; a file that holds no policy must not open everything.
  it.each([null, undefined, {}])("finding 1: refuses a document that holds no policy (%j)", (document) => {
    expect(() => parseAccessPolicy(document)).toThrow(AccessPolicyError);
    expect(() => parseAccessPolicy(document)).toThrow(/ACCESS_POLICY holds no policy/);
  });

  it.each([
    ["empty", ""],
    ["blank", "  \n\n"],
    ["comments-only", "# default: deny\n# rules: []\n"],
    ["null", "null\n"],
    ["a bare document marker", "---\n"],
    ["an empty mapping", "{}\n"],
  ])("finding 1: an ACCESS_POLICY file that is %s stops start-up, naming the file", async (_, text) => {
    const path = join(tempDir(), "empty.yml");
    writeFileSync(path, text);
    await expect(loadAccessPolicy(path)).rejects.toThrow(AccessPolicyError);
    await expect(loadAccessPolicy(path)).rejects.toThrow(`ACCESS_POLICY ${path} holds no policy`);
  });

  it("reads YAML and JSON files, and explains unreadable or invalid ones", async () => {
    const dir = tempDir();
    const yaml = join(dir, "policy.yml");
    writeFileSync(yaml, 'teams: [T0123ABCD]\ndefault: deny\nrules:\n  - channels: [C0DEPLOY]\n    projects: [41027, "shop-*"]\n');
    expect(decide(await loadAccessPolicy(yaml), { channelId: "C0DEPLOY" }, { id: "41027" })).toBe("allow");
    const json = join(dir, "policy.json");
    writeFileSync(json, JSON.stringify({ default: "deny" }));
    expect((await loadAccessPolicy(json)).defaultDecision).toBe("deny");
    const broken = join(dir, "broken.yml");
    writeFileSync(broken, "rules: [\n");
    await expect(loadAccessPolicy(broken)).rejects.toThrow(/not valid YAML or JSON/);
    await expect(loadAccessPolicy(join(dir, "missing.yml"))).rejects.toThrow(/cannot read .*missing\.yml \(ENOENT\)/);
  });
});

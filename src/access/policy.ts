/**
 * Who may look up which project (ACCESS_POLICY). `loadAccessPolicy` reads the file once at start-up
 * (the only I/O here); parsing, validating (`parseAccessPolicy`) and answering each lookup (`decide`,
 * `isTeamAllowed`, `isRestricted`, and `decideInEveryChannel` when the channel is not known yet) are
 * pure functions of the document and the parsed policy.
 *
 *   teams: [T0123ABCD]        # workspaces allowed to ask; absent = the installing workspace only
 *   default: allow            # allow | deny — when no rule matches the asker (viewing only)
 *   rules:                    # a rule matches when the channel, the user or one of the user's groups is listed
 *     - channels: [C0DEPLOY]
 *       users: [U0ALICE]
 *       groups: [S0RELEASE]   # Slack user groups (resolved by the Slack layer)
 *       projects: [41027, "shop-*"]   # ids, or names with * wildcards (case-insensitive)
 *       can: [view, approve]  # view (the default), subscribe, approve, cancel, deploy
 *
 * A lookup of project P is allowed when a rule that matches the asker lists P, or when no rule
 * matches the asker and `default` is `allow`; a matching rule that does not list P denies. Every
 * verb implies view.
 *
 * Anything else (`mayDo`) is deny by default: it needs a rule that matches the user by id or group
 * (a channel alone never grants it, since anyone in the channel could click), lists P and grants
 * the verb. Without a policy file nobody may.
 */
import { readFileSync, statSync } from "node:fs";
import { z } from "zod";
import { formatPath } from "../validation-path.js";
import { compileGlob, type NamePattern } from "./glob.js";

/** Which channels an access answer covers: the asker's own, or every channel (a composer preview). */
export type AccessScope = "asker's channel" | "every channel";

export interface Asker {
  teamId?: string;
  channelId?: string;
  userId?: string;
  /** The user's Slack user groups, when the policy names any (the Slack layer looks them up). */
  groupIds?: ReadonlySet<string>;
}

/** What a rule may grant. `view` is every rule's; the others are writes or standing subscriptions. */
export const VERBS = ["view", "subscribe", "approve", "cancel", "deploy"] as const;
export type Verb = (typeof VERBS)[number];

/** `need_name`: the rules that match the asker list project names, and only the id is known yet. */
export type Decision = "allow" | "deny" | "need_name";

interface Rule {
  channels: ReadonlySet<string>;
  users: ReadonlySet<string>;
  groups: ReadonlySet<string>;
  projectIds: ReadonlySet<string>;
  namePatterns: readonly NamePattern[];
  can: ReadonlySet<Verb>;
}

export interface AccessPolicy {
  /** Workspaces allowed to ask; undefined = the installing workspace only. */
  teams?: ReadonlySet<string>;
  defaultDecision: "allow" | "deny";
  rules: readonly Rule[];
}

/** Without a policy file: everyone in the installing workspace sees everything. */
export const OPEN_POLICY: AccessPolicy = { defaultDecision: "allow", rules: [] };

const MAX_POLICY_BYTES = 1024 * 1024;
const slackId = (prefix: string, what: string) =>
  z
    .string()
    .trim()
    .regex(new RegExp(`^[${prefix}][A-Z0-9]{2,30}$`), `must be a Slack ${what} id like ${prefix[0]}0123ABCD`);

const projectEntry = z.union([
  z.number().int().nonnegative().transform(String),
  z.string().trim().min(1, "must not be empty").max(200, "must be at most 200 characters"),
]);

const ruleSchema = z
  .object({
    channels: z.array(slackId("CGD", "channel")).default([]),
    users: z.array(slackId("UW", "user")).default([]),
    groups: z.array(slackId("S", "user group")).default([]),
    projects: z.array(projectEntry).default([]),
    can: z.array(z.enum(VERBS, { error: `must be one of ${VERBS.join(", ")}` })).default(["view"]),
  })
  .strict()
  .refine((rule) => rule.channels.length + rule.users.length + rule.groups.length > 0, "a rule needs channels, users or groups to match");

const policySchema = z
  .object({
    teams: z.array(slackId("TE", "workspace")).min(1, "list at least one workspace, or leave teams out").optional(),
    default: z.enum(["allow", "deny"], { error: "must be allow or deny" }).default("allow"),
    rules: z.array(ruleSchema).default([]),
  })
  .strict();

export class AccessPolicyError extends Error {
  override readonly name = "AccessPolicyError";
}

function compileRule(rule: z.infer<typeof ruleSchema>): Rule {
  const ids = rule.projects.filter((p) => /^\d{1,20}$/.test(p));
  const names = rule.projects.filter((p) => !/^\d{1,20}$/.test(p));
  return {
    channels: new Set(rule.channels),
    users: new Set(rule.users),
    groups: new Set(rule.groups),
    projectIds: new Set(ids),
    namePatterns: names.map(compileGlob),
    can: new Set<Verb>(["view", ...rule.can]),
  };
}

/**
 * An empty file, one of only comments, `null`, a bare `---` or `{}`: an operator who names a policy
 * file means to restrict, so a file that holds no policy stops start-up instead of allowing everything.
 */
function holdsNoPolicy(document: unknown): boolean {
  if (document === null || document === undefined) return true;
  return typeof document === "object" && !Array.isArray(document) && Object.keys(document).length === 0;
}

function noPolicyMessage(path?: string): string {
  const file = path === undefined ? "ACCESS_POLICY" : `ACCESS_POLICY ${path}`;
  return (
    `${file} holds no policy (the file is empty, only comments, null, --- or {}). ` +
    "Write the policy (e.g. `default: deny` and rules), or unset ACCESS_POLICY to let the installing workspace see everything."
  );
}

/** Validates a parsed policy document; problems name the path, e.g. `rules[0].users[1]`. */
export function parseAccessPolicy(document: unknown): AccessPolicy {
  if (holdsNoPolicy(document)) throw new AccessPolicyError(noPolicyMessage());
  const parsed = policySchema.safeParse(document);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `  - ${formatPath(issue.path) || "(file)"}: ${issue.message}`);
    throw new AccessPolicyError(["ACCESS_POLICY is invalid:", ...problems].join("\n"));
  }
  const { teams, rules } = parsed.data;
  return { teams: teams ? new Set(teams) : undefined, defaultDecision: parsed.data.default, rules: rules.map(compileRule) };
}

/** Reads a YAML or JSON policy file (YAML is a superset of JSON); the parser loads only when needed. */
export async function loadAccessPolicy(path: string): Promise<AccessPolicy> {
  let text: string;
  try {
    if (statSync(path).size > MAX_POLICY_BYTES) throw new AccessPolicyError(`ACCESS_POLICY ${path} is larger than 1 MB`);
    text = readFileSync(path, "utf8");
  } catch (error) {
    if (error instanceof AccessPolicyError) throw error;
    throw new AccessPolicyError(`ACCESS_POLICY: cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? "read error"})`);
  }
  const { parse: parseYaml } = await import("yaml");
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new AccessPolicyError(`ACCESS_POLICY: ${path} is not valid YAML or JSON (${(error as Error).message.split("\n")[0]})`);
  }
  if (holdsNoPolicy(document)) throw new AccessPolicyError(noPolicyMessage(path));
  return parseAccessPolicy(document);
}

export function isTeamAllowed(policy: AccessPolicy, installingTeam: string | undefined, teamId: string | undefined): boolean {
  if (teamId === undefined) return false;
  return policy.teams ? policy.teams.has(teamId) : teamId === installingTeam;
}

/** The rule names the user: by id, or by one of the user's groups. */
function namesUser(rule: Rule, asker: Asker): boolean {
  if (asker.userId !== undefined && rule.users.has(asker.userId)) return true;
  if (asker.groupIds === undefined || rule.groups.size === 0) return false;
  for (const group of asker.groupIds) if (rule.groups.has(group)) return true;
  return false;
}

function matchingRules(policy: AccessPolicy, asker: Asker): Rule[] {
  return policy.rules.filter((rule) => (asker.channelId !== undefined && rule.channels.has(asker.channelId)) || namesUser(rule, asker));
}

/** Whether some rule names user groups: only then must the Slack layer look up the asker's groups. */
export function namesGroups(policy: AccessPolicy): boolean {
  return policy.rules.some((rule) => rule.groups.size > 0);
}

/** True when some projects may be refused to this asker (so "not found" must not be told apart). */
export function isRestricted(policy: AccessPolicy, asker: Asker): boolean {
  return matchingRules(policy, asker).length > 0 || policy.defaultDecision === "deny";
}

/** Whether one of `rules` lists the project (`need_name` when only a name could tell). */
function listsProject(rules: readonly Rule[], project: { id: string; name?: string }): Decision {
  if (rules.some((rule) => rule.projectIds.has(project.id))) return "allow";
  const patterns = rules.flatMap((rule) => rule.namePatterns);
  if (patterns.length === 0) return "deny";
  if (project.name === undefined) return "need_name";
  return patterns.some((pattern) => pattern.test(project.name!)) ? "allow" : "deny";
}

export function decide(policy: AccessPolicy, asker: Asker, project: { id: string; name?: string }): Decision {
  const rules = matchingRules(policy, asker);
  if (rules.length === 0) return policy.defaultDecision;
  return listsProject(rules, project);
}

/**
 * Whether the asker may `verb` the project: a rule must name the user (id or group), list the
 * project and grant the verb. `default` never applies and channels never count. For `view` use
 * `decide`, which also honours channels and the default.
 */
export function mayDo(policy: AccessPolicy, asker: Asker, project: { id: string; name?: string }, verb: Exclude<Verb, "view">): Decision {
  const rules = policy.rules.filter((rule) => rule.can.has(verb) && namesUser(rule, asker));
  return rules.length === 0 ? "deny" : listsProject(rules, project);
}

/** The verbs some rule grants this user on some project: what a refusal may say is missing without naming projects. */
export function grantedVerbs(policy: AccessPolicy, asker: Asker): ReadonlySet<Verb> {
  return new Set(policy.rules.filter((rule) => namesUser(rule, asker)).flatMap((rule) => [...rule.can]));
}

// ---- an asker whose channel is not known yet (a composer preview) -------------------------------

const STRICTNESS: Record<Decision, number> = { allow: 0, need_name: 1, deny: 2 };

const channelIndexes = new WeakMap<AccessPolicy, ReadonlyMap<string, readonly Rule[]>>();

/** Each channel some rule names, with the rules that name it (built once per policy). */
function rulesByChannel(policy: AccessPolicy): ReadonlyMap<string, readonly Rule[]> {
  let index = channelIndexes.get(policy);
  if (!index) {
    const byChannel = new Map<string, Rule[]>();
    for (const rule of policy.rules) {
      for (const channel of rule.channels) {
        const rules = byChannel.get(channel);
        if (rules) rules.push(rule);
        else byChannel.set(channel, [rule]);
      }
    }
    index = byChannel;
    channelIndexes.set(policy, index);
  }
  return index;
}

/**
 * What `decide` answers in every channel at once, for an asker whose message may still land in any
 * channel (a composer preview; Slack sends the channel `COMPOSER`): the strictest of its answers in
 * a channel no rule names and in each channel a rule names. Only these channels need asking: every
 * other channel is decided like the one no rule names.
 */
export function decideInEveryChannel(
  policy: AccessPolicy,
  asker: Omit<Asker, "channelId">,
  project: { id: string; name?: string },
): Decision {
  const { userId, groupIds } = asker;
  const userRules = policy.rules.filter((rule) => namesUser(rule, asker));
  let strictest = decide({ ...policy, rules: userRules }, { userId, groupIds }, project);
  for (const [channelId, channelRules] of rulesByChannel(policy)) {
    if (strictest === "deny") break;
    const decision = decide({ ...policy, rules: [...userRules, ...channelRules] }, { userId, groupIds, channelId }, project);
    if (STRICTNESS[decision] > STRICTNESS[strictest]) strictest = decision;
  }
  return strictest;
}

/** `isRestricted` in some channel: a rule names the user or any channel, or the default denies. */
export function isRestrictedInSomeChannel(policy: AccessPolicy, asker: Omit<Asker, "channelId">): boolean {
  return isRestricted(policy, { userId: asker.userId, groupIds: asker.groupIds }) || policy.rules.some((rule) => rule.channels.size > 0);
}

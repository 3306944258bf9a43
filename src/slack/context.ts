/** What every listener needs, built once at start-up. */

import { mayPostIn, type PostTarget } from "../access/external.js";
import {
  type AccessPolicy,
  type AccessScope,
  type Asker,
  decide,
  decideInEveryChannel,
  isRestricted,
  isRestrictedInSomeChannel,
  isTeamAllowed,
  namesGroups,
} from "../access/policy.js";
import { createWrites, type Writes } from "../act.js";
import type { AnswerContext, ProjectAccess } from "../answer.js";
import type { Config } from "../config.js";
import type { LinkOptions } from "../links.js";
import type { Logger } from "../log.js";
import type { RenderOptions } from "../render/index.js";
import type { SourceDeployApi, SourceDeployWriteApi } from "../sourcedeploy/model.js";
import { onBehalfOf } from "../sourcedeploy/rate-limit.js";
import { MemoryStateStore } from "../state/memory.js";
import type { StateStore } from "../state/types.js";
import { createLiveUpdates, type LiveUpdates } from "./live.js";
import { createSubscriptions, type Subscriptions } from "./subscriptions.js";
import { createUserGroups } from "./user-groups.js";

export interface ListenerContext {
  /** The app's own SourceDeploy; a user's lookups go through `answer(access).api`, charged to them. */
  api: SourceDeployApi;
  logger: Logger;
  linkOptions: LinkOptions;
  live: LiveUpdates;
  /** Channel subscriptions: their commands, App Home and the poll loops that post them. */
  subscriptions: Subscriptions;
  /** Whether deployment data may be posted there (externally shared channels: UNFURL_EXTERNAL_CHANNELS); every post asks. */
  mayPostIn(target: PostTarget): boolean;
  /** Render options with "now" taken at call time. */
  render(extra?: Partial<RenderOptions>): RenderOptions;
  /**
   * The asker's view of the access policy, or undefined when their workspace may not ask at all.
   * `every channel`: the message may still land in any channel (a composer preview), so only what
   * the asker may see in every channel is allowed.
   */
  access(asker: Asker, scope?: AccessScope): Promise<ProjectAccess | undefined>;
  answer(access: ProjectAccess, extra?: Partial<RenderOptions>): AnswerContext;
  /** Acting on deployments (issue 14); absent with demo data, which cannot be changed. */
  act?: ActContext;
}

/** What the write buttons, the deploy modal and the audit command need. */
export interface ActContext {
  policy: AccessPolicy;
  writes: Writes;
  write: SourceDeployWriteApi;
  state: StateStore;
  /** The asker with their Slack user groups when the policy names groups (`groupIds` undefined: not known). */
  withGroups(asker: Asker): Promise<Asker>;
}

export type { AccessScope };

export interface ContextOptions {
  config: Config;
  api: SourceDeployApi;
  demo: boolean;
  policy: AccessPolicy;
  /** The workspace the bot is installed in (auth.test, which runs while the app starts listening). */
  installingTeam: Promise<string | undefined>;
  logger: Logger;
  /** Where followed messages are kept; in memory when absent (tests). */
  state?: StateStore;
  /** Writes to SourceDeploy; absent with demo data. */
  write?: SourceDeployWriteApi;
  /** Members of a Slack user group (usergroups.users.list); needed when the policy names groups. */
  listGroupMembers?: (groupId: string) => Promise<readonly string[]>;
}

export function createListenerContext(options: ContextOptions): ListenerContext {
  const { config, api, demo, policy, installingTeam, logger } = options;
  const state = options.state ?? new MemoryStateStore();
  const withGroups = groupLookup(options);
  // Buttons show for everyone, so only when some rule could let someone use them (decided once).
  const writeButtons = options.write !== undefined && grantsWrites(policy);
  const linkOptions: LinkOptions = { apiBaseUrl: config.sourceDeploy.apiUrl, extraPatterns: config.historyLinkPatterns };
  // Slack shows a running deployment's elapsed time as a live "{ago}" token, so a message stays
  // right as time passes and an unchanged deployment renders identically (no needless edits).
  const render = (extra: Partial<RenderOptions> = {}): RenderOptions => ({
    locale: config.locale,
    timeZone: config.timeZone,
    consoleUrlTemplate: config.sourceDeploy.consoleUrlTemplate,
    demo,
    relativeElapsed: true,
    now: new Date(),
    ...(writeButtons ? { writeButtons } : {}),
    ...extra,
  });
  const access = async (plainAsker: Asker, scope: AccessScope = "asker's channel"): Promise<ProjectAccess | undefined> => {
    const home = await installingTeam.catch(() => undefined);
    if (!isTeamAllowed(policy, home, plainAsker.teamId)) {
      logger.warn({ asker: plainAsker }, "request from a workspace that may not use this app refused");
      return undefined;
    }
    const asker = await withGroups(plainAsker);
    if (namesGroups(policy) && asker.groupIds === undefined) {
      // Not known is not "in no group": the default or a channel rule could grant more than a group rule.
      logger.warn({ asker: plainAsker }, "access denied: the asker's Slack user groups are not known");
      return { asker, decide: () => "deny", restricted: true };
    }
    if (scope === "every channel") {
      return {
        asker,
        decide: (project) => decideInEveryChannel(policy, asker, project),
        restricted: isRestrictedInSomeChannel(policy, asker),
      };
    }
    return { asker, decide: (project) => decide(policy, asker, project), restricted: isRestricted(policy, asker) };
  };
  const live = createLiveUpdates(config, api, render, logger, state);
  const act: ActContext | undefined =
    options.write === undefined
      ? undefined
      : {
          policy,
          write: options.write,
          state,
          withGroups,
          writes: createWrites({ policy, api, write: options.write, state, logger }),
        };
  const core = {
    ...(act ? { act } : {}),
    api,
    logger,
    linkOptions,
    live,
    mayPostIn: (target: PostTarget) => mayPostIn(target, config.unfurlExternalChannels),
    render,
    access,
    // Every lookup for an asker is charged to their share of SourceDeploy (UPSTREAM_MAX_PER_USER_PER_MINUTE).
    answer: (projectAccess: ProjectAccess, extra?: Partial<RenderOptions>): AnswerContext => ({
      api: onBehalfOf(api, callerKey(projectAccess.asker)),
      logger,
      render: render(extra),
      access: projectAccess,
      askMaxPages: config.ask.maxPages,
    }),
  };
  return { ...core, subscriptions: createSubscriptions({ config, api, state, logger, ctx: core }) };
}

/** Whose share of SourceDeploy a lookup uses: one user of one workspace. */
export function callerKey(asker: Asker): string {
  return `${asker.teamId ?? "-"}/${asker.userId ?? "-"}`;
}

/** Whether any rule grants a verb a button stands for. */
function grantsWrites(policy: AccessPolicy): boolean {
  return policy.rules.some((rule) => rule.can.has("approve") || rule.can.has("cancel"));
}

/** Adds the asker's groups (looked up only when the policy names groups; undefined when Slack could not say). */
function groupLookup({ policy, listGroupMembers, logger }: ContextOptions): (asker: Asker) => Promise<Asker> {
  if (!namesGroups(policy)) return async (asker) => asker;
  const groupIds = [...new Set(policy.rules.flatMap((rule) => [...rule.groups]))];
  const groups = createUserGroups({
    groupIds,
    listMembers: listGroupMembers ?? (() => Promise.reject(new Error("no Slack client to read user groups"))),
    logger,
  });
  return async (asker) => {
    const { groupIds: _known, ...rest } = asker;
    return asker.userId === undefined ? rest : { ...rest, groupIds: await groups.groupsOf(asker.userId) };
  };
}

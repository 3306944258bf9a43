/** What every listener needs, built once at start-up. */

import { mayPostIn, type PostTarget } from "../access/external.js";
import {
  type AccessPolicy,
  type Asker,
  decide,
  decideInEveryChannel,
  isRestricted,
  isRestrictedInSomeChannel,
  isTeamAllowed,
} from "../access/policy.js";
import type { AnswerContext, ProjectAccess } from "../answer.js";
import type { Config } from "../config.js";
import type { LinkOptions } from "../links.js";
import type { Logger } from "../log.js";
import type { RenderOptions } from "../render/index.js";
import type { SourceDeployApi } from "../sourcedeploy/model.js";
import { onBehalfOf } from "../sourcedeploy/rate-limit.js";
import { MemoryStateStore } from "../state/memory.js";
import type { StateStore } from "../state/types.js";
import { createLiveUpdates, type LiveUpdates } from "./live.js";
import { createSubscriptions, type Subscriptions } from "./subscriptions.js";

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
}

export type AccessScope = "asker's channel" | "every channel";

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
}

export function createListenerContext({
  config,
  api,
  demo,
  policy,
  installingTeam,
  logger,
  state = new MemoryStateStore(),
}: ContextOptions): ListenerContext {
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
    ...extra,
  });
  const access = async (asker: Asker, scope: AccessScope = "asker's channel"): Promise<ProjectAccess | undefined> => {
    const home = await installingTeam.catch(() => undefined);
    if (!isTeamAllowed(policy, home, asker.teamId)) {
      logger.warn({ asker }, "request from a workspace that may not use this app refused");
      return undefined;
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
  const core = {
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

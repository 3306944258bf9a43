/** What every listener needs, built once at start-up. */
import type { AnswerContext } from "../answer.js";
import type { Config } from "../config.js";
import type { LinkOptions } from "../links.js";
import type { Logger } from "../log.js";
import type { RenderOptions } from "../render/index.js";
import type { SourceDeployApi } from "../sourcedeploy/model.js";
import { createLiveUpdates, type LiveUpdates } from "./live.js";

export interface ListenerContext {
  api: SourceDeployApi;
  logger: Logger;
  linkOptions: LinkOptions;
  live: LiveUpdates;
  /** Render options with "now" taken at call time. */
  render(extra?: Partial<RenderOptions>): RenderOptions;
  answer(extra?: Partial<RenderOptions>): AnswerContext;
}

export function createListenerContext(config: Config, api: SourceDeployApi, demo: boolean, logger: Logger): ListenerContext {
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
  const live = createLiveUpdates(config, api, render, logger);
  return { api, logger, linkOptions, live, render, answer: (extra) => ({ api, logger, render: render(extra) }) };
}

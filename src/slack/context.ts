/** What every listener needs, built once at start-up. */
import type { AnswerContext } from "../answer.js";
import type { Config } from "../config.js";
import type { LinkOptions } from "../links.js";
import type { Logger } from "../log.js";
import type { RenderOptions } from "../render/index.js";
import type { SourceDeployApi } from "../sourcedeploy/model.js";

export interface ListenerContext {
  api: SourceDeployApi;
  logger: Logger;
  linkOptions: LinkOptions;
  /** Render options with "now" taken at call time. */
  render(extra?: Partial<RenderOptions>): RenderOptions;
  answer(extra?: Partial<RenderOptions>): AnswerContext;
}

export function createListenerContext(config: Config, api: SourceDeployApi, demo: boolean, logger: Logger): ListenerContext {
  const linkOptions: LinkOptions = { apiBaseUrl: config.sourceDeploy.apiUrl, extraPatterns: config.historyLinkPatterns };
  const render = (extra: Partial<RenderOptions> = {}): RenderOptions => ({
    locale: config.locale,
    timeZone: config.timeZone,
    consoleUrlTemplate: config.sourceDeploy.consoleUrlTemplate,
    demo,
    now: new Date(),
    ...extra,
  });
  return { api, logger, linkOptions, render, answer: (extra) => ({ api, logger, render: render(extra) }) };
}

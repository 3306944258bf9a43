/**
 * Every listener the app registers, by kind (commands, events, actions), as in Bolt's starter
 * templates. Each handler comes from a factory over the ListenerContext, so tests call it directly.
 * views/ holds the one modal that submits (starting a deployment); the all-targets modal submits
 * nothing, its paging buttons are actions.
 */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { ACTION_IDS, DEPLOY_MODAL_CALLBACK_ID } from "../../render/index.js";
import type { ListenerContext } from "../context.js";
import {
  type ButtonHandler,
  compareButton,
  detailsButton,
  openConsoleButton,
  projectHistoriesButton,
  refreshButton,
  shareButton,
  showTargetsButton,
  targetsPageButton,
} from "./actions/buttons.js";
import { unsubscribeButton } from "./actions/subscriptions.js";
import { writeButton } from "./actions/write.js";
import { COMMAND_NAME, deployHistoryCommand } from "./commands/deploy-history.js";
import { appHomeOpened } from "./events/app-home.js";
import { appMention } from "./events/app-mention.js";
import { linkShared } from "./events/link-shared.js";
import { respondThroughResponseUrl } from "./respond.js";
import { deploySubmission } from "./views/deploy.js";

export function registerListeners(app: App, ctx: ListenerContext): void {
  app.command(COMMAND_NAME, respondThroughResponseUrl<AllMiddlewareArgs & SlackCommandMiddlewareArgs>(deployHistoryCommand(ctx)));

  app.event("link_shared", linkShared(ctx));
  app.event("app_mention", appMention(ctx));
  app.event("app_home_opened", appHomeOpened(ctx));

  const onButton = (actionId: string | RegExp, handler: ButtonHandler) =>
    app.action<BlockAction<ButtonAction>>({ action_id: actionId, type: "block_actions" }, respondThroughResponseUrl(handler));
  onButton(ACTION_IDS.refresh, refreshButton(ctx));
  onButton(ACTION_IDS.share, shareButton(ctx));
  onButton(ACTION_IDS.details, detailsButton(ctx));
  onButton(ACTION_IDS.compare, compareButton(ctx));
  onButton(ACTION_IDS.projectHistories, projectHistoriesButton(ctx));
  onButton(ACTION_IDS.showTargets, showTargetsButton(ctx));
  const turnPage = targetsPageButton(ctx);
  onButton(ACTION_IDS.targetsNext, turnPage);
  onButton(ACTION_IDS.targetsPrevious, turnPage);
  app.action(ACTION_IDS.openConsole, openConsoleButton);
  onButton(ACTION_IDS.unsubscribe, unsubscribeButton(ctx));
  onButton(ACTION_IDS.write, writeButton(ctx));
  app.view(DEPLOY_MODAL_CALLBACK_ID, deploySubmission(ctx));
}

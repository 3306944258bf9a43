/**
 * App Home (`app_home_opened`, Home tab): the workspace's subscriptions the user may see, and the
 * latest deployments of those projects as the poller last saw them (no SourceDeploy call).
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import type { ListenerContext } from "../../context.js";
import { sendSafely } from "../../safely.js";

export type AppHomeArgs = AllMiddlewareArgs & SlackEventMiddlewareArgs<"app_home_opened">;

export function appHomeOpened(ctx: ListenerContext): (args: AppHomeArgs) => Promise<void> {
  return async ({ event, body, client }) => {
    if (event.tab !== "home") return;
    const asker = { teamId: body.team_id, userId: event.user };
    const view = await ctx.subscriptions.home(asker);
    await sendSafely(ctx.logger, "views.publish", () => client.views.publish({ user_id: event.user, view }), { asker });
  };
}

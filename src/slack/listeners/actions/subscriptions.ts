/**
 * The Unsubscribe button of the `subscriptions` list. Its value is only a project id; the
 * channel is the one the click came from, so a forged value can only remove a subscription of the
 * clicker's own channel. The list is redrawn for the clicker; the channel is told who unsubscribed.
 */
import { decodeProjectRef } from "../../../render/index.js";
import type { ListenerContext } from "../../context.js";
import { sendSafely } from "../../safely.js";
import type { ButtonHandler } from "./buttons.js";

const ID = /^\d{1,20}$/;

export function unsubscribeButton(ctx: ListenerContext): ButtonHandler {
  return async ({ ack, body, action, respond }) => {
    await ack();
    const asker = { teamId: body.user.team_id ?? body.team?.id, channelId: body.channel?.id, userId: body.user.id };
    const projectId = decodeProjectRef(action.value ?? "");
    if (projectId === undefined || !ID.test(projectId) || asker.channelId === undefined) {
      ctx.logger.warn({ asker, action: action.action_id }, "button with an unreadable value ignored");
      return;
    }
    ctx.logger.info({ asker, action: action.action_id, projectId }, "button");
    const { list, notice } = await ctx.subscriptions.unsubscribe(asker, projectId);
    await sendSafely(ctx.logger, "respond", () => respond({ replace_original: true, ...list }), { asker });
    if (notice)
      await sendSafely(ctx.logger, "respond", () => respond({ response_type: "in_channel", replace_original: false, ...notice }), {
        asker,
      });
  };
}

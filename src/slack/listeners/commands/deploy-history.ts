/**
 * `/deploy-history`: ack at once, answer through response_url (ephemeral, with a Share button).
 * A running deployment's reply follows it through the same response_url while Slack allows.
 */
import { answerCommand } from "../../../answer.js";
import { isSubscriptionCommand, parseCommand } from "../../../command.js";
import { renderAccessDenied } from "../../../render/index.js";
import type { History } from "../../../sourcedeploy/model.js";
import type { ListenerContext } from "../../context.js";
import { type LiveHints, responseUrlLocation } from "../../live.js";
import { sendSafely } from "../../safely.js";
import { answerAudit, answerDeploy } from "./act.js";
import type { SlashCommandArgs } from "./args.js";

export const COMMAND_NAME = "/deploy-history";

export function deployHistoryCommand(ctx: ListenerContext): (args: SlashCommandArgs) => Promise<void> {
  return async (args) => {
    const { ack, command, respond, client } = args;
    await ack();
    const asker = { teamId: command.team_id, channelId: command.channel_id, userId: command.user_id };
    const parsed = parseCommand(command.text ?? "", ctx.linkOptions);
    ctx.logger.info({ asker, command: parsed.kind }, "slash command");
    if (isSubscriptionCommand(parsed)) {
      const channel = command.channel_id;
      const reply = await ctx.subscriptions.command(parsed, asker, async ({ text, blocks }) => {
        await client.chat.postMessage({ channel, text, blocks, unfurl_links: false });
      });
      if (reply.visibility === "posted") return;
      const response_type = reply.visibility === "channel" ? "in_channel" : "ephemeral";
      await sendSafely(ctx.logger, "respond", () => respond({ response_type, ...reply.message }), { asker });
      return;
    }
    const access = await ctx.access(asker);
    if (!access) {
      await sendSafely(ctx.logger, "respond", () => respond({ response_type: "ephemeral", ...renderAccessDenied(ctx.render()) }), {
        asker,
      });
      return;
    }
    if (parsed.kind === "deploy") return answerDeploy(ctx, args, parsed, access);
    if (parsed.kind === "audit") return answerAudit(ctx, args, parsed, access);
    const location = responseUrlLocation(command.response_url);
    const hints: LiveHints = { surface: "detail", shareButton: true };
    const detail = (history: History) => ctx.live.draft(history, location, hints, asker);
    const { message: reply, history } = await answerCommand(parsed, { ...ctx.answer(access, { shareButton: true }), detail });
    const sent = await sendSafely(ctx.logger, "respond", () => respond({ response_type: "ephemeral", ...reply }), { asker });
    if (sent && history) await ctx.live.follow(history, location, hints, asker);
  };
}

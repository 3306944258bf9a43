/**
 * `@deploy-history …` in a channel: the same grammar, answered in the mention's thread. In a
 * channel shared with another organisation (unless UNFURL_EXTERNAL_CHANNELS=true) nothing is
 * posted there: the mentioner alone gets a note saying why, and SourceDeploy is not asked.
 */
import type { AllMiddlewareArgs, SlackEventMiddlewareArgs } from "@slack/bolt";
import { postTargetOf } from "../../../access/external.js";
import type { Asker } from "../../../access/policy.js";
import { answerCommand } from "../../../answer.js";
import { isSubscriptionCommand, parseCommand } from "../../../command.js";
import { renderAccessDenied, renderExternalChannelNote } from "../../../render/index.js";
import type { History } from "../../../sourcedeploy/model.js";
import type { ListenerContext } from "../../context.js";
import type { LiveHints } from "../../live.js";
import { sendSafely } from "../../safely.js";

const HINTS: LiveHints = { surface: "detail", shareButton: false };

export type AppMentionArgs = AllMiddlewareArgs & SlackEventMiddlewareArgs<"app_mention">;

export function appMention(ctx: ListenerContext): (args: AppMentionArgs) => Promise<void> {
  return async ({ event, body, client }) => {
    const teamId = event.user_team ?? event.team ?? body.team_id;
    const asker = { teamId, channelId: event.channel, userId: event.user };
    const parsed = parseCommand(event.text ?? "", ctx.linkOptions);
    ctx.logger.info({ asker, command: parsed.kind }, "app mention");
    if (!ctx.mayPostIn(postTargetOf(body))) return noteWhyNotHere(ctx, client, event, asker);
    const thread_ts = event.thread_ts ?? event.ts;
    if (isSubscriptionCommand(parsed)) {
      const channel = event.channel;
      const reply = await ctx.subscriptions.command(parsed, asker, async ({ text, blocks }) => {
        await client.chat.postMessage({ channel, text, blocks, unfurl_links: false });
      });
      const { text, blocks } = reply.message;
      if (reply.visibility === "channel")
        await sendSafely(
          ctx.logger,
          "chat.postMessage",
          () => client.chat.postMessage({ channel, thread_ts, text, blocks, unfurl_links: false }),
          { asker },
        );
      if (reply.visibility === "ephemeral" && event.user !== undefined) {
        const user = event.user;
        await sendSafely(ctx.logger, "chat.postEphemeral", () => client.chat.postEphemeral({ channel, user, thread_ts, text, blocks }), {
          asker,
        });
      }
      return;
    }
    const access = await ctx.access(asker);
    // The reply's ts is only known after posting; a bot message is always followed with chat.update.
    const detail = (history: History) => ctx.live.draft(history, { kind: "message", channel: event.channel, ts: "" }, HINTS, asker);
    const { message: reply, history } = access
      ? await answerCommand(parsed, { ...ctx.answer(access), detail })
      : { message: renderAccessDenied(ctx.render()), history: undefined };
    let ts: string | undefined;
    await sendSafely(
      ctx.logger,
      "chat.postMessage",
      async () => {
        ts = (
          await client.chat.postMessage({ channel: event.channel, thread_ts, text: reply.text, blocks: reply.blocks, unfurl_links: false })
        ).ts;
      },
      { asker },
    );
    if (history && ts) await ctx.live.follow(history, { kind: "message", channel: event.channel, ts }, HINTS, asker);
  };
}

/** The mentioner alone learns why the channel gets no answer; the note carries no deployment data. */
async function noteWhyNotHere(
  ctx: ListenerContext,
  client: AppMentionArgs["client"],
  event: AppMentionArgs["event"],
  asker: Asker,
): Promise<void> {
  ctx.logger.info({ asker }, "not answering a mention in an externally shared channel (UNFURL_EXTERNAL_CHANNELS=false)");
  if (event.user === undefined) return;
  const { text, blocks } = renderExternalChannelNote(ctx.render());
  const note = { channel: event.channel, user: event.user, thread_ts: event.thread_ts, text, blocks };
  await sendSafely(ctx.logger, "chat.postEphemeral", () => client.chat.postEphemeral(note), { asker });
}

/** `@deploy-history …` in a channel: the same grammar, answered in the mention's thread. */
import type { App } from "@slack/bolt";
import { answerCommand } from "../answer.js";
import { parseCommand } from "../command.js";
import type { ListenerContext } from "./context.js";
import type { LiveHints } from "./live.js";
import { sendSafely } from "./safely.js";

export function registerMention(app: App, ctx: ListenerContext): void {
  app.event("app_mention", async ({ event, client }) => {
    const parsed = parseCommand(event.text ?? "", ctx.linkOptions);
    const who = { team: event.team, channel: event.channel, user: event.user };
    ctx.logger.info({ ...who, command: parsed.kind }, "app mention");
    const { message, history } = await answerCommand(parsed, ctx.answer());
    const hints: LiveHints = { surface: "detail", shareButton: false };
    // The reply's ts is only known after posting; a bot message is always followed with chat.update.
    const reply = history ? await ctx.live.draft(history, { kind: "message", channel: event.channel, ts: "" }, hints) : message;
    const thread_ts = event.thread_ts ?? event.ts;
    let ts: string | undefined;
    await sendSafely(
      ctx.logger,
      "chat.postMessage",
      async () => {
        ts = (await client.chat.postMessage({ channel: event.channel, thread_ts, text: reply.text, blocks: reply.blocks as never, unfurl_links: false })).ts;
      },
      who,
    );
    if (history && ts) await ctx.live.follow(history, { kind: "message", channel: event.channel, ts }, hints);
  });
}

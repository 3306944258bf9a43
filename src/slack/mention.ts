/** `@deploy-history …` in a channel: the same grammar, answered in the mention's thread. */
import type { App } from "@slack/bolt";
import { answerCommand } from "../answer.js";
import { parseCommand } from "../command.js";
import type { ListenerContext } from "./context.js";
import { sendSafely } from "./safely.js";

export function registerMention(app: App, ctx: ListenerContext): void {
  app.event("app_mention", async ({ event, client }) => {
    const parsed = parseCommand(event.text ?? "", ctx.linkOptions);
    const who = { team: event.team, channel: event.channel, user: event.user };
    ctx.logger.info({ ...who, command: parsed.kind }, "app mention");
    const message = await answerCommand(parsed, ctx.answer());
    const thread_ts = event.thread_ts ?? event.ts;
    await sendSafely(
      ctx.logger,
      "chat.postMessage",
      () => client.chat.postMessage({ channel: event.channel, thread_ts, text: message.text, blocks: message.blocks as never, unfurl_links: false }),
      who,
    );
  });
}

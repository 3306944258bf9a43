/**
 * Buttons. Every action is acked first (url buttons too, or Slack shows a warning), then:
 * Refresh replaces the message with the newer state; Share posts the detail in the channel;
 * Details (a list entry), Compare with last success and a project of the project list answer with a
 * new ephemeral message;
 * Show all targets opens the modal, whose paging buttons update it.
 * A refusal or an error goes to the clicker alone, as a new ephemeral message: the message a button
 * is on may be a channel message others read, so only a successful Refresh replaces it.
 * Button values are documented in render/actions.ts; each handler factory here is registered
 * for its action id in listeners/index.ts.
 */
import type { AllMiddlewareArgs, BlockAction, ButtonAction, SlackActionMiddlewareArgs } from "@slack/bolt";
import { answerCommand, answerHistory, mayView, type ProjectAccess } from "../../../answer.js";
import {
  decodeHistoryRef,
  decodeProjectRef,
  decodeTargetsPageRef,
  type HistoryRef,
  renderAccessDenied,
  renderError,
  renderHistory,
  renderTargetsModal,
  type TargetsPageRef,
} from "../../../render/index.js";
import type { History } from "../../../sourcedeploy/model.js";
import type { MessageLocation } from "../../../watch/index.js";
import type { ListenerContext } from "../../context.js";
import type { LiveHints } from "../../live.js";
import { responseUrlLocation } from "../../live.js";
import { sendSafely } from "../../safely.js";
import type { Respond, WithRespond } from "../respond.js";

export type ButtonArgs = WithRespond<SlackActionMiddlewareArgs<BlockAction<ButtonAction>> & AllMiddlewareArgs>;
export type ButtonHandler = (args: ButtonArgs) => Promise<void>;

const ID = /^\d{1,20}$/;

export function historyValue(value: string): HistoryRef | undefined {
  const ref = decodeHistoryRef(value);
  return ref && ID.test(ref.projectId) && ID.test(ref.historyId) ? ref : undefined;
}

export function pageValue(value: string): TargetsPageRef | undefined {
  const ref = decodeTargetsPageRef(value);
  return ref && ID.test(ref.projectId) && ID.test(ref.historyId) && ref.page < 100_000 ? ref : undefined;
}

export function projectValue(value: string): string | undefined {
  const projectId = decodeProjectRef(value);
  return projectId && ID.test(projectId) ? projectId : undefined;
}

/**
 * Where a refreshed message lives: an ephemeral one only through this click's response_url; a
 * channel message is the bot's own, so chat.update can keep it current without Slack's limits.
 */
export function refreshedLocation(body: ButtonArgs["body"], ephemeral: boolean): MessageLocation | undefined {
  if (ephemeral) return body.response_url ? responseUrlLocation(body.response_url) : undefined;
  const channel = body.container?.channel_id ?? body.channel?.id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  return channel && ts ? { kind: "message", channel, ts } : undefined;
}

/** A new ephemeral message; the one the button is on stays. */
function ephemeral(ctx: ListenerContext, respond: Respond, message: object): Promise<boolean> {
  return sendSafely(ctx.logger, "respond", () => respond({ response_type: "ephemeral", replace_original: false, ...message }));
}

/** Acks, checks the asker's workspace, decodes the value (ignoring unreadable ones), then handles it. */
function button<T>(
  ctx: ListenerContext,
  decode: (value: string) => T | undefined,
  handle: (args: ButtonArgs, value: T, access: ProjectAccess) => Promise<void>,
): ButtonHandler {
  return async (args) => {
    await args.ack();
    const { body, respond } = args;
    const asker = { teamId: body.user.team_id ?? body.team?.id, channelId: body.channel?.id, userId: body.user.id };
    const value = decode(args.action.value ?? "");
    if (value === undefined) {
      ctx.logger.warn(
        { asker, action: args.action.action_id, value: args.action.value?.slice(0, 100) },
        "button with an unreadable value ignored",
      );
      return;
    }
    ctx.logger.info({ asker, action: args.action.action_id, value }, "button");
    const access = await ctx.access(asker);
    if (!access) return void (await ephemeral(ctx, respond, renderAccessDenied(ctx.render())));
    await handle(args, value, access);
  };
}

export function refreshButton(ctx: ListenerContext): ButtonHandler {
  return button(ctx, historyValue, async ({ body, respond }, ref, access) => {
    const isEphemeral = body.container?.is_ephemeral === true;
    const hints: LiveHints = { surface: "detail", shareButton: isEphemeral };
    const location = refreshedLocation(body, isEphemeral);
    const detail = location ? (history: History) => ctx.live.draft(history, location, hints, access.asker) : undefined;
    const { message: reply, history } = await answerHistory(ref.projectId, ref.historyId, {
      ...ctx.answer(access, { shareButton: hints.shareButton }),
      detail,
    });
    if (!history) return void (await ephemeral(ctx, respond, reply));
    const sent = await sendSafely(ctx.logger, "respond", () => respond({ replace_original: true, ...reply }));
    if (sent && location) await ctx.live.follow(history, location, hints, access.asker);
  });
}

export function shareButton(ctx: ListenerContext): ButtonHandler {
  return button(ctx, historyValue, async ({ body, client, respond }, ref, access) => {
    const hints: LiveHints = { surface: "detail", shareButton: false };
    const channel = body.channel?.id;
    // A bot message can be edited for as long as the deployment runs; where the bot may not post
    // (not a member of a private channel, a DM), the response_url posts a snapshot instead.
    const detail = channel
      ? (history: History) => ctx.live.draft(history, { kind: "message", channel, ts: "" }, hints, access.asker)
      : undefined;
    const { message: draft, history } = await answerHistory(ref.projectId, ref.historyId, {
      ...ctx.answer(access, { shareButton: hints.shareButton }),
      detail,
    });
    if (!history || !channel) return void (await ephemeral(ctx, respond, draft));
    try {
      const posted = await client.chat.postMessage({ channel, text: draft.text, blocks: draft.blocks, unfurl_links: false });
      if (posted.ts) await ctx.live.follow(history, { kind: "message", channel, ts: posted.ts }, hints, access.asker);
    } catch (error) {
      ctx.logger.info({ channel, ...ref, err: error }, "share: chat.postMessage refused, sharing through response_url");
      const snapshot = renderHistory(history, ctx.render());
      await sendSafely(ctx.logger, "respond", () => respond({ response_type: "in_channel", replace_original: false, ...snapshot }));
    }
  });
}

export function detailsButton(ctx: ListenerContext): ButtonHandler {
  return button(ctx, historyValue, async ({ respond }, ref, access) => {
    const { message } = await answerHistory(ref.projectId, ref.historyId, ctx.answer(access, { shareButton: true }));
    await ephemeral(ctx, respond, message);
  });
}

/** Compare with last success (a failed deployment's detail): what changed, to the clicker alone. */
export function compareButton(ctx: ListenerContext): ButtonHandler {
  return button(ctx, historyValue, async ({ respond }, ref, access) => {
    const command = { kind: "diff", project: { by: "id", id: ref.projectId }, historyId: ref.historyId } as const;
    const { message } = await answerCommand(command, ctx.answer(access));
    await ephemeral(ctx, respond, message);
  });
}

export function projectHistoriesButton(ctx: ListenerContext): ButtonHandler {
  return button(ctx, projectValue, async ({ respond }, projectId, access) => {
    const { message } = await answerCommand({ kind: "list", project: { by: "id", id: projectId } }, ctx.answer(access));
    await ephemeral(ctx, respond, message);
  });
}

export function showTargetsButton(ctx: ListenerContext): ButtonHandler {
  return button(ctx, historyValue, async ({ body, client, respond }, ref, access) => {
    const answer = ctx.answer(access);
    if (!(await mayView(ref.projectId, answer))) return void (await ephemeral(ctx, respond, renderAccessDenied(ctx.render())));
    try {
      const history = await answer.api.getHistory(ref.projectId, ref.historyId);
      const view = renderTargetsModal(history, 0, ctx.render());
      await sendSafely(ctx.logger, "views.open", () => client.views.open({ trigger_id: body.trigger_id, view }));
    } catch (error) {
      ctx.logger.warn({ ...ref, err: error }, "targets modal failed");
      await ephemeral(ctx, respond, renderError(error, ctx.render()));
    }
  });
}

/** Previous and next page of the all-targets modal: the same handler, the page is in the value. */
export function targetsPageButton(ctx: ListenerContext): ButtonHandler {
  return button(ctx, pageValue, async ({ body, client }, ref, access) => {
    const view = body.view;
    const answer = ctx.answer(access);
    if (!view || !(await mayView(ref.projectId, answer))) return;
    try {
      const history = await answer.api.getHistory(ref.projectId, ref.historyId);
      const next = renderTargetsModal(history, ref.page, ctx.render());
      await sendSafely(ctx.logger, "views.update", () => client.views.update({ view_id: view.id, hash: view.hash, view: next }));
    } catch (error) {
      ctx.logger.warn({ ...ref, err: error }, "targets modal page failed");
    }
  });
}

/** Open in console is a url button: Slack opens the link, the app only acks. */
export async function openConsoleButton({ ack }: AllMiddlewareArgs & SlackActionMiddlewareArgs): Promise<void> {
  await ack();
}

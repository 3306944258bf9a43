/**
 * Approve / Reject, Promote / Abort and Cancel buttons. A thin adapter: it decodes the click and
 * hands it to `act.ts` (which re-checks everything: the value, the policy, the status, the claim),
 * then sends what came of it:
 *
 * - the message is redrawn with the history as it is now (through this click's response_url, as
 *   Refresh does; an unfurl is left to the live updates that follow it), and followed while it runs;
 * - an attempt that reached SourceDeploy gets a reply in the message's thread ("✅ 승인: @alice");
 *   a click on a private (ephemeral) reply has no thread, so its clicker gets that line instead;
 * - anything else (a refusal, "already done by …", "no longer possible", an error) goes to the
 *   clicker alone.
 */
import type { Asker } from "../../../access/policy.js";
import { auditWrite, type WriteAuditDetail, type WriteResult } from "../../../act.js";
import {
  renderAccessDenied,
  renderWriteNote,
  renderWritesUnavailable,
  type WriteAnswer,
  writeActionOf,
  writeThreadText,
} from "../../../render/index.js";
import type { ListenerContext } from "../../context.js";
import type { LiveHints } from "../../live.js";
import { sendSafely } from "../../safely.js";
import type { Respond } from "../respond.js";
import { type ButtonArgs, type ButtonHandler, historyValue, refreshedLocation } from "./buttons.js";

function ephemeral(ctx: ListenerContext, respond: Respond, message: object): Promise<boolean> {
  return sendSafely(ctx.logger, "respond", () => respond({ response_type: "ephemeral", replace_original: false, ...message }));
}

export function writeButton(ctx: ListenerContext): ButtonHandler {
  return async (args) => {
    await args.ack();
    const { body, respond, client } = args;
    const asker = { teamId: body.user.team_id ?? body.team?.id, channelId: body.channel?.id, userId: body.user.id };
    const action = writeActionOf(args.action.action_id);
    const ref = historyValue(args.action.value ?? "");
    // Refusals before act.ts (an unreadable value, a workspace that may not ask) are audited too.
    const refuse = async (denial: string, project = "-", history = "-") => {
      if (ctx.act) {
        const detail: WriteAuditDetail = {
          ...(asker.teamId === undefined ? {} : { team: asker.teamId }),
          ...(asker.channelId === undefined ? {} : { channel: asker.channelId }),
          project: { id: project },
          history,
          verb: action ?? "approve",
          outcome: "denied",
          denial,
        };
        await auditWrite(
          { state: ctx.act.state, logger: ctx.logger },
          asker.userId,
          `write.${action ?? "unknown"}`,
          `${project}/${history}`,
          detail,
        );
      }
      await ephemeral(ctx, respond, renderAccessDenied(ctx.render()));
    };
    if (action === undefined || ref === undefined) return refuse("unreadable");
    if (!ctx.act) return void (await ephemeral(ctx, respond, renderWritesUnavailable(ctx.render())));
    const access = await ctx.access(asker);
    if (!access) return refuse("workspace", ref.projectId, ref.historyId);
    // access.asker carries the user's groups already (looked up once, in ctx.access).
    const result = await ctx.act.writes.perform({ asker: access.asker, ...ref, action });
    try {
      await redraw(ctx, args, result, asker);
    } catch (error) {
      // The write is done (or refused) whatever happens to the redraw: the thread and the clicker must still hear of it.
      ctx.logger.warn({ err: error, asker, action }, "write: redrawing the message failed");
    }
    await tell(ctx, args, result, asker.userId, client);
  };
}

/** The message as SourceDeploy has it now, in place of the one clicked. */
async function redraw(ctx: ListenerContext, { body, respond }: ButtonArgs, result: WriteResult, asker: Asker): Promise<void> {
  const history = result.history;
  const isEphemeral = body.container?.is_ephemeral === true;
  const isBotMessage = isEphemeral || body.message?.bot_id !== undefined;
  if (!history || !isBotMessage) return;
  const hints: LiveHints = { surface: "detail", shareButton: isEphemeral };
  const location = refreshedLocation(body, isEphemeral);
  if (!location) return;
  const message = await ctx.live.draft(history, location, hints, asker);
  const sent = await sendSafely(ctx.logger, "respond", () => respond({ replace_original: true, ...message }));
  if (sent) await ctx.live.follow(history, location, hints, asker);
}

async function tell(
  ctx: ListenerContext,
  { body, respond }: ButtonArgs,
  result: WriteResult,
  userId: string,
  client: ButtonArgs["client"],
) {
  const options = ctx.render();
  const answer: WriteAnswer = { ...result, ...(result.history ? { status: result.history.status } : {}) };
  const line = writeThreadText(answer, userId, options);
  const channel = body.channel?.id ?? body.container?.channel_id;
  const ts = (body.message?.thread_ts as string | undefined) ?? body.container?.message_ts ?? body.message?.ts;
  if (line !== undefined) {
    const threaded =
      body.container?.is_ephemeral !== true &&
      channel !== undefined &&
      ts !== undefined &&
      (await sendSafely(ctx.logger, "chat.postMessage", () =>
        client.chat.postMessage({ channel, thread_ts: ts, text: line, unfurl_links: false, unfurl_media: false }),
      ));
    if (!threaded) await ephemeral(ctx, respond, { text: line });
  }
  const note = renderWriteNote(answer, options);
  if (note) await ephemeral(ctx, respond, note);
}

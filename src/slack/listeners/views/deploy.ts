/**
 * The start-a-deployment modal's submission. Treated as forged like every payload: the metadata and
 * the chosen option are parsed strictly and act.ts checks the policy, the project's name and the
 * scenario again, and sends the POST once per submission. The modal closes at once; the new
 * deployment is posted in the channel the command came from and followed live (like Share), or,
 * where the bot may not post, told to the submitter alone.
 */
import type { AllMiddlewareArgs, SlackViewMiddlewareArgs, ViewSubmitAction } from "@slack/bolt";
import { z } from "zod";
import { startDeployment } from "../../../act.js";
import {
  DEPLOY_CONFIRM_ACTION,
  DEPLOY_CONFIRM_BLOCK,
  DEPLOY_SCENARIO_ACTION,
  DEPLOY_SCENARIO_BLOCK,
  decodeChoice,
  type Message,
  messages,
  renderAccessDenied,
  renderDeployFailed,
  renderDeployPickAgain,
  renderWriteNote,
  startedByBlock,
  userMention,
} from "../../../render/index.js";
import type { ListenerContext } from "../../context.js";
import type { LiveHints } from "../../live.js";
import { sendSafely } from "../../safely.js";

export type ViewArgs = SlackViewMiddlewareArgs<ViewSubmitAction> & AllMiddlewareArgs;

const metadataSchema = z.object({ projectId: z.string().regex(/^\d{1,20}$/), channelId: z.string().regex(/^[CDG][A-Z0-9]{2,30}$/) });

function parseMetadata(text: string): z.infer<typeof metadataSchema> | undefined {
  try {
    const parsed = metadataSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export function deploySubmission(ctx: ListenerContext): (args: ViewArgs) => Promise<void> {
  return async ({ ack, body, view, client }) => {
    const metadata = parseMetadata(view.private_metadata);
    const values = view.state.values;
    const choice = decodeChoice(values[DEPLOY_SCENARIO_BLOCK]?.[DEPLOY_SCENARIO_ACTION]?.selected_option?.value ?? "");
    const confirmed =
      values[DEPLOY_CONFIRM_BLOCK]?.[DEPLOY_CONFIRM_ACTION]?.selected_options?.some((o) => o.value === "confirmed") === true;
    const c = messages(ctx.render().locale);
    if (!confirmed) return void (await ack({ response_action: "errors", errors: { [DEPLOY_CONFIRM_BLOCK]: c.deploy.confirmLabel } }));
    const userId = body.user.id;
    const asker = { teamId: body.user.team_id ?? body.team?.id, userId, ...(metadata ? { channelId: metadata.channelId } : {}) };
    // Privately in the channel; where the bot cannot do that (not a member, a DM), in the app's own DM.
    const tell = async (message: Message) =>
      (metadata !== undefined &&
        (await sendSafely(ctx.logger, "chat.postEphemeral", () =>
          client.chat.postEphemeral({ channel: metadata.channelId, user: userId, text: message.text, blocks: message.blocks }),
        ))) ||
      sendSafely(ctx.logger, "chat.postMessage", () =>
        client.chat.postMessage({ channel: userId, text: message.text, blocks: message.blocks }),
      );
    if (!metadata || !choice) {
      ctx.logger.warn({ event: "write", verb: "deploy", outcome: "unreadable", asker }, "deploy submission with unreadable values refused");
      return void (await ack({ response_action: "errors", errors: { [DEPLOY_SCENARIO_BLOCK]: c.deploy.pickAgain } }));
    }
    // Slack wants the answer within 3 s, and a write may take longer: the modal closes now and
    // every later word goes to the channel (or to the submitter alone).
    await ack();
    const access = await ctx.access(asker);
    if (!ctx.act || !access) return void (await tell(renderAccessDenied(ctx.render())));
    const act = ctx.act;
    // access.asker carries the user's groups already (looked up once, in ctx.access).
    const outcome = await startDeployment({ ...act, api: ctx.answer(access).api, logger: ctx.logger }, access.asker, {
      ...metadata,
      ...choice,
      submissionKey: view.id,
    });
    if (outcome.outcome === "pick_again") return void (await tell(renderDeployPickAgain(ctx.render())));
    if (outcome.outcome === "already") return;
    if (outcome.outcome === "denied") {
      const note = renderWriteNote({ outcome: "denied", action: "approve", denial: outcome.denial }, ctx.render());
      return void (note && (await tell(note)));
    }
    if (outcome.outcome !== "done") {
      return void (await tell(renderDeployFailed(outcome.project ?? { id: metadata.projectId, name: "" }, outcome.error, ctx.render())));
    }
    await postStarted(ctx, client, access, metadata.channelId, userId, outcome.project.id, outcome.historyId, tell);
  };
}

/** The new deployment's message in the channel, followed live; the submitter alone hears of it when the bot may not post there. */
async function postStarted(
  ctx: ListenerContext,
  client: ViewArgs["client"],
  access: NonNullable<Awaited<ReturnType<ListenerContext["access"]>>>,
  channel: string,
  userId: string,
  projectId: string,
  historyId: string,
  tell: (message: Message) => Promise<boolean>,
): Promise<void> {
  const hints: LiveHints = { surface: "detail", shareButton: false };
  const c = messages(ctx.render().locale);
  const toSubmitter = () => tell({ text: c.deploy.startedBy(userMention(userId)), blocks: [startedByBlock(userId, ctx.render())] });
  try {
    // Deployment data goes into a channel shared with another organisation only when allowed (UNFURL_EXTERNAL_CHANNELS).
    const { channel: info } = await client.conversations.info({ channel });
    const externallyShared = info?.is_ext_shared === true || info?.is_pending_ext_shared === true;
    if (!ctx.mayPostIn({ externallyShared })) return void (await toSubmitter());
    const history = await ctx.answer(access).api.getHistory(projectId, historyId);
    const draft = await ctx.live.draft(history, { kind: "message", channel, ts: "" }, hints, access.asker);
    const blocks = [...draft.blocks, startedByBlock(userId, ctx.render())];
    const posted = await client.chat.postMessage({ channel, text: draft.text, blocks, unfurl_links: false });
    if (posted.ts) await ctx.live.follow(history, { kind: "message", channel, ts: posted.ts }, hints, access.asker);
  } catch (error) {
    ctx.logger.warn({ channel, projectId, historyId, err: error }, "deploy: the new deployment could not be posted in the channel");
    await toSubmitter();
  }
}

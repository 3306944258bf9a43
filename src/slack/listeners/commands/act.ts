/**
 * `/deploy-history deploy <project> [stage] [scenario]` (opens the start-a-deployment modal; its
 * submission is views/deploy.ts) and `/deploy-history audit [project]` (the last actions, to the
 * asker alone). The decisions are in act.ts.
 */
import { planDeploy, recentActions } from "../../../act.js";
import type { ProjectAccess } from "../../../answer.js";
import type { Command } from "../../../command.js";
import {
  type Message,
  renderAuditList,
  renderDeployModal,
  renderError,
  renderNoScenarios,
  renderWriteNote,
  renderWritesUnavailable,
} from "../../../render/index.js";
import type { ListenerContext } from "../../context.js";
import { sendSafely } from "../../safely.js";
import type { SlashCommandArgs } from "./args.js";

type Deploy = Extract<Command, { kind: "deploy" }>;
type Audit = Extract<Command, { kind: "audit" }>;

/** What the modal hands back on submit; checked again there (views/deploy.ts). */
export interface DeployMetadata {
  projectId: string;
  channelId: string;
}

export async function answerDeploy(ctx: ListenerContext, args: SlashCommandArgs, command: Deploy, access: ProjectAccess): Promise<void> {
  const { client, respond } = args;
  const reply = (message: Message) =>
    sendSafely(ctx.logger, "respond", () => respond({ response_type: "ephemeral", ...message }), { asker: access.asker });
  if (!ctx.act) return void (await reply(renderWritesUnavailable(ctx.render())));
  const asker = await ctx.act.withGroups(access.asker);
  const plan = await planDeploy({ ...ctx.act, api: ctx.answer(access).api, logger: ctx.logger }, asker, command);
  if (plan.kind === "denied") {
    const note = renderWriteNote({ outcome: "denied", action: "approve", denial: plan.denial }, ctx.render());
    return void (note && (await reply(note)));
  }
  if (plan.kind === "failed") {
    ctx.logger.warn({ asker, err: plan.error }, "deploy: the stages could not be read");
    return void (await reply(renderError(plan.error, ctx.render())));
  }
  if (plan.choices.every((choice) => choice.scenarios.length === 0))
    return void (await reply(renderNoScenarios(plan.project, ctx.render())));
  const metadata: DeployMetadata = { projectId: plan.project.id, channelId: args.command.channel_id };
  const view = renderDeployModal(plan.project, plan.choices, plan.preselect, JSON.stringify(metadata), ctx.render());
  const opened = await sendSafely(ctx.logger, "views.open", () => client.views.open({ trigger_id: args.command.trigger_id, view }), {
    asker,
  });
  // Slack refuses a trigger older than 3 s (a slow SourceDeploy): say so instead of nothing.
  if (!opened) await reply(renderError(undefined, ctx.render()));
}

export async function answerAudit(ctx: ListenerContext, args: SlashCommandArgs, command: Audit, access: ProjectAccess): Promise<void> {
  const state = ctx.act?.state;
  let lines: Awaited<ReturnType<typeof recentActions>> = [];
  try {
    if (state) lines = await recentActions(state, (project) => access.decide(project) === "allow", command.project);
  } catch (error) {
    ctx.logger.warn({ err: error, asker: access.asker }, "audit: the audit trail could not be read");
    await sendSafely(ctx.logger, "respond", () => args.respond({ response_type: "ephemeral", ...renderError(error, ctx.render()) }));
    return;
  }
  const shown = command.project === undefined ? undefined : command.project.by === "id" ? command.project.id : command.project.name;
  const message = renderAuditList(lines, shown, ctx.render());
  await sendSafely(ctx.logger, "respond", () => args.respond({ response_type: "ephemeral", ...message }), { asker: access.asker });
}

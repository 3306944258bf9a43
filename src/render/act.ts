/**
 * Acting from Slack: what a write button's click answers (a note to the clicker, a reply in the
 * message's thread), the modal that starts a deployment, and the audit list. Pure; the Slack layer
 * sends what these return.
 */
import type * as Slack from "@slack/types";
import type { HistoryAction, NamedRef } from "../sourcedeploy/model.js";
import { type Block, context, header, LIMITS, type Message, plainText, section } from "./blocks.js";
import { clampMrkdwn, isBlank, mrkdwn, plain, userMention } from "./escape.js";
import { withDemo } from "./history.js";
import { type Catalogue, messages } from "./i18n.js";
import { renderError } from "./messages.js";
import type { RenderOptions } from "./options.js";
import { historyStatus } from "./status.js";
import { dateToken } from "./time.js";

/** What `act.ts` decided, as far as the words need it (render/ does not import the core). */
export interface WriteAnswer {
  outcome: "done" | "denied" | "not_now" | "already" | "refused" | "unknown_outcome" | "failed";
  action: HistoryAction;
  status?: string;
  denial?: { reason: "groups_unknown" } | { reason: "not_granted"; verb: string; elsewhere: boolean };
  holder?: { userId: string; at: number };
  errorCode?: string;
  error?: unknown;
}

function notice(text: string, options: RenderOptions, c: Catalogue): Message {
  return { text: clampMrkdwn(text, LIMITS.messageText), blocks: withDemo([section(text)], options, c) };
}

/** The reply in the message's thread, for attempts that reached SourceDeploy; undefined otherwise. */
export function writeThreadText(answer: WriteAnswer, userId: string, options: RenderOptions): string | undefined {
  const c = messages(options.locale);
  if (answer.outcome !== "done" && answer.outcome !== "refused" && answer.outcome !== "unknown_outcome") return undefined;
  return c.act.thread[answer.outcome](c.act.verb[answer.action], userMention(userId));
}

/** The note only the clicker sees; undefined when the thread reply says it all. */
export function renderWriteNote(answer: WriteAnswer, options: RenderOptions): Message | undefined {
  const c = messages(options.locale);
  const verb = c.act.verb[answer.action];
  switch (answer.outcome) {
    case "done":
      return undefined;
    case "denied":
      return notice(
        answer.denial?.reason === "not_granted" ? c.act.denied(answer.denial.verb, answer.denial.elsewhere) : c.act.groupsUnknown,
        options,
        c,
      );
    case "not_now":
      return notice(c.act.notNow(mrkdwn(historyStatus(answer.status ?? "").label[options.locale], 60), verb), options, c);
    case "already":
      return notice(
        answer.holder === undefined
          ? c.act.alreadyUnknown
          : c.act.already(userMention(answer.holder.userId), dateToken(new Date(answer.holder.at), options.timeZone)),
        options,
        c,
      );
    case "refused":
    case "unknown_outcome":
      return notice(`⚠️ ${c.error.byCode[answer.outcome]}`, options, c);
    case "failed":
      return answer.errorCode === "state_unavailable" ? notice(c.act.notRecorded, options, c) : renderError(answer.error, options);
  }
}

export function renderWritesUnavailable(options: RenderOptions): Message {
  const c = messages(options.locale);
  return notice(c.act.unavailable, options, c);
}

// ---- starting a deployment ----------------------------------------------------------------------

export const DEPLOY_MODAL_CALLBACK_ID = "deploy_start";
export const DEPLOY_SCENARIO_BLOCK = "deploy_scenario";
export const DEPLOY_SCENARIO_ACTION = "deploy_scenario_select";
export const DEPLOY_CONFIRM_BLOCK = "deploy_confirm";
export const DEPLOY_CONFIRM_ACTION = "deploy_confirm_check";

export interface StageChoices {
  stage: NamedRef;
  scenarios: NamedRef[];
}

/** `stageId:scenarioId`, the value of one option of the scenario select. */
export function encodeChoice(stageId: string, scenarioId: string): string {
  return `${stageId}:${scenarioId}`;
}

export function decodeChoice(value: string): { stageId: string; scenarioId: string } | undefined {
  const match = /^(\d{1,20}):(\d{1,20})$/.exec(value);
  return match ? { stageId: match[1] ?? "", scenarioId: match[2] ?? "" } : undefined;
}

const MAX_GROUPS = 100;
const MAX_OPTIONS = 100;

/**
 * One select of every scenario, grouped by stage (Slack's option groups), so a stage and its
 * scenario are chosen together without a round trip; `preselect` is the command's [stage] [scenario].
 * The required check box is the confirmation: nothing starts without it. `metadata` comes back on submit.
 */
export function renderDeployModal(
  project: NamedRef,
  choices: readonly StageChoices[],
  preselect: { stageId: string; scenarioId: string } | undefined,
  metadata: string,
  options: RenderOptions,
): Slack.ModalView {
  const c = messages(options.locale);
  const projectName = isBlank(project.name) ? project.id : project.name;
  const option = (stage: NamedRef, scenario: NamedRef): Slack.PlainTextOption => ({
    text: plainText(`${isBlank(stage.name) ? stage.id : stage.name} › ${isBlank(scenario.name) ? scenario.id : scenario.name}`, 75),
    value: encodeChoice(stage.id, scenario.id),
  });
  const groups = choices
    .filter((choice) => choice.scenarios.length > 0)
    .slice(0, MAX_GROUPS)
    .map((choice) => ({
      label: plainText(isBlank(choice.stage.name) ? choice.stage.id : choice.stage.name, 75),
      options: choice.scenarios.slice(0, MAX_OPTIONS).map((scenario) => option(choice.stage, scenario)),
    }));
  const all = groups.flatMap((group) => group.options);
  const initial = preselect === undefined ? undefined : all.find((o) => o.value === encodeChoice(preselect.stageId, preselect.scenarioId));
  const select: Slack.StaticSelect = {
    type: "static_select",
    action_id: DEPLOY_SCENARIO_ACTION,
    placeholder: plainText(c.deploy.scenarioPlaceholder, 150),
    option_groups: groups,
    ...(initial === undefined ? {} : { initial_option: initial }),
  };
  const confirm: Slack.Checkboxes = {
    type: "checkboxes",
    action_id: DEPLOY_CONFIRM_ACTION,
    options: [{ text: plainText(c.deploy.confirmOption(plain(projectName, 100)), 150), value: "confirmed" }],
  };
  const blocks: Slack.KnownBlock[] = [
    { type: "section", text: { type: "mrkdwn", text: c.deploy.intro(mrkdwn(projectName, 100)), verbatim: true } },
    { type: "input", block_id: DEPLOY_SCENARIO_BLOCK, label: plainText(c.deploy.scenarioLabel, 2000), element: select },
    { type: "input", block_id: DEPLOY_CONFIRM_BLOCK, label: plainText(c.deploy.confirmLabel, 2000), element: confirm },
  ];
  return {
    type: "modal",
    callback_id: DEPLOY_MODAL_CALLBACK_ID,
    title: plainText(c.deploy.title, 24),
    submit: plainText(c.deploy.submit, 24),
    close: plainText(c.deploy.close, 24),
    private_metadata: metadata,
    blocks,
  };
}

export function renderNoScenarios(project: NamedRef, options: RenderOptions): Message {
  const c = messages(options.locale);
  return notice(c.deploy.noScenarios(mrkdwn(isBlank(project.name) ? project.id : project.name, 100)), options, c);
}

export function renderDeployFailed(project: NamedRef, error: unknown, options: RenderOptions): Message {
  const c = messages(options.locale);
  const reason = renderError(error, options).text;
  return notice(`${c.deploy.failed(mrkdwn(isBlank(project.name) ? project.id : project.name, 100))}\n${reason}`, options, c);
}

export function renderDeployPickAgain(options: RenderOptions): Message {
  const c = messages(options.locale);
  return notice(`🔍 ${c.deploy.pickAgain}`, options, c);
}

/** The context line added to the channel message of a deployment started from Slack. */
export function startedByBlock(userId: string, options: RenderOptions): Block {
  return context([messages(options.locale).deploy.startedBy(userMention(userId))]);
}

// ---- the audit list -----------------------------------------------------------------------------

export interface AuditLine {
  at: number;
  actor: string;
  verb: HistoryAction | "deploy";
  projectName?: string;
  projectId: string;
  historyId: string;
  outcome: WriteAnswer["outcome"];
}

export function renderAuditList(lines: readonly AuditLine[], project: string | undefined, options: RenderOptions): Message {
  const c = messages(options.locale);
  const shown = project === undefined ? undefined : mrkdwn(project, 100);
  if (lines.length === 0) return notice(`🔍 ${c.audit.empty(shown)}`, options, c);
  const texts = lines.map((line) => {
    const name = line.projectName === undefined || isBlank(line.projectName) ? line.projectId : line.projectName;
    const subject = `${mrkdwn(name, 60)} #${mrkdwn(line.historyId, 20)}`;
    return c.audit.line(
      dateToken(new Date(line.at), options.timeZone),
      userMention(line.actor),
      c.act.verb[line.verb],
      subject,
      c.audit.outcome[line.outcome],
    );
  });
  // Five lines a section keep each well under Slack's 3,000 characters.
  const sections: Block[] = [];
  for (let i = 0; i < texts.length; i += 5) sections.push(section(texts.slice(i, i + 5).join("\n")));
  const blocks: Block[] = [header(c.audit.heading(project === undefined ? undefined : plain(project, 100))), ...sections];
  return { text: c.audit.text(lines.length), blocks: withDemo(blocks, options, c) };
}

/**
 * The Block Kit we render, its builders, and Slack's limits. Each type narrows Slack's own type
 * (`@slack/types`, imported for types only: nothing of Slack is loaded at runtime), so `tsc`
 * rejects a block Slack's types would reject, and Slack's Web API methods take a `Message` or a
 * `ModalView` as they are.
 */
import type * as Slack from "@slack/types";
import { clampMrkdwn, plain } from "./escape.js";

export const LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  headerText: 150,
  contextElements: 10,
  totalText: 12_000,
  messageText: 4000,
  buttonText: 75,
  modalTitle: 24,
  privateMetadata: 3000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
} as const;

export type PlainText = Slack.PlainTextElement;

export type MrkdwnText = Slack.MrkdwnElement;

/** Slack's "are you sure?" dialog on a button, all plain text. */
export interface ConfirmDialog extends Slack.Confirm {
  title: PlainText;
  text: PlainText;
  confirm: PlainText;
  deny: PlainText;
}

/** Every button of ours has an action_id: Slack sends it back on a click, and listeners route by it. */
export interface Button extends Slack.Button {
  action_id: string;
  confirm?: ConfirmDialog;
}

export type HeaderBlock = Slack.HeaderBlock;

/** Our sections hold mrkdwn only, and at most a button beside it. */
export interface SectionBlock extends Slack.SectionBlock {
  text?: MrkdwnText;
  fields?: MrkdwnText[];
  accessory?: Button;
}

export interface ContextBlock extends Slack.ContextBlock {
  elements: MrkdwnText[];
}

export interface ActionsBlock extends Slack.ActionsBlock {
  elements: Button[];
}

export type DividerBlock = Slack.DividerBlock;

/**
 * Slack's methods also take any `{ type: string }` as a block, so this union is checked against
 * the blocks Slack knows: a block type added here that Slack's types do not describe fails `tsc`.
 */
export type Block = KnownToSlack<HeaderBlock | SectionBlock | ContextBlock | ActionsBlock | DividerBlock>;
type KnownToSlack<B extends Slack.KnownBlock> = B;

/** What every reply, unfurl and live update is: blocks plus one plain line. */
export interface Message {
  /** One plain line for notifications and screen readers. */
  text: string;
  blocks: Block[];
}

export interface ModalView extends Slack.ModalView {
  callback_id: string;
  close: PlainText;
  private_metadata: string;
  blocks: Block[];
}

/** Slack rejects empty text objects; a lone space is not enough either. */
function nonEmpty(text: string): string {
  return text.trim() === "" ? "—" : text;
}

export function plainText(raw: string, max: number): PlainText {
  return { type: "plain_text", text: nonEmpty(plain(raw, max)), emoji: true };
}

/**
 * `text` must already be safe mrkdwn (API strings escaped). `verbatim` keeps Slack from auto-linking
 * URLs, channel names and mentions that data may contain; our own `<…>` tokens are still parsed.
 */
export function mrkdwnText(text: string, max: number = LIMITS.sectionText): MrkdwnText {
  return { type: "mrkdwn", text: nonEmpty(clampMrkdwn(text, max)), verbatim: true };
}

export function header(raw: string): HeaderBlock {
  return { type: "header", text: plainText(raw, LIMITS.headerText) };
}

export function section(text: string, accessory?: Button): SectionBlock {
  return accessory === undefined ? { type: "section", text: mrkdwnText(text) } : { type: "section", text: mrkdwnText(text), accessory };
}

export function fieldsSection(fields: string[]): SectionBlock {
  return { type: "section", fields: fields.slice(0, LIMITS.fields).map((f) => mrkdwnText(f, LIMITS.fieldText)) };
}

export function context(texts: string[]): ContextBlock {
  return { type: "context", elements: texts.slice(0, LIMITS.contextElements).map((t) => mrkdwnText(t)) };
}

export function divider(): DividerBlock {
  return { type: "divider" };
}

export function actions(blockId: string, buttons: Button[]): ActionsBlock {
  return { type: "actions", block_id: blockId, elements: buttons };
}

export function button(
  label: string,
  actionId: string,
  extra: { value?: string; url?: string; style?: "primary" | "danger"; confirm?: ConfirmDialog } = {},
): Button {
  return { type: "button", text: plainText(label, LIMITS.buttonText), action_id: actionId, ...extra };
}

export function confirmDialog(parts: { title: string; text: string; confirm: string; deny: string; danger?: boolean }): ConfirmDialog {
  return {
    title: plainText(parts.title, LIMITS.confirmTitle),
    text: plainText(parts.text, LIMITS.confirmText),
    confirm: plainText(parts.confirm, LIMITS.confirmButton),
    deny: plainText(parts.deny, LIMITS.confirmButton),
    ...(parts.danger === true ? { style: "danger" as const } : {}),
  };
}

/** A button's label and, conservatively, its confirm dialog's texts. */
function buttonTextLength(button: Button): number {
  const confirm = button.confirm;
  const dialog =
    confirm === undefined ? 0 : [confirm.title, confirm.text, confirm.confirm, confirm.deny].reduce((n, t) => n + t.text.length, 0);
  return button.text.text.length + dialog;
}

/** Characters of text in a block, the way the 12 000-character message limit counts them. */
export function blockTextLength(block: Block): number {
  switch (block.type) {
    case "header":
      return block.text.text.length;
    case "section":
      return (
        (block.text?.text.length ?? 0) +
        (block.fields ?? []).reduce((n, f) => n + f.text.length, 0) +
        (block.accessory === undefined ? 0 : buttonTextLength(block.accessory))
      );
    case "context":
      return block.elements.reduce((n, e) => n + e.text.length, 0);
    case "actions":
      return block.elements.reduce((n, e) => n + buttonTextLength(e), 0);
    case "divider":
      return 0;
  }
}

export function totalTextLength(blocks: readonly Block[]): number {
  return blocks.reduce((n, b) => n + blockTextLength(b), 0);
}

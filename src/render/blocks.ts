/** Minimal Block Kit types and builders for what we render, plus Slack's limits. */
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
} as const;

export interface PlainText {
  type: "plain_text";
  text: string;
  emoji?: boolean;
}

export interface MrkdwnText {
  type: "mrkdwn";
  text: string;
}

export interface Button {
  type: "button";
  text: PlainText;
  action_id: string;
  value?: string;
  url?: string;
  style?: "primary" | "danger";
}

export interface HeaderBlock {
  type: "header";
  text: PlainText;
  block_id?: string;
}

export interface SectionBlock {
  type: "section";
  text?: MrkdwnText;
  fields?: MrkdwnText[];
  accessory?: Button;
  block_id?: string;
}

export interface ContextBlock {
  type: "context";
  elements: MrkdwnText[];
  block_id?: string;
}

export interface ActionsBlock {
  type: "actions";
  elements: Button[];
  block_id?: string;
}

export interface DividerBlock {
  type: "divider";
}

export type Block = HeaderBlock | SectionBlock | ContextBlock | ActionsBlock | DividerBlock;

export interface Message {
  /** One plain line for notifications and screen readers. */
  text: string;
  blocks: Block[];
}

export interface ModalView {
  type: "modal";
  callback_id: string;
  title: PlainText;
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

/** `text` must already be safe mrkdwn (API strings escaped). */
export function mrkdwnText(text: string, max: number = LIMITS.sectionText): MrkdwnText {
  return { type: "mrkdwn", text: nonEmpty(clampMrkdwn(text, max)) };
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

export function button(label: string, actionId: string, extra: { value?: string; url?: string; style?: "primary" } = {}): Button {
  return { type: "button", text: plainText(label, LIMITS.buttonText), action_id: actionId, ...extra };
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
        (block.accessory?.text.text.length ?? 0)
      );
    case "context":
      return block.elements.reduce((n, e) => n + e.text.length, 0);
    case "actions":
      return block.elements.reduce((n, e) => n + e.text.text.length, 0);
    case "divider":
      return 0;
  }
}

export function totalTextLength(blocks: readonly Block[]): number {
  return blocks.reduce((n, b) => n + blockTextLength(b), 0);
}

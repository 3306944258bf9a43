/**
 * Block Kit checks for tests: the vendored JSON schema (test/schemas, draft 2020-12, ajv) plus
 * the limits the schema does not enforce. Every function returns a list of readable problems
 * (empty = fine); the `assert…` variants throw one Error listing them.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { readSchema } from "./fixtures.js";

const SCHEMA_ID = "https://tightknit.com/schemas/slack-block-kit.schema.json";

export type Surface = "message" | "modal";

export const SLACK_LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  totalText: 12_000,
  messageText: 4000,
} as const;

let compiled: { blocks: ValidateFunction; modal: ValidateFunction; block: ValidateFunction } | undefined;

function validators() {
  if (compiled) return compiled;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormatsModule.default(ajv);
  ajv.addSchema(readSchema("slack-block-kit.schema.json"));
  const get = (ref: string) => {
    const v = ajv.getSchema(`${SCHEMA_ID}${ref}`);
    if (!v) throw new Error(`schema ${ref} not found`);
    return v;
  };
  compiled = { blocks: get(""), modal: get("#/$defs/modal_view"), block: get("#/$defs/block") };
  return compiled;
}

function describe(errors: ErrorObject[] | null | undefined, where: string): string[] {
  return (errors ?? []).map(
    (e) => `${where}${e.instancePath || "/"} ${e.message ?? "is invalid"}${e.params ? ` ${JSON.stringify(e.params)}` : ""}`,
  );
}

/**
 * Schema problems of a blocks array. Each block is also checked on its own so a bad block is named
 * by its index; the oneOf noise is reduced to the alternative with the fewest errors.
 */
export function blockKitProblems(blocks: unknown): string[] {
  const v = validators();
  const valid: boolean = v.blocks(blocks);
  if (valid) return [];
  if (!Array.isArray(blocks)) return describe(v.blocks.errors, "blocks");
  const problems: string[] = [];
  blocks.forEach((block: unknown, index) => {
    if (!v.block(block)) problems.push(...bestAlternative(v.block.errors, `blocks[${index}]`));
  });
  return problems.length > 0 ? problems : describe(v.blocks.errors, "blocks");
}

/** Of a oneOf failure, the errors of the schema branch with the fewest errors (the intended block type). */
function bestAlternative(errors: ErrorObject[] | null | undefined, where: string): string[] {
  const list = errors ?? [];
  const byBranch = new Map<string, ErrorObject[]>();
  for (const error of list) {
    const branch = /^#\/\$defs\/block\/oneOf\/\d+/.exec(error.schemaPath)?.[0] ?? "other";
    byBranch.set(branch, [...(byBranch.get(branch) ?? []), error]);
  }
  const typed = [...byBranch.values()].filter((errs) => !errs.some((e) => e.keyword === "const" && e.instancePath === "/type"));
  const best = (typed.length > 0 ? typed : [list]).sort((a, b) => a.length - b.length)[0] ?? list;
  return describe(best, where);
}

export function modalViewProblems(view: unknown): string[] {
  const v = validators();
  const valid: boolean = v.modal(view);
  if (valid) return [];
  const blocks = (view as { blocks?: unknown } | null)?.blocks;
  const blockProblems = Array.isArray(blocks) ? blockKitProblems(blocks) : [];
  return blockProblems.length > 0 ? blockProblems : describe(v.modal.errors, "view");
}

interface TextObject {
  type: "plain_text" | "mrkdwn";
  text: string;
}

function isTextObject(value: unknown): value is TextObject {
  const v = value as { type?: unknown; text?: unknown } | null;
  return typeof v === "object" && v !== null && (v.type === "plain_text" || v.type === "mrkdwn") && typeof v.text === "string";
}

/** Every text object (header, section text and fields, context, buttons…) under `value`. */
export function textObjects(value: unknown): TextObject[] {
  const out: TextObject[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === "object" && node !== null) {
      if (isTextObject(node)) out.push(node);
      Object.values(node).forEach(walk);
    }
  };
  walk(value);
  return out;
}

export function mrkdwnTexts(value: unknown): string[] {
  return textObjects(value)
    .filter((t) => t.type === "mrkdwn")
    .map((t) => t.text);
}

/** Total text the way Slack's ~12 000-character message limit counts it (UTF-16 units, conservative). */
export function totalText(blocks: readonly unknown[]): number {
  return textObjects(blocks).reduce((n, t) => n + t.text.length, 0);
}

function ids(value: unknown, key: "block_id" | "action_id"): string[] {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === "object" && node !== null) {
      const id = (node as Record<string, unknown>)[key];
      if (typeof id === "string") out.push(id);
      Object.values(node).forEach(walk);
    }
  };
  walk(value);
  return out;
}

function duplicates(list: string[]): string[] {
  const seen = new Set<string>();
  return [...new Set(list.filter((id) => seen.size === seen.add(id).size))];
}

type AnyBlock = { type?: unknown; text?: { text?: unknown }; fields?: unknown[]; elements?: unknown[] };

/** Slack limits the schema does not check (block count, total text, unique ids), plus the per-field ones. */
export function slackLimitProblems(blocks: readonly unknown[], options: { surface: Surface }): string[] {
  const problems: string[] = [];
  const maxBlocks = options.surface === "modal" ? SLACK_LIMITS.modalBlocks : SLACK_LIMITS.messageBlocks;
  if (blocks.length === 0) problems.push("no blocks");
  if (blocks.length > maxBlocks) problems.push(`${blocks.length} blocks, more than ${maxBlocks} (${options.surface})`);
  blocks.forEach((raw, i) => {
    const block = raw as AnyBlock;
    const text = typeof block.text?.text === "string" ? block.text.text : "";
    if (block.type === "section") {
      if (text.length > SLACK_LIMITS.sectionText)
        problems.push(`blocks[${i}] section text has ${text.length} characters, more than ${SLACK_LIMITS.sectionText}`);
      const fields = block.fields ?? [];
      if (fields.length > SLACK_LIMITS.fields) problems.push(`blocks[${i}] has ${fields.length} fields, more than ${SLACK_LIMITS.fields}`);
      fields.forEach((f, j) => {
        const length = isTextObject(f) ? f.text.length : 0;
        if (length > SLACK_LIMITS.fieldText)
          problems.push(`blocks[${i}].fields[${j}] has ${length} characters, more than ${SLACK_LIMITS.fieldText}`);
      });
    }
    if (block.type === "header" && text.length > SLACK_LIMITS.headerText)
      problems.push(`blocks[${i}] header has ${text.length} characters, more than ${SLACK_LIMITS.headerText}`);
    if (block.type === "context" && (block.elements?.length ?? 0) > SLACK_LIMITS.contextElements) {
      problems.push(`blocks[${i}] context has ${block.elements?.length} elements, more than ${SLACK_LIMITS.contextElements}`);
    }
  });
  const total = totalText(blocks);
  if (total > SLACK_LIMITS.totalText) problems.push(`${total} characters of block text, more than ${SLACK_LIMITS.totalText}`);
  for (const id of duplicates(ids(blocks, "block_id"))) problems.push(`block_id "${id}" is used more than once`);
  for (const id of duplicates(ids(blocks, "action_id"))) problems.push(`action_id "${id}" is used more than once`);
  return problems;
}

function fail(what: string, problems: string[]): void {
  if (problems.length > 0) throw new Error(`${what} breaks Slack's rules:\n  - ${problems.slice(0, 30).join("\n  - ")}`);
}

export function assertWithinSlackLimits(blocks: readonly unknown[], options: { surface: Surface }): void {
  fail(`${options.surface} blocks`, slackLimitProblems(blocks, options));
}

/** A chat message `{ text, blocks }`: schema, limits, and a top-level text of 1…4000 characters. */
export function messageProblems(message: { text?: unknown; blocks?: unknown }): string[] {
  const problems: string[] = [];
  if (typeof message.text !== "string" || message.text.length === 0) problems.push("top-level text is missing");
  else if (message.text.length > SLACK_LIMITS.messageText)
    problems.push(`top-level text has ${message.text.length} characters, more than ${SLACK_LIMITS.messageText}`);
  if (!Array.isArray(message.blocks)) return [...problems, "blocks is not an array"];
  return [...problems, ...blockKitProblems(message.blocks), ...slackLimitProblems(message.blocks, { surface: "message" })];
}

export function assertValidMessage(message: { text?: unknown; blocks?: unknown }): void {
  fail("message", messageProblems(message));
}

/** A modal view: `$defs/modal_view` plus the limits (100 blocks). */
export function modalProblems(view: { blocks?: unknown }): string[] {
  const blocks = Array.isArray(view.blocks) ? view.blocks : [];
  return [...modalViewProblems(view), ...slackLimitProblems(blocks, { surface: "modal" })];
}

export function assertValidModal(view: { blocks?: unknown }): void {
  fail("modal view", modalProblems(view));
}

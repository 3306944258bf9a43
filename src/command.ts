/**
 * The command grammar shared by `/deploy-history` and app mentions (docs/architecture.md, "Data flow"):
 *
 *   (empty) | help | ? | 도움말             → help
 *   projects | 프로젝트 [filter]             → projects
 *   <history link>                           → history
 *   <project> <historyId>                    → history
 *   <project> latest | 최근 | 최신           → latest
 *   <project>                                → list
 *   deploy <project> [stage] [scenario]      → deploy (opens the start-a-deployment modal)
 *   audit [project]                          → audit (the last actions from Slack)
 *
 * `<project>` is an id (1–20 digits) or a name. Keywords are reserved: they are never read as a
 * project name (a project called "latest" is reached by its id). Pure; never throws.
 */
import type { LinkOptions } from "./links.js";
import { linkInToken, parseHistoryLink } from "./links.js";
import type { Project } from "./sourcedeploy/model.js";

export type ProjectRef = { by: "id"; id: string } | { by: "name"; name: string };

export type InvalidReason = "unrecognized" | "bad_history_id" | "too_long";

export type Command =
  | { kind: "help" }
  | { kind: "history"; project: ProjectRef; historyId: string }
  | { kind: "list"; project: ProjectRef }
  | { kind: "latest"; project: ProjectRef }
  | { kind: "projects"; filter?: string }
  | { kind: "deploy"; project: ProjectRef; stage?: string; scenario?: string }
  | { kind: "audit"; project?: ProjectRef }
  | { kind: "invalid"; input: string; reason: InvalidReason };

export type ProjectResolution = { kind: "found"; project: Project } | { kind: "ambiguous"; candidates: Project[] } | { kind: "none" };

export const MAX_COMMAND_LENGTH = 1000;
/** `invalid.input` is cut to this many characters (plus "…") for display. */
export const MAX_ECHOED_INPUT = 200;

const HELP_WORDS: ReadonlySet<string> = new Set(["help", "?", "도움말"]);
const LATEST_WORDS: ReadonlySet<string> = new Set(["latest", "최근", "최신"]);
const PROJECTS_WORDS: ReadonlySet<string> = new Set(["projects", "프로젝트"]);
const LEADING_MENTION = /^<@[A-Za-z0-9]+(?:\|[^<>]*)?>/;
const ID = /^\d{1,20}$/;
const DIGITS = /^\d+$/;
const PROJECT_NAME = /^[\p{L}\p{Nd}_.-]{1,100}$/u;

/** Invisible formatting characters (zero-width spaces, direction marks, BOM) that copy-paste brings along. */
const INVISIBLE = /\p{Cf}/gu;

export function parseCommand(text: string, options: LinkOptions): Command {
  const raw = typeof text === "string" ? text : "";
  if (raw.length > MAX_COMMAND_LENGTH * 10) return invalid(raw.trim(), "too_long");
  const trimmed = raw.replace(INVISIBLE, "").trim();
  if (trimmed.length > MAX_COMMAND_LENGTH) return invalid(trimmed, "too_long");
  const body = trimmed.replace(LEADING_MENTION, "").trim();
  const tokens = tokenize(body);
  const [first, second, ...rest] = tokens;
  if (first === undefined) return { kind: "help" };
  const acting = actingCommand(tokens, body);
  if (acting !== undefined) return acting;
  if (rest.length > 0) return invalid(body, "unrecognized");
  const keyword = keywordOf(first);
  if (keyword === "help") return second === undefined ? { kind: "help" } : invalid(body, "unrecognized");
  if (keyword === "projects") return projectsCommand(second, body);
  if (keyword === "latest") return invalid(body, "unrecognized");
  const link = linkInToken(first);
  if (link !== undefined) return second === undefined ? historyFromLink(link, body, options) : invalid(body, "unrecognized");
  const project = projectRef(first);
  if (project === undefined) return invalid(body, "unrecognized");
  if (second === undefined) return { kind: "list", project };
  if (keywordOf(second) === "latest") return { kind: "latest", project };
  return ID.test(second) ? { kind: "history", project, historyId: second } : invalid(body, "bad_history_id");
}

/** Exact name (case-sensitive, then case-insensitive), then unique case-insensitive prefix. */
export function resolveProjectName(name: string, projects: readonly Project[]): ProjectResolution {
  const wanted = typeof name === "string" ? name.trim() : "";
  if (wanted === "") return { kind: "none" };
  const lower = wanted.toLowerCase();
  const tiers = [
    projects.filter((p) => p.name === wanted),
    projects.filter((p) => p.name.toLowerCase() === lower),
    projects.filter((p) => p.name.toLowerCase().startsWith(lower)),
  ];
  const matches = tiers.find((tier) => tier.length > 0);
  if (matches === undefined) return { kind: "none" };
  const [only] = matches;
  return matches.length === 1 && only !== undefined ? { kind: "found", project: only } : { kind: "ambiguous", candidates: matches };
}

/** Splits on whitespace, except inside a Slack `<…>` span (a link label may contain spaces). */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let current = "";
  let inAngle = false;
  for (const char of text) {
    if (char === "<") inAngle = true;
    else if (char === ">") inAngle = false;
    if (!inAngle && /\s/.test(char)) {
      if (current !== "") tokens.push(current);
      current = "";
    } else {
      current += char;
    }
  }
  if (current !== "") tokens.push(current);
  return tokens;
}

function keywordOf(token: string): "help" | "latest" | "projects" | undefined {
  const word = token.normalize("NFC").toLowerCase();
  if (HELP_WORDS.has(word)) return "help";
  if (LATEST_WORDS.has(word)) return "latest";
  if (PROJECTS_WORDS.has(word)) return "projects";
  return undefined;
}

function projectsCommand(filter: string | undefined, body: string): Command {
  if (filter === undefined) return { kind: "projects" };
  return PROJECT_NAME.test(filter) ? { kind: "projects", filter } : invalid(body, "unrecognized");
}

function historyFromLink(url: string, body: string, options: LinkOptions): Command {
  const ref = parseHistoryLink(url, options);
  return ref === undefined
    ? invalid(body, "unrecognized")
    : { kind: "history", project: { by: "id", id: ref.projectId }, historyId: ref.historyId };
}

function projectRef(token: string): ProjectRef | undefined {
  if (DIGITS.test(token)) return ID.test(token) ? { by: "id", id: token } : undefined;
  return PROJECT_NAME.test(token) ? { by: "name", name: token } : undefined;
}

// ---- acting from Slack (issue 14) ----------------------------------------------------------------

const CHOICE = /^[\p{L}\p{Nd}_.-]{1,100}$/u;

/** `deploy <project> [stage] [scenario]` and `audit [project]`; undefined when the first word is neither. */
function actingCommand(tokens: readonly string[], body: string): Command | undefined {
  const [first, second, ...rest] = tokens;
  const word = first?.toLowerCase();
  if (word === "audit") {
    if (rest.length > 0) return invalid(body, "unrecognized");
    if (second === undefined) return { kind: "audit" };
    const project = projectRef(second);
    return project ? { kind: "audit", project } : invalid(body, "unrecognized");
  }
  if (word !== "deploy") return undefined;
  const project = second === undefined ? undefined : projectRef(second);
  const [stage, scenario, ...extra] = rest;
  if (project === undefined || extra.length > 0 || ![stage, scenario].every((t) => t === undefined || CHOICE.test(t))) {
    return invalid(body, "unrecognized");
  }
  return { kind: "deploy", project, ...(stage === undefined ? {} : { stage }), ...(scenario === undefined ? {} : { scenario }) };
}

function invalid(input: string, reason: InvalidReason): Command {
  return { kind: "invalid", input: echo(input), reason };
}

/** Cut for display without splitting a surrogate pair. */
function echo(input: string): string {
  if (input.length <= MAX_ECHOED_INPUT) return input;
  const cut = input.slice(0, MAX_ECHOED_INPUT);
  const last = cut.charCodeAt(cut.length - 1);
  return (last >= 0xd800 && last <= 0xdbff ? cut.slice(0, -1) : cut) + "…";
}

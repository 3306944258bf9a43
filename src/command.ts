/**
 * The command grammar shared by `/deploy-history` and app mentions (docs/architecture.md, "Data flow"):
 *
 *   (empty) | help | ? | 도움말             → help
 *   projects | 프로젝트 [filter]             → projects
 *   <history link>                           → history
 *   <project> <historyId>                    → history
 *   <project> latest | 최근 | 최신           → latest
 *   <project>                                → list
 *   subscribe | 구독 <project> [stage …] [failures | 실패]  → subscribe (this channel)
 *   unsubscribe | 구독취소 <project>          → unsubscribe
 *   subscriptions | 구독목록                  → subscriptions (this channel's)
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
  | SubscriptionCommand
  | { kind: "invalid"; input: string; reason: InvalidReason };

/** The channel subscription commands (issue 13); kept apart from the lookup grammar. */
export type SubscriptionCommand =
  | { kind: "subscribe"; project: ProjectRef; stages: string[]; failuresOnly: boolean }
  | { kind: "unsubscribe"; project: ProjectRef }
  | { kind: "subscriptions" };

export function isSubscriptionCommand(command: Command): command is SubscriptionCommand {
  return command.kind === "subscribe" || command.kind === "unsubscribe" || command.kind === "subscriptions";
}

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
  const subscription = subscriptionCommand(tokens, body);
  if (subscription !== undefined) return subscription;
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

// ---- subscriptions --------------------------------------------------------------------------

const SUBSCRIPTION_WORDS: Readonly<Record<string, SubscriptionCommand["kind"]>> = {
  subscribe: "subscribe",
  구독: "subscribe",
  unsubscribe: "unsubscribe",
  구독취소: "unsubscribe",
  subscriptions: "subscriptions",
  구독목록: "subscriptions",
};
const FAILURES_WORDS: ReadonlySet<string> = new Set(["failures", "실패"]);
/** Stage names one subscription may list. */
export const MAX_SUBSCRIPTION_STAGES = 10;

/** A subscription command, an invalid one, or undefined when the first word is not a subscription keyword. */
function subscriptionCommand(tokens: readonly string[], body: string): Command | undefined {
  const [first, project, ...rest] = tokens;
  const kind = first === undefined ? undefined : SUBSCRIPTION_WORDS[first.normalize("NFC").toLowerCase()];
  if (kind === undefined) return undefined;
  if (kind === "subscriptions") return project === undefined ? { kind } : invalid(body, "unrecognized");
  const ref = project === undefined ? undefined : projectRef(project);
  if (ref === undefined) return invalid(body, "unrecognized");
  if (kind === "unsubscribe") return rest.length === 0 ? { kind, project: ref } : invalid(body, "unrecognized");
  const words = rest.map((w) => w.normalize("NFC"));
  const failuresOnly = words.some((w) => FAILURES_WORDS.has(w.toLowerCase()));
  const stages = [...new Set(words.filter((w) => !FAILURES_WORDS.has(w.toLowerCase())))];
  if (stages.length > MAX_SUBSCRIPTION_STAGES || !stages.every((s) => PROJECT_NAME.test(s))) return invalid(body, "unrecognized");
  return { kind, project: ref, stages, failuresOnly };
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

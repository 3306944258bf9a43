/**
 * The command grammar shared by `/deploy-history` and app mentions (docs/architecture.md, "Data flow"):
 *
 *   (empty) | help | ? | 도움말             → help
 *   projects | 프로젝트 [filter]             → projects
 *   <history link>                           → history
 *   <project> <historyId>                    → history
 *   <project> latest | 최근 | 최신           → latest
 *   <project>                                → list
 *   <project> <filter words, any order>      → search (see FILTER WORDS below)
 *   stats | 통계 <project> [stage…] [Nd]     → stats (default 7 days)
 *   diff | 비교 <project> <id> [<id>]         → diff (one id: against the last success before it)
 *   diff | 비교 <history link> [<link>|<id>]
 *
 * Filter words: a status (failed/실패, running/진행 중/진행중, succeeded/success/성공,
 * canceled/취소, waiting/pending/승인 대기), a time range (today/오늘, yesterday/어제,
 * this week/이번 주/이번주, 24h, Nd/N일 such as 7d/7일 and 30d/30일, since YYYY-MM-DD /
 * YYYY-MM-DD 이후, a bare YYYY-MM-DD for that one day), a count (`5`, last 20 / 최근 20, at most 50;
 * `latest` among filters means 1), and any other name-shaped word as a stage name (the answer checks
 * it against the project's stages). Anything else is an unknown word, named in the answer.
 * A lone number after the project is a count when it is 1–50, else a history id.
 *   subscribe | 구독 <project> [stage …] [failures | 실패]  → subscribe (this channel)
 *   unsubscribe | 구독취소 <project>          → unsubscribe
 *   subscriptions | 구독목록                  → subscriptions (this channel's)
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

export type InvalidReason = "unrecognized" | "bad_history_id" | "too_long" | "two_ranges";

/** Status words, each a group of SourceDeploy statuses (see ask/filter.ts). */
export const STATUS_GROUPS = ["failed", "running", "succeeded", "canceled", "waiting"] as const;
export type StatusGroup = (typeof STATUS_GROUPS)[number];

/** A time range, resolved against "now" and TIME_ZONE when answering (ask/range.ts). */
export type TimeRange =
  | { kind: "today" }
  | { kind: "yesterday" }
  | { kind: "this_week" }
  | { kind: "hours"; hours: number }
  | { kind: "days"; days: number }
  | { kind: "since"; date: string }
  | { kind: "on"; date: string };

export interface Filter {
  statuses: StatusGroup[];
  /** Stage names as typed; checked against the project's stages when answering. */
  stages: string[];
  range?: TimeRange;
  /** 1–50. */
  count?: number;
}

/** The largest count a search shows. */
export const MAX_SEARCH_COUNT = 50;
/** The longest `Nd` / `N일` range, and the longest `Nh`. */
export const MAX_RANGE_DAYS = 90;
export const MAX_RANGE_HOURS = 24 * MAX_RANGE_DAYS;

export type Command =
  | { kind: "help" }
  | { kind: "history"; project: ProjectRef; historyId: string }
  | { kind: "list"; project: ProjectRef }
  | { kind: "latest"; project: ProjectRef }
  | { kind: "projects"; filter?: string }
  | { kind: "search"; project: ProjectRef; filter: Filter; unknown: string[] }
  | { kind: "stats"; project: ProjectRef; stages: string[]; days: number; unknown: string[] }
  | { kind: "diff"; project: ProjectRef; historyId: string; against?: string }
  | SubscriptionCommand
  | { kind: "deploy"; project: ProjectRef; stage?: string; scenario?: string }
  | { kind: "audit"; project?: ProjectRef }
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
const STATS_WORDS: ReadonlySet<string> = new Set(["stats", "통계"]);
const DIFF_WORDS: ReadonlySet<string> = new Set(["diff", "비교"]);
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
  const acting = actingCommand(tokens, body);
  if (acting !== undefined) return acting;
  const keyword = keywordOf(first);
  if (keyword === "stats") return statsCommand(tokens.slice(1), body);
  if (keyword === "diff") return diffCommand(tokens.slice(1), body, options);
  if (keyword === "help") return second === undefined ? { kind: "help" } : invalid(body, "unrecognized");
  if (keyword === "projects") return rest.length > 0 ? invalid(body, "unrecognized") : projectsCommand(second, body);
  if (keyword === "latest") return invalid(body, "unrecognized");
  const link = linkInToken(first);
  if (link !== undefined) return second === undefined ? historyFromLink(link, body, options) : invalid(body, "unrecognized");
  const project = projectRef(first);
  if (project === undefined) return invalid(body, "unrecognized");
  if (second === undefined) return { kind: "list", project };
  if (rest.length === 0) {
    if (keywordOf(second) === "latest") return { kind: "latest", project };
    if (ID.test(second) && Number(second) > MAX_SEARCH_COUNT) return { kind: "history", project, historyId: second };
    const only = readFilterWords([second]);
    if (only.unknown.length === 0 && only.stages.length === 0) return searchOf(project, only, body);
    if (looksNumeric(second)) return invalid(body, "bad_history_id");
  }
  return searchOf(project, readFilterWords(tokens.slice(1)), body);
}

/** A mistyped history id (`90334x`, `1.5`, `-1`) rather than a stage name (`prod-web2`): mostly digits. */
function looksNumeric(word: string): boolean {
  const digits = word.match(/\p{Nd}/gu)?.length ?? 0;
  return digits > 0 && digits >= word.length - digits;
}

/** The words a filter knows, for "did you mean …?" suggestions (keywords of both languages). */
export const FILTER_WORDS: readonly string[] = [
  "failed",
  "실패",
  "running",
  "진행중",
  "succeeded",
  "success",
  "성공",
  "canceled",
  "취소",
  "waiting",
  "pending",
  "today",
  "오늘",
  "yesterday",
  "어제",
  "이번주",
  "24h",
  "7d",
  "7일",
  "30d",
  "30일",
  "since",
  "이후",
  "last",
  "최근",
  "latest",
];

const STATUS_WORDS = new Map<string, StatusGroup>([
  ["failed", "failed"],
  ["fail", "failed"],
  ["failure", "failed"],
  ["실패", "failed"],
  ["running", "running"],
  ["진행중", "running"],
  ["진행 중", "running"],
  ["succeeded", "succeeded"],
  ["success", "succeeded"],
  ["successful", "succeeded"],
  ["성공", "succeeded"],
  ["canceled", "canceled"],
  ["cancelled", "canceled"],
  ["취소", "canceled"],
  ["waiting", "waiting"],
  ["pending", "waiting"],
  ["승인 대기", "waiting"],
  ["대기", "waiting"],
]);

const RANGE_WORDS = new Map<string, TimeRange>([
  ["today", { kind: "today" }],
  ["오늘", { kind: "today" }],
  ["yesterday", { kind: "yesterday" }],
  ["어제", { kind: "yesterday" }],
  ["this week", { kind: "this_week" }],
  ["이번 주", { kind: "this_week" }],
  ["이번주", { kind: "this_week" }],
]);

const DAYS = /^(\d{1,3})(?:d|일|days?)$/;
const HOURS = /^(\d{1,4})(?:h|시간|hours?)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const COUNT = /^(\d{1,3})(?:건|개)?$/;
const COUNT_WORDS: ReadonlySet<string> = new Set(["last", "최근"]);

interface FilterWords extends Filter {
  unknown: string[];
  /** Time words in the order given; more than one is a conflict. */
  ranges: string[];
}

/** Reads filter words in any order; two-word phrases ("this week", "진행 중", "since …") first. */
export function readFilterWords(tokens: readonly string[]): FilterWords {
  const words = tokens.map((t) => t.normalize("NFC"));
  const out: FilterWords = { statuses: [], stages: [], unknown: [], ranges: [] };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? "";
    const next = words[i + 1];
    const lower = word.toLowerCase();
    const pair = next === undefined ? undefined : `${lower} ${next.toLowerCase()}`;
    if (pair !== undefined && (STATUS_WORDS.has(pair) || RANGE_WORDS.has(pair))) {
      addPhrase(out, pair, `${word} ${next}`);
      i++;
    } else if (next !== undefined && lower === "since" && dateOf(next) !== undefined) {
      setRange(out, { kind: "since", date: next }, `${word} ${next}`);
      i++;
    } else if (next !== undefined && dateOf(word) !== undefined && (next === "이후" || next === "부터")) {
      setRange(out, { kind: "since", date: word }, `${word} ${next}`);
      i++;
    } else if (next !== undefined && COUNT_WORDS.has(lower) && COUNT.test(next)) {
      setCount(out, Number(COUNT.exec(next)?.[1]));
      i++;
    } else if (STATUS_WORDS.has(lower) || RANGE_WORDS.has(lower)) {
      addPhrase(out, lower, word);
    } else if (keywordOf(word) === "latest") {
      setCount(out, 1);
    } else {
      readWord(out, word, lower);
    }
  }
  return out;
}

function readWord(out: FilterWords, word: string, lower: string): void {
  const days = DAYS.exec(lower);
  const hours = HOURS.exec(lower);
  const count = COUNT.exec(lower);
  if (days && Number(days[1]) >= 1 && Number(days[1]) <= MAX_RANGE_DAYS) setRange(out, { kind: "days", days: Number(days[1]) }, word);
  else if (hours && Number(hours[1]) >= 1 && Number(hours[1]) <= MAX_RANGE_HOURS)
    setRange(out, { kind: "hours", hours: Number(hours[1]) }, word);
  else if (dateOf(word) !== undefined) setRange(out, { kind: "on", date: word }, word);
  else if (count && Number(count[1]) >= 1 && Number(count[1]) <= MAX_SEARCH_COUNT) setCount(out, Number(count[1]));
  else if (PROJECT_NAME.test(word) && !/^\p{Nd}+$/u.test(word) && keywordOf(word) === undefined && !FILTER_WORDS.includes(lower))
    out.stages.push(word);
  else out.unknown.push(word);
}

function addPhrase(out: FilterWords, key: string, typed: string): void {
  const status = STATUS_WORDS.get(key);
  if (status !== undefined) {
    if (!out.statuses.includes(status)) out.statuses.push(status);
    return;
  }
  const range = RANGE_WORDS.get(key);
  if (range !== undefined) setRange(out, range, typed);
}

function setRange(out: FilterWords, range: TimeRange, typed: string): void {
  out.ranges.push(typed);
  out.range ??= range;
}

/** `last 100` asks for as many as we show: the count is capped, not refused. */
function setCount(out: FilterWords, count: number): void {
  out.count = Math.min(MAX_SEARCH_COUNT, Math.max(1, count));
}

/** A real calendar date written YYYY-MM-DD, or undefined. */
export function dateOf(text: string): { year: number; month: number; day: number } | undefined {
  const match = DATE.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1970 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day
    ? { year, month, day }
    : undefined;
}

function searchOf(project: ProjectRef, words: FilterWords, body: string): Command {
  if (words.ranges.length > 1) return invalid(body, "two_ranges");
  const { statuses, stages, range, count, unknown } = words;
  const filter: Filter = { statuses, stages, ...(range && { range }), ...(count !== undefined && { count }) };
  return { kind: "search", project, filter, unknown };
}

/** The default and the choices of `stats`: days back from today. */
export const DEFAULT_STATS_DAYS = 7;

function statsCommand(tokens: readonly string[], body: string): Command {
  const [first, ...rest] = tokens;
  const project = first === undefined ? undefined : projectRef(first);
  if (project === undefined || linkInToken(first ?? "") !== undefined) return invalid(body, "unrecognized");
  const words = readFilterWords(rest);
  if (words.ranges.length > 1) return invalid(body, "two_ranges");
  // Stats count days; any other filter word is named back to the asker.
  const unknown = [...words.unknown, ...words.statuses.map(String), ...(words.count === undefined ? [] : [String(words.count)])];
  let days = DEFAULT_STATS_DAYS;
  if (words.range?.kind === "days") days = words.range.days;
  else if (words.range !== undefined) unknown.push(words.ranges[0] ?? "");
  return { kind: "stats", project, stages: words.stages, days, unknown };
}

function diffCommand(tokens: readonly string[], body: string, options: LinkOptions): Command {
  const [first, second, third, ...rest] = tokens;
  if (first === undefined || rest.length > 0) return invalid(body, "unrecognized");
  const link = linkInToken(first);
  if (link !== undefined) {
    const ref = parseHistoryLink(link, options);
    if (ref === undefined || third !== undefined) return invalid(body, "unrecognized");
    const against = second === undefined ? undefined : againstOf(second, ref.projectId, options);
    if (second !== undefined && against === undefined) return invalid(body, "unrecognized");
    return { kind: "diff", project: { by: "id", id: ref.projectId }, historyId: ref.historyId, ...(against !== undefined && { against }) };
  }
  const project = projectRef(first);
  if (project === undefined || second === undefined || !ID.test(second)) return invalid(body, "unrecognized");
  if (third !== undefined && !ID.test(third)) return invalid(body, "bad_history_id");
  return { kind: "diff", project, historyId: second, ...(third !== undefined && { against: third }) };
}

/** The second history of a diff given as a link: it must be in the same project. */
function againstOf(token: string, projectId: string, options: LinkOptions): string | undefined {
  if (ID.test(token)) return token;
  const link = linkInToken(token);
  const ref = link === undefined ? undefined : parseHistoryLink(link, options);
  return ref !== undefined && ref.projectId === projectId ? ref.historyId : undefined;
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

function keywordOf(token: string): "help" | "latest" | "projects" | "stats" | "diff" | undefined {
  const word = token.normalize("NFC").toLowerCase();
  if (HELP_WORDS.has(word)) return "help";
  if (LATEST_WORDS.has(word)) return "latest";
  if (PROJECTS_WORDS.has(word)) return "projects";
  if (STATS_WORDS.has(word)) return "stats";
  if (DIFF_WORDS.has(word)) return "diff";
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

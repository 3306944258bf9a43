/**
 * Finding SourceDeploy history references in URLs and Slack message text (docs/architecture.md, "Data flow").
 * Everything here is pure, never throws, and runs in linear time whatever the input: the only
 * regexes used on untrusted text have no nested or overlapping quantifiers.
 */

export interface HistoryRef {
  projectId: string;
  historyId: string;
}

export interface HistoryLink extends HistoryRef {
  url: string;
}

export interface LinkOptions {
  /** The configured SourceDeploy API base; its host is recognized too (e.g. a 127.0.0.1 fake). */
  apiBaseUrl: string;
  /** `HISTORY_LINK_PATTERNS`, compiled, with named groups `projectId` and `historyId`. */
  extraPatterns: readonly RegExp[];
}

/** Longer URLs are ignored: no real history link is this long, and it bounds operator regexes. */
export const MAX_URL_LENGTH = 4096;

const CONSOLE_HOSTS: ReadonlySet<string> = new Set(["console.ncloud.com", "console.gov-ncloud.com", "console.fin-ncloud.com"]);
const API_GATEWAY_HOST = /^(?:vpc)?sourcedeploy\.apigw\.(?:gov-|fin-)?ntruss\.com$/;
const ID = /^\d{1,20}$/;
const HTTP_URL_START = /^https?:\/\//i;
/** One Slack `<…>` span, or one run of text without whitespace or angle brackets. */
const TEXT_TOKEN = /<([^<>]*)>|[^\s<>]+/g;
const LEADING_WRAPPERS = new Set(["(", "[", "{", '"', "'", "*", "_", "~", "`"]);
const TRAILING_PUNCTUATION = new Set([".", ",", ";", ":", "!", "?", ")", "]", "}", '"', "'", "*", "_", "~", "`"]);

export function isRecognizedHost(hostname: string, options: LinkOptions): boolean {
  if (typeof hostname !== "string" || hostname === "") return false;
  const host = hostname.toLowerCase();
  return CONSOLE_HOSTS.has(host) || API_GATEWAY_HOST.test(host) || host === apiHost(options.apiBaseUrl);
}

/** A single URL → its history reference, or undefined when it is not a history link. */
export function parseHistoryLink(url: string, options: LinkOptions): HistoryRef | undefined {
  if (typeof url !== "string" || url.length > MAX_URL_LENGTH || hasWhitespaceOrControl(url)) return undefined;
  const parsed = safeUrl(url);
  if (parsed === undefined || (parsed.protocol !== "http:" && parsed.protocol !== "https:")) return undefined;
  const builtIn = isRecognizedHost(parsed.hostname, options) ? refFromUrlParts(parsed) : undefined;
  return builtIn ?? refFromExtraPatterns(url, options.extraPatterns);
}

/**
 * All history links in a Slack message text, de-duplicated by URL, in order of appearance. Handles
 * Slack's `<url>` and `<url|label>` forms and bare URLs; Slack's `&amp;` `&lt;` `&gt;` escapes in a
 * URL are undone, so `url` is the address itself.
 */
export function findHistoryLinks(text: string, options: LinkOptions): HistoryLink[] {
  if (typeof text !== "string") return [];
  const links: HistoryLink[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(TEXT_TOKEN)) {
    const url = match[1] !== undefined ? slackLinkTarget(match[1]) : bareUrl(match[0]);
    if (url === undefined || seen.has(url)) continue;
    const ref = parseHistoryLink(url, options);
    if (ref === undefined) continue;
    seen.add(url);
    links.push({ url, ...ref });
  }
  return links;
}

/**
 * The http(s) URL a single command token stands for: `<url>`, `<url|label>` or a bare URL.
 * Undefined when the token is not an http(s) link (mentions, channels, other schemes, plain words).
 */
export function linkInToken(token: string): string | undefined {
  if (token.startsWith("<")) {
    return token.endsWith(">") && token.length >= 2 ? slackLinkTarget(token.slice(1, -1)) : undefined;
  }
  return HTTP_URL_START.test(token) ? unescapeSlack(token) : undefined;
}

/** Fills `{projectId}` / `{historyId}` in the `SOURCEDEPLOY_CONSOLE_URL` template. */
export function consoleUrl(template: string, ref: HistoryRef): string {
  return template.replaceAll("{projectId}", encodeURIComponent(ref.projectId)).replaceAll("{historyId}", encodeURIComponent(ref.historyId));
}

function slackLinkTarget(inner: string): string | undefined {
  const bar = inner.indexOf("|");
  const target = bar === -1 ? inner : inner.slice(0, bar);
  return HTTP_URL_START.test(target) ? unescapeSlack(target) : undefined;
}

/** A bare URL only counts when the word starts with it (after opening quotes or brackets), so
 * `javascript:x//https://…` or `https://evil/?to=https://…` does not yield the inner address. */
function bareUrl(word: string): string | undefined {
  let start = 0;
  let end = word.length;
  while (start < end && LEADING_WRAPPERS.has(word.charAt(start))) start++;
  while (end > start && TRAILING_PUNCTUATION.has(word.charAt(end - 1))) end--;
  const candidate = word.slice(start, end);
  return HTTP_URL_START.test(candidate) ? unescapeSlack(candidate) : undefined;
}

function unescapeSlack(value: string): string {
  return value.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&amp;", "&");
}

function refFromUrlParts(url: URL): HistoryRef | undefined {
  return refFromPath(url.pathname) ?? refFromQuery(url.searchParams) ?? refFromFragment(url.hash);
}

/** `/…/project/{id}/…/history/{id}`. Segments stay percent-encoded, so `%2F` never splits one;
 * WHATWG URL has already resolved `..` in a real path. */
function refFromPath(path: string): HistoryRef | undefined {
  const segments = path.split("/");
  let projectId: string | undefined;
  for (let i = 0; i + 1 < segments.length; i++) {
    const name = (segments[i] ?? "").toLowerCase();
    const value = segments[i + 1] ?? "";
    if (projectId === undefined) {
      if (name === "project" && isId(value)) {
        projectId = value;
        i++;
      }
    } else if (name === "history" && isId(value)) {
      return { projectId, historyId: value };
    }
  }
  return undefined;
}

function refFromQuery(params: URLSearchParams): HistoryRef | undefined {
  let projectId: string | undefined;
  let historyId: string | undefined;
  for (const [key, value] of params) {
    const name = key.toLowerCase();
    if (name === "projectid" && projectId === undefined) projectId = value;
    else if (name === "historyid" && historyId === undefined) historyId = value;
  }
  return projectId !== undefined && historyId !== undefined && isId(projectId) && isId(historyId) ? { projectId, historyId } : undefined;
}

/** SPA routes: `#/project/1/history/2`, `#!/…`, `#/…?projectId=1&historyId=2`, `#projectId=1&historyId=2`.
 * Nothing resolves `..` in a fragment, so a fragment path with dot segments is not trusted at all. */
function refFromFragment(hash: string): HistoryRef | undefined {
  const fragment = hash.replace(/^#!?/, "");
  if (fragment === "") return undefined;
  const question = fragment.indexOf("?");
  const path = question === -1 ? fragment : fragment.slice(0, question);
  const query = question === -1 ? "" : fragment.slice(question + 1);
  const fromPath = hasDotSegment(path) ? undefined : refFromPath(path);
  return fromPath ?? refFromQuery(new URLSearchParams(query)) ?? refFromQuery(new URLSearchParams(fragment));
}

function hasDotSegment(path: string): boolean {
  return path.split("/").some((segment) => {
    const decoded = segment.toLowerCase().replaceAll("%2e", ".");
    return decoded === "." || decoded === "..";
  });
}

function refFromExtraPatterns(url: string, patterns: readonly RegExp[]): HistoryRef | undefined {
  for (const pattern of patterns) {
    const groups = execOnce(pattern, url)?.groups;
    const projectId = groups?.projectId;
    const historyId = groups?.historyId;
    if (projectId !== undefined && historyId !== undefined && isId(projectId) && isId(historyId)) {
      return { projectId, historyId };
    }
  }
  return undefined;
}

/** `exec` on a global or sticky regex depends on (and moves) `lastIndex`; always match from the start. */
function execOnce(pattern: RegExp, text: string): RegExpExecArray | null {
  try {
    const stateless = pattern.global || pattern.sticky ? new RegExp(pattern.source, pattern.flags.replace(/[gy]/g, "")) : pattern;
    return stateless.exec(text);
  } catch {
    return null;
  }
}

function isId(value: string): boolean {
  return value.length <= 20 && ID.test(value);
}

function apiHost(apiBaseUrl: string): string | undefined {
  return typeof apiBaseUrl === "string" ? safeUrl(apiBaseUrl)?.hostname.toLowerCase() || undefined : undefined;
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

/** WHATWG URL silently drops tabs and newlines inside a URL; a real link never contains them. */
function hasWhitespaceOrControl(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f) return true;
  }
  return false;
}

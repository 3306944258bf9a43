/**
 * The secrets scan every e2e stack runs when it stops: no app output line and no payload that
 * reached a fake may contain a secret the app was given. What is deliberately not scanned:
 * - headers of Slack Web API calls (WebClient sends the bot token as `Authorization: Bearer`);
 * - the `token` form field of `auth.test` (Bolt calls `client.auth.test({ token })` at start-up,
 *   and WebClient puts call options into the form body);
 * - the SourceDeploy signature, access-key and timestamp headers (derived from, never equal to, the
 *   secret key).
 * The NCP access key is no secret, but it is logged only redacted (issue 10), so it is scanned too.
 * Everything else, including response_url headers, is scanned.
 */
import type { RecordedCall } from "../fakes/slack-fake.js";
import type { RecordedRequest } from "../fakes/sourcedeploy-fake.js";

export const TEST_SIGNING_SECRET = "test-signing-secret-0123456789abcdef";
export const TEST_BOT_TOKEN = "xoxb-0000000000-test-bot-token";
/** Not used in HTTP mode; scanned anyway so a Socket Mode stack is covered too. */
export const TEST_APP_TOKEN = "xapp-1-A0DEPLOYHIST-0000-test-app-token";
export const TEST_ACCESS_KEY = "AKTESTACCESS";
export const TEST_SECRET_KEY = "test-ncp-secret-key-do-not-log";

export interface Secret {
  name: string;
  value: string;
}

/** Where a text was seen (`app log line 12`, `slack chat.postMessage body`) and the text. */
export interface Scanned {
  where: string;
  text: string;
}

export interface Leak {
  secret: string;
  where: string;
  /** Up to 60 characters either side, with the secret replaced by its name. */
  excerpt: string;
}

/** Shorter values (e.g. a one-letter signing secret in a start-up test) would match everywhere. */
const MIN_SECRET_LENGTH = 8;
const SECRET_ENV = ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "NCP_SECRET_KEY"] as const;
const TEST_SECRETS: readonly Secret[] = [
  { name: "TEST_SECRET_KEY", value: TEST_SECRET_KEY },
  { name: "TEST_BOT_TOKEN", value: TEST_BOT_TOKEN },
  { name: "TEST_SIGNING_SECRET", value: TEST_SIGNING_SECRET },
  { name: "TEST_APP_TOKEN", value: TEST_APP_TOKEN },
  { name: "TEST_ACCESS_KEY", value: TEST_ACCESS_KEY },
];
const SIGNATURE_HEADERS = new Set(["x-ncp-apigw-signature-v2", "x-ncp-iam-access-key", "x-ncp-apigw-timestamp"]);

/** The test secrets plus the secret values of an app's environment (long enough to be distinctive). */
export function secretsOf(env: Record<string, string | undefined>): Secret[] {
  const fromEnv = SECRET_ENV.flatMap((name) => {
    const value = env[name];
    return value !== undefined && value.length >= MIN_SECRET_LENGTH ? [{ name, value }] : [];
  });
  const all = [...TEST_SECRETS, ...fromEnv];
  return all.filter((secret, index) => all.findIndex((s) => s.value === secret.value) === index);
}

export function findLeaks(texts: readonly Scanned[], secrets: readonly Secret[]): Leak[] {
  return texts.flatMap(({ where, text }) =>
    secrets.flatMap((secret) => {
      const at = text.indexOf(secret.value);
      return at < 0 ? [] : [{ secret: secret.name, where, excerpt: excerpt(text, at, secret) }];
    }),
  );
}

function excerpt(text: string, at: number, secret: Secret): string {
  const start = Math.max(0, at - 60);
  const end = Math.min(text.length, at + secret.value.length + 60);
  return text.slice(start, end).replaceAll(secret.value, `«${secret.name}»`);
}

export function logTexts(lines: readonly string[]): Scanned[] {
  return lines.map((text, index) => ({ where: `app output line ${index + 1}`, text }));
}

export function slackCallTexts(calls: readonly RecordedCall[]): Scanned[] {
  return calls.flatMap((call) => {
    const name = call.method === "response_url" ? `response_url ${call.id ?? "?"}` : `slack ${call.method}`;
    const body = call.method === "auth.test" ? withoutKey(call.body, "token") : call.body;
    const texts: Scanned[] = [{ where: `${name} body`, text: JSON.stringify(body) }];
    if (call.method === "response_url") texts.push({ where: `${name} headers`, text: JSON.stringify(call.headers) });
    return texts;
  });
}

export function sourceDeployRequestTexts(requests: readonly RecordedRequest[]): Scanned[] {
  return requests.flatMap((request) => {
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !SIGNATURE_HEADERS.has(name.toLowerCase())));
    const name = `sourcedeploy ${request.method} ${request.path.slice(0, 80)}`;
    return [
      { where: `${name} path`, text: request.path },
      { where: `${name} headers`, text: JSON.stringify(headers) },
    ];
  });
}

function withoutKey(record: Record<string, unknown>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

export class SecretLeakError extends Error {
  override readonly name = "SecretLeakError";
  readonly leaks: readonly Leak[];
  constructor(leaks: readonly Leak[]) {
    super(
      `secrets leaked in ${leaks.length} place(s):\n${leaks
        .slice(0, 20)
        .map((l) => `  - ${l.secret} in ${l.where}: ${l.excerpt}`)
        .join("\n")}`,
    );
    this.leaks = leaks;
  }
}

export function assertNoLeaks(leaks: readonly Leak[]): void {
  if (leaks.length > 0) throw new SecretLeakError(leaks);
}

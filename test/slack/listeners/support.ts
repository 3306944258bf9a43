/**
 * In-process listener tests: the real ListenerContext (createListenerContext) over the real
 * SourceDeploy client and cache, talking to the fake SourceDeploy on 127.0.0.1, and hand-built
 * Bolt listener arguments whose `ack`, `respond` and `client` record what the listener did.
 *
 *   const bed = await startListenerBed();                  // once per file (starts the fake)
 *   const ctx = bed.context({ policy });                   // per test; bed.closeContexts() in afterEach
 *   const { args, respond } = slashCommand("41027 903344");
 *   await deployHistoryCommand(ctx)(args);
 */
import type { webApi } from "@slack/bolt";
import { afterAll, afterEach, beforeAll, vi } from "vitest";
import { type AccessPolicy, OPEN_POLICY } from "../../../src/access/policy.js";
import { type Config, loadConfig } from "../../../src/config.js";
import { createLogger } from "../../../src/log.js";
import { messages } from "../../../src/render/index.js";
import { createListenerContext, type ListenerContext } from "../../../src/slack/context.js";
import type { ButtonArgs } from "../../../src/slack/listeners/actions/buttons.js";
import type { SlashCommandArgs } from "../../../src/slack/listeners/commands/args.js";
import type { AppMentionArgs } from "../../../src/slack/listeners/events/app-mention.js";
import type { LinkSharedArgs } from "../../../src/slack/listeners/events/link-shared.js";
import type { Respond } from "../../../src/slack/listeners/respond.js";
import { createSourceDeploy } from "../../../src/sourcedeploy/index.js";
import { type FakeSourceDeploy, startFakeSourceDeploy } from "../../fakes/sourcedeploy-fake.js";
import { readFixture } from "../../support/fixtures.js";

export const HOME_TEAM = "T0HOME";
export const CHANNEL = "C0DEPLOY";
export const USER = "U0ALICE";
export const RESPONSE_URL = "https://hooks.slack.test/commands/T0HOME/1/abc";
export const TRIGGER_ID = "1234.5678.trigger";
export const POSTED_TS = "1700000999.000100";
export const en = messages("en");

/** Ids the fake SourceDeploy serves: the fixtures, plus a running history this file sets up. */
export const FAILED = { projectId: "41027", historyId: "903344" };
export const RUNNING = { projectId: "41027", historyId: "904611" };
export const OTHER_PROJECT = { projectId: "41100", historyId: "904120" };

export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

export interface ListenerBed {
  sourceDeploy: FakeSourceDeploy;
  logs: LogLine[];
  /** A fresh context: its own history cache and live updates. */
  context(options?: { policy?: AccessPolicy; env?: Record<string, string> }): ListenerContext;
  /** Ends the live updates of every context made so far (none polls during a test: 1-hour interval). */
  closeContexts(): Promise<void>;
  close(): Promise<void>;
}

/**
 * One listener bed for a test file, serving the running history (904611): started before the
 * file's tests, its contexts closed after each test, closed after the file. `ready` gets the bed.
 */
export function useListenerBed(ready: (bed: ListenerBed) => void, serve: (sourceDeploy: FakeSourceDeploy) => void = () => undefined): void {
  let bed: ListenerBed | undefined;
  beforeAll(async () => {
    bed = await startListenerBed();
    serveRunningHistory(bed.sourceDeploy);
    serve(bed.sourceDeploy);
    ready(bed);
  });
  afterEach(() => bed?.closeContexts());
  afterAll(() => bed?.close());
}

export async function startListenerBed(): Promise<ListenerBed> {
  const sourceDeploy = await startFakeSourceDeploy();
  const logs: LogLine[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) } });
  const contexts: ListenerContext[] = [];
  const closeContexts = async () => {
    await Promise.all(contexts.splice(0).map((ctx) => ctx.live.close()));
  };
  return {
    sourceDeploy,
    logs,
    context({ policy = OPEN_POLICY, env = {} } = {}) {
      const config = testConfig(sourceDeploy, env);
      const { api, demo } = createSourceDeploy(config, logger);
      const ctx = createListenerContext({ config, api, demo, policy, installingTeam: Promise.resolve(HOME_TEAM), logger });
      contexts.push(ctx);
      return ctx;
    },
    closeContexts,
    async close() {
      await closeContexts();
      await sourceDeploy.close();
    },
  };
}

function testConfig(sourceDeploy: FakeSourceDeploy, env: Record<string, string>): Config {
  return loadConfig({
    SLACK_BOT_TOKEN: "xoxb-listener-tests",
    // Live updates' own Web API client; nothing listens there, and nothing polls within a test.
    SLACK_API_URL: "http://127.0.0.1:9/api",
    NCP_ACCESS_KEY: sourceDeploy.accessKey,
    NCP_SECRET_KEY: sourceDeploy.secretKey,
    SOURCEDEPLOY_API_URL: sourceDeploy.url,
    WATCH_INTERVAL_MS: "3600000",
    WATCH_MAX_INTERVAL_MS: "3600000",
    LOCALE: "en",
    TIME_ZONE: "UTC",
    ...env,
  });
}

/** The fixture of a running Server deployment, served as RUNNING. */
export function serveRunningHistory(sourceDeploy: FakeSourceDeploy): void {
  sourceDeploy.setHistory(RUNNING.projectId, RUNNING.historyId, readFixture("server-inprogress.wrapped.json"));
}

/** server-fail.json with `count` targets node-0…, served as 41027/<historyId>. */
export function serveManyTargets(sourceDeploy: FakeSourceDeploy, historyId: string, count: number): void {
  const body = readFixture<{ id: number; config: { targets: unknown[] }[] }>("server-fail.json");
  body.id = Number(historyId);
  body.config[0]!.targets = Array.from({ length: count }, (_, i) => ({
    server: { no: 1000 + i, name: `node-${i}` },
    status: "success",
    time: {},
    step: {},
  }));
  sourceDeploy.setHistory(FAILED.projectId, historyId, body);
}

/** A Slack Web API platform error, shaped as WebClient throws it. */
export function slackError(error: string): Error {
  return Object.assign(new Error(`An API error occurred: ${error}`), { code: "slack_webapi_platform_error", data: { ok: false, error } });
}

type SlackMethod = "chat.postMessage" | "chat.postEphemeral" | "chat.unfurl" | "views.open" | "views.update";

export interface FakeClient {
  client: webApi.WebClient;
  calls: { method: SlackMethod; args: Record<string, unknown> }[];
  /** The next call of `method` throws this Slack error. */
  failNext(method: SlackMethod, error: string): void;
}

/** The part of Bolt's WebClient the listeners use, recording every call. */
export function fakeClient(): FakeClient {
  const calls: FakeClient["calls"] = [];
  const failures = new Map<SlackMethod, string>();
  const method = (name: SlackMethod) => async (args: Record<string, unknown>) => {
    calls.push({ method: name, args });
    const failure = failures.get(name);
    failures.delete(name);
    if (failure) throw slackError(failure);
    return { ok: true, ...(name === "chat.postMessage" ? { ts: POSTED_TS, channel: args.channel } : {}) };
  };
  const client = {
    chat: { postMessage: method("chat.postMessage"), postEphemeral: method("chat.postEphemeral"), unfurl: method("chat.unfurl") },
    views: { open: method("views.open"), update: method("views.update") },
  };
  return { client: client as unknown as webApi.WebClient, calls, failNext: (name, error) => void failures.set(name, error) };
}

/** A `respond` that records payloads; `fail` makes it throw like an expired response_url. */
export function fakeRespond(fail?: Error) {
  return vi.fn<Respond>(async () => {
    if (fail) throw fail;
  });
}

export interface Asking {
  teamId?: string;
  userId?: string;
  channelId?: string;
}

export function slashCommand(text: string, who: Asking = {}, respond = fakeRespond()) {
  const ack = vi.fn(async () => undefined);
  const command = {
    token: "deprecated",
    command: "/deploy-history",
    text,
    response_url: RESPONSE_URL,
    trigger_id: TRIGGER_ID,
    team_id: who.teamId ?? HOME_TEAM,
    team_domain: "home",
    channel_id: who.channelId ?? CHANNEL,
    channel_name: "deploy",
    user_id: who.userId ?? USER,
    user_name: "alice",
    api_app_id: "A0APP",
  };
  const args = { ack, command, body: command, payload: command, respond } as unknown as SlashCommandArgs;
  return { args, ack, respond };
}

export function appMention(
  text: string,
  options: Asking & { ts?: string; threadTs?: string; userTeam?: string; externallyShared?: boolean } = {},
) {
  const fake = fakeClient();
  const ts = options.ts ?? "1700000300.000200";
  const event = {
    type: "app_mention",
    user: options.userId ?? USER,
    text: `<@UBOT> ${text}`,
    ts,
    channel: options.channelId ?? CHANNEL,
    event_ts: ts,
    ...(options.userTeam ? { user_team: options.userTeam } : {}),
    ...(options.threadTs ? { thread_ts: options.threadTs } : {}),
  };
  const body = {
    type: "event_callback",
    team_id: options.teamId ?? HOME_TEAM,
    event,
    event_id: "Ev0MENTION",
    is_ext_shared_channel: options.externallyShared ?? false,
  };
  const args = { event, body, payload: event, client: fake.client } as unknown as AppMentionArgs;
  return { args, ...fake };
}

export function linkShared(urls: string[], options: Asking & { composer?: boolean; externallyShared?: boolean } = {}) {
  const fake = fakeClient();
  const messageTs = options.composer ? "Uxxxxxxx-909b5454-75f8-4ac4-b325-1b40e230bbd8" : "1700000200.000100";
  const event = {
    type: "link_shared",
    channel: options.composer ? "COMPOSER" : (options.channelId ?? CHANNEL),
    user: options.userId ?? USER,
    message_ts: messageTs,
    unfurl_id: "C123456.123456789.987501.1b90fa12",
    source: options.composer ? "composer" : "conversations_history",
    links: urls.map((url) => ({ url, domain: new URL(url.replaceAll("&amp;", "&")).hostname })),
    event_ts: messageTs,
  };
  const body = {
    type: "event_callback",
    team_id: options.teamId ?? HOME_TEAM,
    event,
    is_ext_shared_channel: options.externallyShared ?? false,
  };
  const args = { event, body, payload: event, client: fake.client } as unknown as LinkSharedArgs;
  return { args, ...fake };
}

export interface Click extends Asking {
  actionId: string;
  value?: string;
  /** A click on an ephemeral reply (no `message`, container says so). */
  isEphemeral?: boolean;
  /** A click inside a modal: no channel, no response_url, the container is the view. */
  viewId?: string;
  messageTs?: string;
}

export function buttonClick(click: Click, respond = fakeRespond()) {
  const fake = fakeClient();
  const ack = vi.fn(async () => undefined);
  const teamId = click.teamId ?? HOME_TEAM;
  const messageTs = click.messageTs ?? "1700000000.000100";
  const action = {
    type: "button",
    action_id: click.actionId,
    block_id: "actions",
    text: { type: "plain_text", text: "x" },
    action_ts: "1.2",
    ...(click.value !== undefined ? { value: click.value } : {}),
  };
  const inView = click.viewId !== undefined;
  const body = {
    type: "block_actions",
    user: { id: click.userId ?? USER, username: "alice", name: "alice", team_id: teamId },
    api_app_id: "A0APP",
    token: "deprecated",
    trigger_id: TRIGGER_ID,
    team: { id: teamId, domain: "home" },
    actions: [action],
    ...(inView
      ? {
          container: { type: "view", view_id: click.viewId },
          view: { id: click.viewId, hash: "156772938.1827394", type: "modal", blocks: [] },
        }
      : {
          container: {
            type: "message",
            message_ts: messageTs,
            channel_id: click.channelId ?? CHANNEL,
            is_ephemeral: click.isEphemeral ?? false,
          },
          channel: { id: click.channelId ?? CHANNEL, name: "deploy" },
          response_url: RESPONSE_URL,
          ...(click.isEphemeral ? {} : { message: { type: "message", ts: messageTs, text: "x", blocks: [] } }),
        }),
  };
  const args = { ack, body, action, payload: action, respond, client: fake.client } as unknown as ButtonArgs;
  return { args, ack, respond, ...fake };
}

/** The one payload a recording respond received. */
export function onlyPayload(respond: ReturnType<typeof fakeRespond>): Record<string, unknown> & { text: string; blocks: unknown[] } {
  if (respond.mock.calls.length !== 1) throw new Error(`expected one respond call, got ${respond.mock.calls.length}`);
  return respond.mock.calls[0]![0] as Record<string, unknown> & { text: string; blocks: unknown[] };
}

export const json = (value: unknown): string => JSON.stringify(value);

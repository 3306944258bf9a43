import { readdirSync, readFileSync } from "node:fs";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { COMMAND_NAME } from "../../src/slack/listeners/commands/deploy-history.js";
import { readSchema } from "../support/fixtures.js";

const root = new URL("../../", import.meta.url);
const manifest = parse(readFileSync(new URL("manifest.yml", root), "utf8")) as Manifest;
const schema = readSchema("slack-app-manifest.schema.json");

interface Manifest {
  features: {
    app_home?: { home_tab_enabled?: boolean };
    slash_commands: { command: string; usage_hint?: string }[];
    unfurl_domains: string[];
    bot_user?: object;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { bot_events: string[] }; interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

/** Every .ts file under src/slack and its subfolders (the listeners), concatenated: what the app actually calls. */
const slackSource = readdirSync(new URL("src/slack/", root), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".ts"))
  .map((f) => readFileSync(new URL(`src/slack/${f}`, root), "utf8"))
  .join("\n");

/** Bot scopes each Web API method or event needs (https://api.slack.com/methods, /events). */
const METHOD_SCOPES: Record<string, string | readonly string[] | undefined> = {
  "chat.postMessage": "chat:write",
  "chat.update": "chat:write",
  "chat.postEphemeral": "chat:write",
  "chat.unfurl": "links:write",
  "views.open": undefined,
  "views.update": undefined,
  "views.publish": undefined,
  // Public channels, and private ones the bot is in (subscriptions check membership and Slack Connect).
  "conversations.info": ["channels:read", "groups:read"],
  "auth.test": undefined,
  "usergroups.users.list": "usergroups:read",
};
const EVENT_SCOPES: Record<string, string | undefined> = {
  link_shared: "links:read",
  app_mention: "app_mentions:read",
  app_home_opened: undefined,
};

describe("manifest.yml", () => {
  it("validates against Slack's app manifest schema", () => {
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormatsModule.default(ajv);
    const validate = ajv.compile(schema);
    expect(validate(manifest), JSON.stringify(validate.errors, null, 2)).toBe(true);
  });

  it("declares the slash command the code registers, with a usage hint", () => {
    const command = manifest.features.slash_commands.find((c) => c.command === COMMAND_NAME);
    expect(command?.usage_hint).toBeTruthy();
    expect(manifest.oauth_config.scopes.bot).toContain("commands");
  });

  it("subscribes to every event the code listens to, with its scope", () => {
    const events = [...slackSource.matchAll(/app\.event\("([a-z_]+)"/g)].map((m) => m[1]!);
    expect(events.sort()).toEqual(["app_home_opened", "app_mention", "link_shared"]);
    for (const event of events) {
      expect(manifest.settings.event_subscriptions.bot_events).toContain(event);
      const scope = EVENT_SCOPES[event];
      if (scope) expect(manifest.oauth_config.scopes.bot).toContain(scope);
    }
  });

  it("requests the scope of every Web API method the code calls, and nothing more", () => {
    const methods = new Set(
      [...slackSource.matchAll(/\b(?:client|web)\.(chat|views|conversations|auth|usergroups)\.([A-Za-z.]+)\(/g)].map(
        (m) => `${m[1]}.${m[2]}`,
      ),
    );
    expect(methods).toContain("chat.update");
    expect(methods).toContain("usergroups.users.list");
    expect(methods.size).toBeGreaterThan(0);
    const needed = new Set(["commands", ...Object.values(EVENT_SCOPES).filter((s) => s !== undefined)]);
    for (const method of methods) {
      expect(Object.keys(METHOD_SCOPES), `unknown scope for ${method}`).toContain(method);
      for (const scope of [METHOD_SCOPES[method] ?? []].flat()) needed.add(scope);
    }
    if (/respond\(/.test(slackSource)) needed.add("chat:write");
    expect(new Set(manifest.oauth_config.scopes.bot)).toEqual(needed);
  });

  it("enables the Home tab that app_home_opened fills", () => {
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true });
  });

  it("enables interactivity for the buttons and Socket Mode for local runs", () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.features.bot_user).toBeDefined();
  });

  it("lists at most 5 lowercase unfurl hosts, covering the consoles and the API hosts", () => {
    const domains = manifest.features.unfurl_domains;
    expect(domains.length).toBeLessThanOrEqual(5);
    for (const domain of domains) expect(domain).toMatch(/^[a-z0-9.-]+$/);
    expect(domains).toEqual(expect.arrayContaining(["console.ncloud.com", "vpcsourcedeploy.apigw.ntruss.com"]));
  });
});

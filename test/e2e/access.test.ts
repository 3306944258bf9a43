/** ACCESS_POLICY and external channels, through the real app and signed requests. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  APP_ENTRY,
  appMentionEvent,
  blockActionBody,
  cleanEnv,
  DEFAULTS,
  eventBody,
  JSON_TYPE,
  linkSharedEvent,
  REPO_ROOT,
  type Stack,
  slashCommandBody,
  startStack,
} from "./harness.js";

const DENIED = /can't view that deployment history here/;
const dir = mkdtempSync(join(tmpdir(), "access-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function policyFile(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

let counter = 0;
async function command(stack: Stack, text: string, who: { channelId?: string; userId?: string; teamId?: string } = {}) {
  const id = `acc-${++counter}`;
  await stack.app.postSigned(slashCommandBody({ text, responseUrl: stack.slack.responseUrl(id), ...who }));
  const [post] = await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id);
  return post!.body as { text: string; blocks: unknown[] };
}

function linkEvent(url: string, ts: string, envelope: { teamId?: string; external?: boolean } = {}): string {
  const body = JSON.parse(
    eventBody(linkSharedEvent({ channel: "C0DEPLOYS", messageTs: ts, links: [{ url, domain: new URL(url).hostname }] }), {
      teamId: envelope.teamId,
    }),
  ) as Record<string, unknown>;
  body.is_ext_shared_channel = envelope.external === true;
  return JSON.stringify(body);
}

describe("with an access policy", () => {
  let stack: Stack;
  beforeAll(async () => {
    const path = policyFile(
      "policy.yml",
      [
        "teams: [T0TEST, T0PARTNER]",
        "default: deny",
        "rules:",
        "  - channels: [C0DEPLOYS]",
        "    projects: [41027]",
        "  - users: [U0BOB]",
        '    projects: ["catalog-*"]',
      ].join("\n"),
    );
    stack = await startStack({ env: { ACCESS_POLICY: path } });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("answers a project a channel rule lists", async () => {
    expect((await command(stack, "41027 903344")).text).toContain("903344");
  });

  it("refuses an unlisted project with the same words whether it exists or not, and logs who asked for what", async () => {
    const existing = await command(stack, "41100 904120");
    const missing = await command(stack, "99999 1");
    expect(existing.text).toMatch(DENIED);
    expect(missing.text).toBe(existing.text);
    expect(missing.blocks).toEqual(existing.blocks);
    const line = await stack.app.waitForLog((l) => l.msg === "access denied" && JSON.stringify(l.project).includes("41100"));
    expect(line).toMatchObject({ asker: { teamId: "T0TEST", channelId: DEFAULTS.channelId, userId: DEFAULTS.userId } });
  });

  it("never resolves a refused project name, and refuses it like an unknown one", async () => {
    const refused = await command(stack, "catalog-svc latest");
    const unknown = await command(stack, "no-such-project latest");
    expect(refused.text).toMatch(DENIED);
    expect(unknown.text).toBe(refused.text);
  });

  it("matches name wildcards for a user rule, looking the name up from the id", async () => {
    const bob = { userId: "U0BOB", channelId: "C0OTHER" };
    expect((await command(stack, "41100 904120", bob)).text).toContain("904120");
    expect((await command(stack, "41027 903344", bob)).text).toMatch(DENIED);
  });

  it("lists only the projects the asker may see", async () => {
    const bob = await command(stack, "projects", { userId: "U0BOB", channelId: "C0OTHER" });
    expect(JSON.stringify(bob.blocks)).toContain("catalog-svc");
    expect(JSON.stringify(bob.blocks)).not.toContain("shop-api");
  });

  it("lets a listed partner workspace ask, and refuses any other workspace", async () => {
    expect((await command(stack, "41027 903344", { teamId: "T0PARTNER" })).text).toContain("903344");
    const stranger = await command(stack, "41027 903344", { teamId: "T0STRANGER" });
    expect(stranger.text).toMatch(DENIED);
  });

  it("applies to buttons and mentions", async () => {
    const id = `acc-btn-${++counter}`;
    await stack.app.postSigned(
      blockActionBody({ actionId: "history_refresh", value: "41100:904120", responseUrl: stack.slack.responseUrl(id), isEphemeral: true }),
    );
    const [post] = await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id);
    expect(JSON.stringify(post!.body)).toMatch(DENIED);

    stack.slack.reset();
    await stack.app.postSigned(
      eventBody(appMentionEvent({ text: "<@UBOT> 41100 904120", channel: "C0DEPLOYS", ts: "1700000900.000100" })),
      JSON_TYPE,
    );
    const [reply] = await stack.slack.waitFor("chat.postMessage");
    expect(JSON.stringify(reply!.body)).toMatch(DENIED);
  });

  it("finding 2: a denied user's Refresh on a channel message answers them privately and replaces nothing", async () => {
    // Bob's reply about a catalog project sits in a channel; Eve, whom no rule lets see it, clicks its Refresh.
    const id = `acc-btn-${++counter}`;
    await stack.app.postSigned(
      blockActionBody({
        actionId: "history_refresh",
        value: "41100:904120",
        responseUrl: stack.slack.responseUrl(id),
        channelId: "C0OTHER",
        messageTs: "1700000903.000100",
        userId: "U0EVE",
      }),
    );
    const [post] = await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id);
    expect(post!.body).toMatchObject({ response_type: "ephemeral", replace_original: false, text: expect.stringMatching(DENIED) });
    expect(stack.slack.calls("chat.update")).toHaveLength(0);
  });

  it("unfurls allowed links only, and nothing for a refused one", async () => {
    stack.slack.reset();
    await stack.app.handled(async () => {
      await stack.app.postSigned(
        linkEvent("https://console.ncloud.com/sourcedeploy/project/41100/history/904120", "1700000901.000100"),
        JSON_TYPE,
      );
      await stack.app.postSigned(
        linkEvent("https://console.ncloud.com/sourcedeploy/project/41027/history/903344", "1700000902.000100"),
        JSON_TYPE,
      );
    }, 2);
    const [unfurl] = await stack.slack.waitFor("chat.unfurl");
    expect(stack.slack.calls("chat.unfurl")).toHaveLength(1);
    expect(unfurl!.body).toMatchObject({ ts: "1700000902.000100" });
  });
});

describe("without an access policy", () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it("lets the installing workspace see everything and refuses other workspaces", async () => {
    expect((await command(stack, "41100 904120", { userId: "U0ANYONE" })).text).toContain("904120");
    expect((await command(stack, "41100 904120", { teamId: "T0ELSEWHERE" })).text).toMatch(DENIED);
  });

  it("does not unfurl in externally shared channels", async () => {
    stack.slack.reset();
    await stack.app.postSigned(
      linkEvent("https://console.ncloud.com/sourcedeploy/project/41027/history/903344", "1700000903.000100", { external: true }),
      JSON_TYPE,
    );
    await stack.app.waitForLog((l) => typeof l.msg === "string" && l.msg.includes("externally shared channel"));
    expect(stack.slack.calls("chat.unfurl")).toHaveLength(0);
  });

  it("finding 7: answers a mention in an externally shared channel only with a note to the mentioner", async () => {
    stack.slack.reset();
    const body = JSON.parse(
      eventBody(appMentionEvent({ text: "<@UBOT> 41027 903344", channel: "C0SHARED", ts: "1700000905.000100" })),
    ) as Record<string, unknown>;
    body.is_ext_shared_channel = true;
    await stack.app.handled(() => stack.app.postSigned(JSON.stringify(body), JSON_TYPE));
    const [note] = await stack.slack.waitFor("chat.postEphemeral");
    expect(note!.body).toMatchObject({ channel: "C0SHARED", user: DEFAULTS.userId });
    expect(JSON.stringify(note!.body)).not.toContain("903344");
    expect(stack.slack.calls("chat.postMessage")).toHaveLength(0);
  });
});

describe("UNFURL_EXTERNAL_CHANNELS=true", () => {
  it("unfurls in externally shared channels", async () => {
    const stack = await startStack({ env: { UNFURL_EXTERNAL_CHANNELS: "true" } });
    try {
      await stack.app.postSigned(
        linkEvent("https://console.ncloud.com/sourcedeploy/project/41027/history/903344", "1700000904.000100", { external: true }),
        JSON_TYPE,
      );
      await stack.slack.waitFor("chat.unfurl");
    } finally {
      await stack.stop();
    }
  });
});

function startWithPolicy(path: string) {
  return spawnSync(process.execPath, [join(REPO_ROOT, APP_ENTRY)], {
    cwd: REPO_ROOT,
    env: cleanEnv({ SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "s", ACCESS_POLICY: path }),
    encoding: "utf8",
    timeout: 10_000,
  });
}

describe("a bad policy file", () => {
  it.each([
    ["empty", ""],
    ["comments-only", "# rules: []\n"],
    ["null", "null\n"],
    ["a bare ---", "---\n"],
  ])("finding 1: a policy file that is %s stops start-up with exit 1 and a message naming ACCESS_POLICY", (name, text) => {
    const path = policyFile(`empty-${name.replaceAll(/\W/g, "")}.yml`, text);
    const result = startWithPolicy(path);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`ACCESS_POLICY ${path} holds no policy`);
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
    expect(result.stdout).not.toContain("deploy-history started");
  });

  it("stops start-up with a message naming what is wrong", () => {
    const path = policyFile("bad.yml", "default: sometimes\nrules:\n  - projects: [1]\n");
    const result = startWithPolicy(path);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("ACCESS_POLICY is invalid");
    expect(result.stderr).toContain("default: must be allow or deny");
    expect(result.stderr).toContain("rules[0]: a rule needs channels, users or groups to match");
    expect(result.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});

import { describe, expect, it } from "vitest";
import { parseAccessPolicy } from "../../../../src/access/policy.js";
import { deployHistoryCommand } from "../../../../src/slack/listeners/commands/deploy-history.js";
import { ResponseUrlError } from "../../../../src/slack/response-url.js";
import { assertValidMessage } from "../../../support/block-kit.js";
import { en, fakeRespond, json, type ListenerBed, onlyPayload, RESPONSE_URL, slashCommand, USER, useListenerBed } from "../support.js";

let bed: ListenerBed;
useListenerBed((ready) => (bed = ready));

const alicePolicy = parseAccessPolicy({ default: "deny", rules: [{ users: [USER], projects: [41027] }] });

describe("/deploy-history", () => {
  it("acks before answering, then replies ephemerally with the detail and a Share button", async () => {
    const { args, ack, respond } = slashCommand("41027 903344");
    await deployHistoryCommand(bed.context())(args);
    expect(ack).toHaveBeenCalledTimes(1);
    expect(ack.mock.invocationCallOrder[0]!).toBeLessThan(respond.mock.invocationCallOrder[0]!);
    const reply = onlyPayload(respond);
    expect(reply.response_type).toBe("ephemeral");
    expect(reply.text).toContain("903344");
    expect(json(reply.blocks)).toContain("history_share");
    assertValidMessage({ text: reply.text, blocks: reply.blocks as never });
  });

  it("follows a running deployment through the command's response_url, and not a finished one", async () => {
    const ctx = bed.context();
    const running = slashCommand("41027 904611");
    await deployHistoryCommand(ctx)(running.args);
    expect(onlyPayload(running.respond).text).toContain("904611");
    expect(json(onlyPayload(running.respond).blocks)).toContain(en.liveNote.liveLimited);
    expect(await ctx.live.stats()).toMatchObject({ watches: 1 });

    await deployHistoryCommand(ctx)(slashCommand("41027 903344").args);
    expect(await ctx.live.stats()).toMatchObject({ watches: 1 });
  });

  it("finding 3: a user whose quota is full gets a clear note instead of live updates, and keeps the Refresh button", async () => {
    const ctx = bed.context({ env: { WATCH_MAX_PER_USER: "1" } });
    await deployHistoryCommand(ctx)(slashCommand("41027 904611").args);
    expect(await ctx.live.stats()).toMatchObject({ watches: 1 });

    const second = slashCommand("41027 904611");
    second.args.command.response_url = `${RESPONSE_URL}/second`;
    await deployHistoryCommand(ctx)(second.args);
    const reply = onlyPayload(second.respond);
    expect(json(reply.blocks)).toContain("⏸ Not updating live: you already follow 1 deployment live — press Refresh for the latest");
    expect(json(reply.blocks)).not.toContain(en.liveNote.liveLimited);
    expect(json(reply.blocks)).toContain("history_refresh");
    assertValidMessage({ text: reply.text, blocks: reply.blocks as never });
    expect(await ctx.live.stats()).toMatchObject({ watches: 1 });

    // The quota is Alice's: Bob in the same channel is still followed.
    const bob = slashCommand("41027 904611", { userId: "U0BOB" });
    bob.args.command.response_url = `${RESPONSE_URL}/bob`;
    await deployHistoryCommand(ctx)(bob.args);
    expect(json(onlyPayload(bob.respond).blocks)).toContain(en.liveNote.liveLimited);
    expect(await ctx.live.stats()).toMatchObject({ watches: 2 });
  });

  it("does not follow a reply Slack refused (expired response_url): one warn line instead", async () => {
    const ctx = bed.context();
    const { args } = slashCommand("41027 904611", {}, fakeRespond(new ResponseUrlError(404)));
    await deployHistoryCommand(ctx)(args);
    expect(await ctx.live.stats()).toMatchObject({ watches: 0 });
    expect(bed.logs.at(-1)).toMatchObject({ level: "warn", msg: "slack respond failed", err: { slackError: "expired_url" } });
    expect(json(bed.logs.at(-1))).not.toContain(RESPONSE_URL);
  });

  it("refuses another workspace without asking SourceDeploy", async () => {
    const before = bed.sourceDeploy.requests.length;
    const { args, respond } = slashCommand("41027 903344", { teamId: "T0OTHER" });
    await deployHistoryCommand(bed.context())(args);
    expect(onlyPayload(respond)).toMatchObject({ response_type: "ephemeral", text: expect.stringContaining(en.accessDenied) });
    expect(bed.sourceDeploy.requests.length).toBe(before);
    expect(bed.logs.some((l) => l.msg === "request from a workspace that may not use this app refused")).toBe(true);
  });

  it("refuses a user the policy does not allow, with the same words for a project that exists and one that does not", async () => {
    const ctx = bed.context({ policy: alicePolicy });
    const bob = { userId: "U0BOB" };
    const existing = slashCommand("41027 903344", bob);
    const missing = slashCommand("99999 1", bob);
    await deployHistoryCommand(ctx)(existing.args);
    await deployHistoryCommand(ctx)(missing.args);
    expect(onlyPayload(existing.respond).text).toContain(en.accessDenied);
    expect(onlyPayload(missing.respond)).toEqual(onlyPayload(existing.respond));

    const alice = slashCommand("41027 903344");
    await deployHistoryCommand(ctx)(alice.args);
    expect(onlyPayload(alice.respond).text).toContain("903344");
  });

  it("answers bad input with a message, not an error: an unknown project, a missing history, unreadable text", async () => {
    const ctx = bed.context();
    const unknown = slashCommand("no-such-project");
    const missing = slashCommand("41027 999999");
    const garbage = slashCommand("41027 903344 extra words <!channel>");
    for (const { args } of [unknown, missing, garbage]) await deployHistoryCommand(ctx)(args);
    expect(onlyPayload(unknown.respond).text).toContain("no-such-project");
    expect(onlyPayload(missing.respond).text).toContain(en.error.notFound({ projectId: "41027", historyId: "999999" }));
    // Words after a project are filter words: the ones not understood are named back, escaped.
    expect(onlyPayload(garbage.respond)).toMatchObject({ response_type: "ephemeral", text: en.ask.unknownText });
    expect(json(onlyPayload(garbage.respond))).toContain("&lt;!channel&gt;");
    expect(json(onlyPayload(garbage.respond))).not.toContain("<!channel>");
  });
});

import { describe, expect, it, vi } from "vitest";
import { parseAccessPolicy } from "../../../../src/access/policy.js";
import { appMention as appMentionListener } from "../../../../src/slack/listeners/events/app-mention.js";
import { appMention, CHANNEL, en, json, type ListenerBed, POSTED_TS, USER, useListenerBed } from "../support.js";

let bed: ListenerBed;
useListenerBed((ready) => (bed = ready));

describe("app_mention", () => {
  it("replies in the thread of the mention with the detail, without a Share button", async () => {
    const mention = appMention("41027 903344", { ts: "1700000300.000200" });
    await appMentionListener(bed.context())(mention.args);
    expect(mention.calls).toHaveLength(1);
    const [post] = mention.calls;
    expect(post).toMatchObject({
      method: "chat.postMessage",
      args: { channel: CHANNEL, thread_ts: "1700000300.000200", unfurl_links: false },
    });
    expect(post!.args.text).toContain("903344");
    expect(json(post!.args.blocks)).not.toContain("history_share");
  });

  it("answers a mention inside a thread in that thread, not in a new one", async () => {
    const mention = appMention("help", { ts: "1700000400.000300", threadTs: "1700000100.000100" });
    await appMentionListener(bed.context())(mention.args);
    expect(mention.calls[0]!.args.thread_ts).toBe("1700000100.000100");
  });

  it("follows the reply to a running deployment at the ts Slack gave it, and not a reply Slack refused", async () => {
    const ctx = bed.context();
    const follow = vi.spyOn(ctx.live, "follow");
    const mention = appMention("41027 904611");
    await appMentionListener(ctx)(mention.args);
    expect(follow).toHaveBeenCalledTimes(1);
    expect(follow.mock.calls[0]![1]).toEqual({ kind: "message", channel: CHANNEL, ts: POSTED_TS });
    expect(json(mention.calls[0]!.args.blocks)).toContain(en.liveNote.live);

    const refused = appMention("41027 904611", { ts: "1700000500.000100" });
    refused.failNext("chat.postMessage", "channel_not_found");
    await appMentionListener(ctx)(refused.args);
    expect(follow).toHaveBeenCalledTimes(1);
    expect(bed.logs.at(-1)).toMatchObject({
      level: "warn",
      msg: "slack chat.postMessage failed",
      err: { slackError: "channel_not_found" },
    });
  });

  it("finding 7: posts nothing in an externally shared channel, tells only the mentioner why, and asks SourceDeploy nothing", async () => {
    const before = bed.sourceDeploy.requests.length;
    const mention = appMention("41027 903344", { externallyShared: true, threadTs: "1700000100.000100" });
    await appMentionListener(bed.context())(mention.args);
    expect(mention.calls.map((c) => c.method)).toEqual(["chat.postEphemeral"]);
    const [note] = mention.calls;
    expect(note!.args).toMatchObject({ channel: CHANNEL, user: USER, thread_ts: "1700000100.000100" });
    expect(note!.args.text).toContain(en.externalChannelNote);
    expect(json(note)).not.toContain("903344");
    expect(bed.sourceDeploy.requests.length).toBe(before);
    expect(bed.logs.at(-1)).toMatchObject({ level: "info", msg: expect.stringContaining("externally shared channel") });
  });

  it("finding 7: answers in an externally shared channel when UNFURL_EXTERNAL_CHANNELS=true", async () => {
    const mention = appMention("41027 903344", { externallyShared: true });
    await appMentionListener(bed.context({ env: { UNFURL_EXTERNAL_CHANNELS: "true" } }))(mention.args);
    expect(mention.calls.map((c) => c.method)).toEqual(["chat.postMessage"]);
    expect(mention.calls[0]!.args.text).toContain("903344");
  });

  it("refuses another workspace in the thread, without asking SourceDeploy", async () => {
    const before = bed.sourceDeploy.requests.length;
    const mention = appMention("41027 903344", { teamId: "T0OTHER" });
    await appMentionListener(bed.context())(mention.args);
    expect(mention.calls[0]!.args.text).toContain(en.accessDenied);
    expect(mention.calls[0]!.args.thread_ts).toBe(mention.args.event.ts);
    expect(bed.sourceDeploy.requests.length).toBe(before);
  });

  it("judges a Slack Connect user by their own workspace (user_team), not the channel's", async () => {
    const ctx = bed.context({ policy: parseAccessPolicy({ teams: ["T0PARTNER"], default: "allow", rules: [] }) });
    const partner = appMention("41027 903344", { teamId: "T0HOME", userTeam: "T0PARTNER" });
    const stranger = appMention("41027 903344", { teamId: "T0HOME", userTeam: "T0STRANGER" });
    await appMentionListener(ctx)(partner.args);
    await appMentionListener(ctx)(stranger.args);
    expect(partner.calls[0]!.args.text).toContain("903344");
    expect(stranger.calls[0]!.args.text).toContain(en.accessDenied);
  });

  it("answers an unknown project name with a message naming it", async () => {
    const mention = appMention("no-such-project");
    await appMentionListener(bed.context())(mention.args);
    expect(mention.calls[0]!.args.text).toContain("no-such-project");
    expect(mention.calls[0]!.args.thread_ts).toBe(mention.args.event.ts);
  });
});

import { describe, expect, it, vi } from "vitest";
import { parseAccessPolicy } from "../../../../src/access/policy.js";
import { historyLinks, linkShared as linkSharedListener } from "../../../../src/slack/listeners/events/link-shared.js";
import { messageProblems } from "../../../support/block-kit.js";
import { CHANNEL, type ListenerBed, linkShared, USER, useListenerBed } from "../support.js";

const CONSOLE = "https://console.ncloud.com/sourcedeploy";
const failed = `${CONSOLE}/project/41027/history/903344`;
const running = `${CONSOLE}/project/41027/history/904611`;
const canary = "https://vpcsourcedeploy.apigw.ntruss.com/api/v1/project/41100/history/904120";
const missing = `${CONSOLE}/project/41027/history/1`;
const unrelated = "https://console.ncloud.com/dashboard";

let bed: ListenerBed;
useListenerBed((ready) => (bed = ready));

type Unfurls = Record<string, { blocks: unknown[] }>;

describe("historyLinks", () => {
  const options = { apiBaseUrl: "https://vpcsourcedeploy.apigw.ntruss.com/api/v1", extraPatterns: [] };

  it("keeps each history link once, under the exact URL Slack sent, and drops other links", () => {
    const escaped = `${CONSOLE}/project/41027/history/903501?tab=log&amp;x=1`;
    const links = historyLinks([failed, unrelated, failed, escaped], options);
    expect(links).toEqual([
      { url: failed, ref: { projectId: "41027", historyId: "903344" } },
      { url: escaped, ref: { projectId: "41027", historyId: "903501" } },
    ]);
  });
});

describe("link_shared", () => {
  it("unfurls several history links in one chat.unfurl keyed by the exact URLs, leaving other links alone", async () => {
    const shared = linkShared([failed, canary, unrelated, failed]);
    await linkSharedListener(bed.context())(shared.args);
    expect(shared.calls).toHaveLength(1);
    const [call] = shared.calls;
    expect(call).toMatchObject({ method: "chat.unfurl", args: { channel: CHANNEL, ts: "1700000200.000100" } });
    const unfurls = call!.args.unfurls as Unfurls;
    expect(Object.keys(unfurls).sort()).toEqual([canary, failed].sort());
    for (const { blocks } of Object.values(unfurls)) expect(messageProblems({ text: "x", blocks: blocks as never })).toEqual([]);
  });

  it("makes no call and no upstream request when no link is a history link", async () => {
    const before = bed.sourceDeploy.requests.length;
    const shared = linkShared([unrelated]);
    await linkSharedListener(bed.context())(shared.args);
    expect(shared.calls).toHaveLength(0);
    expect(bed.sourceDeploy.requests.length).toBe(before);
  });

  it("drops links the asker may not see and links that cannot be fetched, silently for the channel", async () => {
    const ctx = bed.context({ policy: parseAccessPolicy({ default: "deny", rules: [{ users: [USER], projects: [41027] }] }) });
    const shared = linkShared([canary, missing, failed]);
    await linkSharedListener(ctx)(shared.args);
    expect(Object.keys(shared.calls[0]!.args.unfurls as Unfurls)).toEqual([failed]);
    expect(bed.logs.some((l) => l.msg === "history link not unfurled" && l.historyId === "1")).toBe(true);

    const onlyRefused = linkShared([canary]);
    await linkSharedListener(ctx)(onlyRefused.args);
    expect(onlyRefused.calls).toHaveLength(0);
  });

  it("unfurls nothing for another workspace, nor in an externally shared channel unless allowed", async () => {
    const other = linkShared([failed], { teamId: "T0OTHER" });
    await linkSharedListener(bed.context())(other.args);
    expect(other.calls).toHaveLength(0);

    const external = linkShared([failed], { externallyShared: true });
    await linkSharedListener(bed.context())(external.args);
    expect(external.calls).toHaveLength(0);
    expect(bed.logs.at(-1)!.msg).toContain("externally shared channel");

    const allowed = linkShared([failed], { externallyShared: true });
    await linkSharedListener(bed.context({ env: { UNFURL_EXTERNAL_CHANNELS: "true" } }))(allowed.args);
    expect(allowed.calls).toHaveLength(1);
  });

  it("unfurls a composer preview by unfurl_id and source, and does not follow it; a posted message's running link is followed", async () => {
    const ctx = bed.context();
    const follow = vi.spyOn(ctx.live, "follow");
    const preview = linkShared([running], { composer: true });
    await linkSharedListener(ctx)(preview.args);
    expect(preview.calls[0]!.args).toMatchObject({ source: "composer", unfurl_id: preview.args.event.unfurl_id });
    expect(preview.calls[0]!.args).not.toHaveProperty("ts");
    expect(follow).not.toHaveBeenCalled();

    const posted = linkShared([running]);
    await linkSharedListener(ctx)(posted.args);
    expect(follow).toHaveBeenCalledTimes(1);
    expect(follow.mock.calls[0]![1]).toEqual({ kind: "unfurl", channel: CHANNEL, ts: "1700000200.000100", urls: [running] });
  });

  it("finding 3: one link_shared with 20 variants of one running link unfurls each variant and follows the message once", async () => {
    const ctx = bed.context({ env: { WATCH_MAX: "20" } });
    const variants = Array.from({ length: 20 }, (_, i) => `${running}?v=${i + 1}`);
    const shared = linkShared(variants);
    await linkSharedListener(ctx)(shared.args);
    const unfurled = Object.keys(shared.calls[0]!.args.unfurls as Unfurls);
    expect(unfurled.length).toBeGreaterThan(1);
    expect(variants).toEqual(expect.arrayContaining(unfurled));
    expect((await ctx.live.stats()).watches).toBe(1);

    // Someone else's message in the same channel still gets live updates.
    const other = linkShared([running], { userId: "U0BOB" });
    other.args.event.message_ts = "1700000201.000100";
    await linkSharedListener(ctx)(other.args);
    expect((await ctx.live.stats()).watches).toBe(2);
  });

  it("finding 8: previews in the composer only what the user may see in every channel the message could land in", async () => {
    // 41027 is hidden in C0SECRET: a preview cannot know whether the message will be posted there.
    const ctx = bed.context({ policy: parseAccessPolicy({ default: "allow", rules: [{ channels: ["C0SECRET"], projects: [41100] }] }) });
    const preview = linkShared([failed, canary], { composer: true });
    await linkSharedListener(ctx)(preview.args);
    expect(Object.keys(preview.calls[0]!.args.unfurls as Unfurls)).toEqual([canary]);

    const hidden = linkShared([failed], { composer: true });
    await linkSharedListener(ctx)(hidden.args);
    expect(hidden.calls).toHaveLength(0);

    const posted = linkShared([failed], { channelId: "C0ELSEWHERE" });
    await linkSharedListener(ctx)(posted.args);
    expect(Object.keys(posted.calls[0]!.args.unfurls as Unfurls)).toEqual([failed]);
  });

  it("follows nothing when Slack refuses the unfurl, and says so in one warn line", async () => {
    const ctx = bed.context();
    const follow = vi.spyOn(ctx.live, "follow");
    const shared = linkShared([running]);
    shared.failNext("chat.unfurl", "cannot_unfurl_url");
    await linkSharedListener(ctx)(shared.args);
    expect(follow).not.toHaveBeenCalled();
    expect(bed.logs.at(-1)).toMatchObject({ level: "warn", msg: "slack chat.unfurl failed", err: { slackError: "cannot_unfurl_url" } });
  });
});

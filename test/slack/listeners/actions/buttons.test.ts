import { describe, expect, it, vi } from "vitest";
import { parseAccessPolicy } from "../../../../src/access/policy.js";
import { ACTION_IDS } from "../../../../src/render/index.js";
import {
  detailsButton,
  historyValue,
  openConsoleButton,
  pageValue,
  projectHistoriesButton,
  projectValue,
  refreshButton,
  refreshedLocation,
  shareButton,
  showTargetsButton,
  targetsPageButton,
} from "../../../../src/slack/listeners/actions/buttons.js";
import { assertValidModal } from "../../../support/block-kit.js";
import {
  buttonClick,
  CHANNEL,
  en,
  json,
  type ListenerBed,
  onlyPayload,
  POSTED_TS,
  RESPONSE_URL,
  serveManyTargets,
  TRIGGER_ID,
  USER,
  useListenerBed,
} from "../support.js";

let bed: ListenerBed;
useListenerBed(
  (ready) => (bed = ready),
  (sourceDeploy) => serveManyTargets(sourceDeploy, "905000", 90),
);

const alicePolicy = parseAccessPolicy({ default: "deny", rules: [{ users: [USER], projects: [41027] }] });

describe("button values are ids only; anything else is forged", () => {
  it("reads projectId:historyId, projectId:historyId:page and projectId", () => {
    expect(historyValue("41027:903344")).toEqual({ projectId: "41027", historyId: "903344" });
    expect(pageValue("41027:903344:2")).toEqual({ projectId: "41027", historyId: "903344", page: 2 });
    expect(projectValue("41027")).toBe("41027");
  });

  it.each(["", "41027", "1/../2:903344", "41027:abc", "41027:903344:1", "123456789012345678901:1", "%34%31:1x"])(
    "rejects history value %j",
    (value) => {
      expect(historyValue(value)).toBeUndefined();
    },
  );

  it.each(["41027:903344", "41027:903344:-1", "41027:903344:100000", "41027:903344:1.5"])("rejects page value %j", (value) => {
    expect(pageValue(value)).toBeUndefined();
  });

  it("rejects a project value that is not a number", () => {
    expect(projectValue("shop-api")).toBeUndefined();
    expect(projectValue("41027:903344")).toBeUndefined();
  });

  it("ignores a forged value after acking: no upstream request, no reply, one warn line", async () => {
    const before = bed.sourceDeploy.requests.length;
    const click = buttonClick({ actionId: ACTION_IDS.refresh, value: "1/../2:903344" });
    await refreshButton(bed.context())(click.args);
    expect(click.ack).toHaveBeenCalledTimes(1);
    expect(click.respond).not.toHaveBeenCalled();
    expect(bed.sourceDeploy.requests.length).toBe(before);
    expect(bed.logs.at(-1)).toMatchObject({ level: "warn", msg: "button with an unreadable value ignored", value: "1/../2:903344" });
  });
});

describe("every button re-checks access", () => {
  const buttons = { refreshButton, shareButton, detailsButton, showTargetsButton } as const;

  it.each(Object.keys(buttons) as (keyof typeof buttons)[])("%s refuses another workspace, with a new ephemeral message", async (name) => {
    const before = bed.sourceDeploy.requests.length;
    const click = buttonClick({ actionId: "any", value: "41027:903344", teamId: "T0OTHER" });
    await buttons[name](bed.context())(click.args);
    expect(onlyPayload(click.respond)).toMatchObject({
      response_type: "ephemeral",
      replace_original: false,
      text: expect.stringContaining(en.accessDenied),
    });
    expect(click.calls).toHaveLength(0);
    expect(bed.sourceDeploy.requests.length).toBe(before);
  });

  it.each(Object.keys(buttons) as (keyof typeof buttons)[])("%s refuses a user the policy denies that project", async (name) => {
    const click = buttonClick({ actionId: "any", value: "41100:904120" });
    await buttons[name](bed.context({ policy: alicePolicy }))(click.args);
    expect(onlyPayload(click.respond).text).toContain(en.accessDenied);
    expect(click.calls).toHaveLength(0);
  });
});

describe("finding 2: refusals and errors go only to the clicker, never replacing a shared message", () => {
  const EVE = "U0EVE";
  const onAChannelMessage = { messageTs: "1700000000.000555", isEphemeral: false } as const;
  const privately = { response_type: "ephemeral", replace_original: false };

  it("finding 2: a denied user's Refresh on a channel message answers only them and replaces nothing", async () => {
    const ctx = bed.context({ policy: alicePolicy });
    const follow = vi.spyOn(ctx.live, "follow");
    const click = buttonClick({ actionId: ACTION_IDS.refresh, value: "41027:904611", userId: EVE, ...onAChannelMessage });
    await refreshButton(ctx)(click.args);
    expect(onlyPayload(click.respond)).toMatchObject({ ...privately, text: expect.stringContaining(en.accessDenied) });
    expect(click.calls).toHaveLength(0);
    expect(follow).not.toHaveBeenCalled();
  });

  it("finding 2: an upstream error on an allowed user's Refresh answers only them and replaces nothing", async () => {
    const ctx = bed.context();
    const follow = vi.spyOn(ctx.live, "follow");
    bed.sourceDeploy.queueFault({ kind: "status", status: 503 }, { kind: "status", status: 503 }, { kind: "status", status: 503 });
    const click = buttonClick({ actionId: ACTION_IDS.refresh, value: "41027:904611", ...onAChannelMessage });
    await refreshButton(ctx)(click.args);
    bed.sourceDeploy.clearFaults();
    expect(onlyPayload(click.respond)).toMatchObject(privately);
    expect(click.calls).toHaveLength(0);
    expect(follow).not.toHaveBeenCalled();
  });

  it("finding 2: a Refresh that finds no such history answers only the clicker, also on their own ephemeral reply", async () => {
    for (const isEphemeral of [false, true]) {
      const click = buttonClick({ actionId: ACTION_IDS.refresh, value: "41027:1", isEphemeral });
      await refreshButton(bed.context())(click.args);
      expect(onlyPayload(click.respond)).toMatchObject({
        ...privately,
        text: expect.stringContaining(en.error.notFound({ projectId: "41027", historyId: "1" })),
      });
    }
  });

  const answering = { refreshButton, shareButton, detailsButton, projectHistoriesButton, showTargetsButton } as const;
  const cases = (Object.keys(answering) as (keyof typeof answering)[]).flatMap((name) => [
    { name, why: "refused", policy: alicePolicy, userId: EVE, value: name === "projectHistoriesButton" ? "41027" : "41027:903344" },
    { name, why: "not found", policy: undefined, userId: USER, value: name === "projectHistoriesButton" ? "99999" : "41027:1" },
  ]);

  it.each(cases)("finding 2: $name $why on a channel message answers privately, posting and replacing nothing", async (c) => {
    const click = buttonClick({ actionId: "any", value: c.value, userId: c.userId, ...onAChannelMessage });
    await answering[c.name](bed.context({ policy: c.policy }))(click.args);
    expect(click.respond).toHaveBeenCalled();
    for (const [payload] of click.respond.mock.calls) expect(payload).toMatchObject(privately);
    expect(click.calls).toHaveLength(0);
  });

  it("finding 2: only a successful Refresh replaces the message it is on", async () => {
    const click = buttonClick({ actionId: ACTION_IDS.refresh, value: "41027:903344", ...onAChannelMessage });
    await refreshButton(bed.context())(click.args);
    expect(onlyPayload(click.respond)).toMatchObject({ replace_original: true, text: expect.stringContaining("903344") });
  });
});

describe("Refresh", () => {
  it("replaces an ephemeral reply with the current state, keeps its Share button, and follows it through the click's response_url", async () => {
    const ctx = bed.context();
    const follow = vi.spyOn(ctx.live, "follow");
    const click = buttonClick({ actionId: ACTION_IDS.refresh, value: "41027:904611", isEphemeral: true });
    await refreshButton(ctx)(click.args);
    const reply = onlyPayload(click.respond);
    expect(reply.replace_original).toBe(true);
    expect(reply.text).toContain("904611");
    expect(json(reply.blocks)).toContain("history_share");
    expect(follow.mock.calls[0]![1]).toMatchObject({ kind: "response_url", url: RESPONSE_URL, usesLeft: 4 });
  });

  it("follows a channel message with chat.update at its channel and ts, without a Share button", async () => {
    const ctx = bed.context();
    const follow = vi.spyOn(ctx.live, "follow");
    const click = buttonClick({ actionId: ACTION_IDS.refresh, value: "41027:904611", messageTs: "1700000000.000777" });
    await refreshButton(ctx)(click.args);
    expect(json(onlyPayload(click.respond).blocks)).not.toContain("history_share");
    expect(follow.mock.calls[0]![1]).toEqual({ kind: "message", channel: CHANNEL, ts: "1700000000.000777" });
  });

  it("knows where the refreshed message lives, or that it cannot be followed", () => {
    const body = (click: Parameters<typeof buttonClick>[0]) => buttonClick(click).args.body;
    expect(refreshedLocation(body({ actionId: "r", isEphemeral: true }), true)).toMatchObject({ kind: "response_url", url: RESPONSE_URL });
    expect(refreshedLocation(body({ actionId: "r", messageTs: "1.5" }), false)).toEqual({ kind: "message", channel: CHANNEL, ts: "1.5" });
    const inModal = body({ actionId: "r", viewId: "V1" });
    expect(refreshedLocation(inModal, true)).toBeUndefined();
    expect(refreshedLocation(inModal, false)).toBeUndefined();
  });
});

describe("Share", () => {
  it("posts the detail in the channel as a bot message without a Share button, follows it, and answers nothing privately", async () => {
    const ctx = bed.context();
    const follow = vi.spyOn(ctx.live, "follow");
    const click = buttonClick({ actionId: ACTION_IDS.share, value: "41027:904611", isEphemeral: true });
    await shareButton(ctx)(click.args);
    expect(click.calls).toHaveLength(1);
    expect(click.calls[0]).toMatchObject({ method: "chat.postMessage", args: { channel: CHANNEL, unfurl_links: false } });
    expect(json(click.calls[0]!.args.blocks)).not.toContain("history_share");
    expect(follow.mock.calls[0]![1]).toEqual({ kind: "message", channel: CHANNEL, ts: POSTED_TS });
    expect(click.respond).not.toHaveBeenCalled();
  });

  it("falls back to an in_channel snapshot through response_url when the bot may not post there (not_in_channel)", async () => {
    const ctx = bed.context();
    const follow = vi.spyOn(ctx.live, "follow");
    const click = buttonClick({ actionId: ACTION_IDS.share, value: "41027:904611", isEphemeral: true });
    click.failNext("chat.postMessage", "not_in_channel");
    await shareButton(ctx)(click.args);
    const snapshot = onlyPayload(click.respond);
    expect(snapshot).toMatchObject({ response_type: "in_channel", replace_original: false });
    expect(snapshot.text).toContain("904611");
    // A snapshot: nothing will edit it, so it neither claims to update itself nor offers Share again.
    expect(json(snapshot.blocks)).not.toContain(en.liveNote.live);
    expect(json(snapshot.blocks)).not.toContain("history_share");
    expect(follow).not.toHaveBeenCalled();
    expect(bed.logs.at(-1)).toMatchObject({
      level: "info",
      msg: "share: chat.postMessage refused, sharing through response_url",
      err: { slackError: "not_in_channel" },
      channel: CHANNEL,
    });
  });

  it("answers privately with the error, posting nothing, when the history cannot be fetched", async () => {
    const click = buttonClick({ actionId: ACTION_IDS.share, value: "41027:1", isEphemeral: true });
    await shareButton(bed.context())(click.args);
    expect(click.calls).toHaveLength(0);
    expect(onlyPayload(click.respond)).toMatchObject({
      response_type: "ephemeral",
      replace_original: false,
      text: expect.stringContaining(en.error.notFound({ projectId: "41027", historyId: "1" })),
    });
  });
});

describe("Details and project histories", () => {
  it("Details answers a list entry with a new ephemeral detail carrying a Share button", async () => {
    const click = buttonClick({ actionId: "history_details:2", value: "41027:903501" });
    await detailsButton(bed.context())(click.args);
    const reply = onlyPayload(click.respond);
    expect(reply).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(reply.text).toContain("903501");
    expect(json(reply.blocks)).toContain("history_share");
  });

  it("a project of the project list answers with its recent histories; an unknown project with a message", async () => {
    const ctx = bed.context();
    const known = buttonClick({ actionId: "project_histories:0", value: "41027" });
    await projectHistoriesButton(ctx)(known.args);
    expect(json(onlyPayload(known.respond).blocks)).toContain("history_details:");

    const unknown = buttonClick({ actionId: "project_histories:0", value: "99999" });
    await projectHistoriesButton(ctx)(unknown.args);
    expect(onlyPayload(unknown.respond)).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(json(onlyPayload(unknown.respond).blocks)).not.toContain("history_details:");
  });
});

describe("Show all targets", () => {
  type View = { blocks: unknown[]; private_metadata?: string };

  it("opens the modal at its first page with the click's trigger_id", async () => {
    const click = buttonClick({ actionId: ACTION_IDS.showTargets, value: "41027:905000" });
    await showTargetsButton(bed.context())(click.args);
    expect(click.calls).toHaveLength(1);
    const [open] = click.calls;
    expect(open).toMatchObject({ method: "views.open", args: { trigger_id: TRIGGER_ID } });
    const view = open!.args.view as View;
    assertValidModal(view as never);
    expect(json(view)).toContain("node-0");
    expect(json(view)).not.toContain("node-40");
    expect(json(view)).toContain("41027:905000:1");
    expect(click.respond).not.toHaveBeenCalled();
  });

  it("answers privately with the error when the history cannot be fetched", async () => {
    const click = buttonClick({ actionId: ACTION_IDS.showTargets, value: "41027:1" });
    await showTargetsButton(bed.context())(click.args);
    expect(click.calls).toHaveLength(0);
    expect(onlyPayload(click.respond).text).toContain(en.error.notFound({ projectId: "41027", historyId: "1" }));
  });

  it("pages with views.update on the same view and hash, Previous and Next alike", async () => {
    const ctx = bed.context();
    const next = buttonClick({ actionId: ACTION_IDS.targetsNext, value: "41027:905000:1", viewId: "V0TARGETS" });
    await targetsPageButton(ctx)(next.args);
    expect(next.calls).toHaveLength(1);
    const [update] = next.calls;
    expect(update).toMatchObject({ method: "views.update", args: { view_id: "V0TARGETS", hash: "156772938.1827394" } });
    const page = json(update!.args.view);
    expect(page).toContain("node-40");
    expect(page).not.toContain("node-39");
    expect(page).not.toContain("node-80");
    expect(page).toContain("41027:905000:0");
    expect(page).toContain("41027:905000:2");

    const last = buttonClick({ actionId: ACTION_IDS.targetsNext, value: "41027:905000:2", viewId: "V0TARGETS" });
    await targetsPageButton(ctx)(last.args);
    const lastPage = json(last.calls[0]!.args.view);
    expect(lastPage).toContain("node-89");
    expect(lastPage).not.toContain("41027:905000:3");
  });

  it("turns no page outside a modal, nor for a project the user may not see", async () => {
    const outside = buttonClick({ actionId: ACTION_IDS.targetsNext, value: "41027:905000:1" });
    await targetsPageButton(bed.context())(outside.args);
    expect(outside.calls).toHaveLength(0);

    const refused = buttonClick({ actionId: ACTION_IDS.targetsNext, value: "41100:904120:1", viewId: "V0TARGETS" });
    await targetsPageButton(bed.context({ policy: alicePolicy }))(refused.args);
    expect(refused.calls).toHaveLength(0);
  });
});

describe("Open in console", () => {
  it("only acks: Slack opens the link itself", async () => {
    const click = buttonClick({ actionId: ACTION_IDS.openConsole, value: "41027:903344" });
    await openConsoleButton(click.args as unknown as Parameters<typeof openConsoleButton>[0]);
    expect(click.ack).toHaveBeenCalledTimes(1);
    expect(click.calls).toHaveLength(0);
    expect(click.respond).not.toHaveBeenCalled();
  });
});

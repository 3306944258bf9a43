import type { App } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACTION_IDS } from "../../../src/render/index.js";
import { registerListeners } from "../../../src/slack/listeners/index.js";
import { type Respond, respondThroughResponseUrl } from "../../../src/slack/listeners/respond.js";
import { ResponseUrlError } from "../../../src/slack/response-url.js";
import { type FakeSlack, startFakeSlack } from "../../fakes/slack-fake.js";
import { type ListenerBed, startListenerBed } from "./support.js";

describe("registerListeners", () => {
  let bed: ListenerBed;
  beforeAll(async () => {
    bed = await startListenerBed();
  });
  afterAll(() => bed.close());

  it("registers the slash command, every event and a listener for every action id the renderer uses", () => {
    const registered: { kind: string; id: unknown }[] = [];
    const record = (kind: string) => (id: unknown) => void registered.push({ kind, id });
    const app = { command: record("command"), event: record("event"), action: record("action"), view: record("view") } as unknown as App;
    registerListeners(app, bed.context());
    expect(registered.filter((r) => r.kind === "command").map((r) => r.id)).toEqual(["/deploy-history"]);
    expect(
      registered
        .filter((r) => r.kind === "event")
        .map((r) => r.id)
        .sort(),
    ).toEqual(["app_home_opened", "app_mention", "link_shared"]);
    expect(registered.filter((r) => r.kind === "view").map((r) => r.id)).toEqual(["deploy_start"]);
    const actionIds = registered
      .filter((r) => r.kind === "action")
      .map((r) => (typeof r.id === "object" && r.id !== null && "action_id" in r.id ? r.id.action_id : r.id));
    expect(new Set(actionIds)).toEqual(new Set(Object.values(ACTION_IDS)));
  });
});

describe("respondThroughResponseUrl", () => {
  let slack: FakeSlack;
  beforeAll(async () => {
    slack = await startFakeSlack();
  });
  afterAll(() => slack.close());

  /** The `respond` a wrapped handler receives for a request with this body. */
  async function respondFor(body: { response_url?: string }): Promise<Respond> {
    let received: Respond | undefined;
    await respondThroughResponseUrl<{ body: { response_url?: string }; respond: unknown }>(async ({ respond }) => {
      received = respond;
    })({ body, respond: () => Promise.reject(new Error("Bolt's respond must not be used")) });
    return received!;
  }

  it("posts to the request's response_url, and throws a ResponseUrlError once Slack says it expired", async () => {
    const respond = await respondFor({ response_url: slack.responseUrl("r1") });
    await respond({ response_type: "ephemeral", text: "hello" });
    expect(slack.calls("response_url")).toMatchObject([{ id: "r1", body: { response_type: "ephemeral", text: "hello" } }]);

    slack.expireResponseUrl("r1");
    await expect(respond({ text: "again" })).rejects.toBeInstanceOf(ResponseUrlError);
  });

  it("answers nothing for a request without a response_url (a button in a modal)", async () => {
    slack.reset();
    const respond = await respondFor({});
    await respond({ text: "nowhere" });
    expect(slack.calls()).toHaveLength(0);
  });
});

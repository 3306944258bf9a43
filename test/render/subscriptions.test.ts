import { describe, expect, it } from "vitest";
import {
  ACTION_UNSUBSCRIBE_PATTERN,
  decodeProjectRef,
  renderAppHome,
  renderHistory,
  renderSkipped,
  renderSubscribed,
  renderSubscriptionList,
  renderUnsubscribed,
  withPostedLate,
} from "../../src/render/index.js";
import type { Subscription } from "../../src/state/types.js";
import { assertValidMessage, blockKitProblems, slackLimitProblems } from "../support/block-kit.js";
import { allText, historyFixture, historyListFixture, options } from "./helpers.js";

const sub = (overrides: Partial<Subscription> = {}): Subscription => ({
  channelId: "C0DEPLOY",
  projectId: "41027",
  projectName: "shop-api",
  teamId: "T1",
  stages: ["prod-web"],
  failuresOnly: false,
  createdBy: "U0ALICE",
  createdAt: 0,
  externallyShared: false,
  ...overrides,
});

describe("subscription messages", () => {
  it("says in the channel what is posted there and who set it up", () => {
    const ko = renderSubscribed(sub(), options({ locale: "ko" }));
    assertValidMessage(ko);
    expect(ko.text).toBe("📣 이 채널에 shop-api (prod-web) 배포를 알립니다 — <@U0ALICE>");
    expect(renderSubscribed(sub({ failuresOnly: true, stages: [] }), options()).text).toBe(
      "📣 This channel will get every failed deployment of shop-api — set up by <@U0ALICE>",
    );
    expect(renderUnsubscribed(sub(), "U0BOB", options()).text).toContain("<@U0BOB>");
  });

  it("escapes names from users and the API, so a project cannot ping the channel", () => {
    const message = renderSubscribed(sub({ projectName: "<!channel>", stages: ["*bold*"] }), options());
    expect(allText(message)).not.toContain("<!channel>");
    expect(allText(message)).toContain("&lt;!channel&gt;");
  });

  it("lists the channel's subscriptions with an Unsubscribe button each whose value is the project id", () => {
    const list = renderSubscriptionList(
      [sub(), sub({ projectId: "50001", projectName: "pay", paused: { reason: "is_archived", at: 0 } })],
      options(),
    );
    assertValidMessage(list);
    const buttons = list.blocks.flatMap((b) => (b.type === "section" && b.accessory ? [b.accessory] : []));
    expect(buttons.map((b) => b.action_id)).toEqual(["subscription_remove:0", "subscription_remove:1"]);
    for (const b of buttons) expect(b.action_id).toMatch(ACTION_UNSUBSCRIBE_PATTERN);
    expect(buttons.map((b) => decodeProjectRef(b.value ?? ""))).toEqual(["41027", "50001"]);
    expect(allText(list)).toContain("Paused");
  });

  it("keeps a posted-late history valid, with its note last", () => {
    const late = withPostedLate(renderHistory(historyFixture("server-fail.json"), options()), options());
    assertValidMessage(late);
    expect(allText(late.blocks.at(-1))).toContain("Posted late");
  });

  it("says how many were skipped, and that it may be more", () => {
    const line = renderSkipped({ id: "41027", name: "shop-api" }, 12, true, options());
    assertValidMessage(line);
    expect(line.text).toContain("At least 12 more new deployments of shop-api");
    expect(line.text).toContain("`/deploy-history shop-api`");
  });

  it("draws App Home within Slack's limits, with many projects and subscriptions", () => {
    const entries = Array.from({ length: 60 }, (_, i) => ({
      subscriptions: Array.from({ length: 15 }, (_, j) => sub({ projectId: String(i), channelId: `C${j}X` })),
      recent: historyListFixture(),
    }));
    const home = renderAppHome(entries, options({ locale: "ko" }));
    expect(blockKitProblems(home.blocks)).toEqual([]);
    expect(slackLimitProblems(home.blocks, { surface: "modal" })).toEqual([]);
    expect(renderAppHome([], options()).blocks.length).toBeGreaterThan(1);
  });
});

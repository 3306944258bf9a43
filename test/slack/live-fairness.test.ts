/**
 * Live updates share the Slack edit budget fairly: the real Watcher, the real budgeted edit of
 * live.ts and UpdateBudget, on fake timers, with the watcher's fakes standing in for SourceDeploy
 * and Slack.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { budgetedCall } from "../../src/slack/live.js";
import { UpdateBudget } from "../../src/slack/update-budget.js";
import { Watcher } from "../../src/watch/index.js";
import { deps, FakeSlack, FakeUpstream, history, inChannel, T0 } from "../watch/fakes.js";

let watcher: Watcher<object> | undefined;

beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});

afterEach(async () => {
  await watcher?.close();
  watcher = undefined;
  vi.useRealTimers();
});

describe("live updates under the Slack edit budget", () => {
  it("finding 4: with 10 edits a minute, 15 messages of user A do not starve user B's one message", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    const edit = budgetedCall(new UpdateBudget({ perMinute: 10 }));
    const d = deps(upstream, slack, { upstreamMaxRps: 100 });
    watcher = new Watcher({ ...d, deliver: (watch, message) => edit("chat.update", watch, () => slack.deliver(watch, message)) });
    const messages = [
      ...Array.from({ length: 15 }, (_, i) => ({ historyId: `${100 + i}`, channel: "C0A", userId: "U0A" })),
      { historyId: "200", channel: "C0B", userId: "U0B" },
    ];
    for (const { historyId, channel, userId } of messages) {
      // A deployment that changes at every poll: each message wants an edit at every tick.
      upstream.script(historyId, ...Array.from({ length: 200 }, (_, step) => history(historyId, "inprogress", `step-${step}`)));
      await watcher.watch({
        projectId: "1",
        historyId,
        location: inChannel(channel),
        hints: {},
        requester: { userId, channelId: channel },
      });
    }

    await vi.advanceTimersByTimeAsync(59_000);

    expect(slack.to("C0B")).not.toHaveLength(0);
    expect(slack.deliveries.length).toBeLessThanOrEqual(10);
  });
});

describe("the edit budget other instances share (Redis)", () => {
  const watch = { id: "w1", requester: { userId: "U0A", channelId: "C0A" } } as Parameters<ReturnType<typeof budgetedCall>>[1];

  it("holds an edit back while the shared budget says wait, and does not count it here", async () => {
    const waits = [250, 0];
    const shared = { take: async () => waits.shift() ?? 0, pause: async () => undefined };
    const edit = budgetedCall(new UpdateBudget({ perMinute: 1 }), shared);
    let calls = 0;
    const call = async () => void (calls += 1);
    expect(await edit("chat.update", watch, call)).toEqual({ kind: "retry_after", ms: 250, heldBack: true });
    expect(calls).toBe(0);
    // The local budget (1 a minute) was not spent by the edit that did not go.
    expect(await edit("chat.update", watch, call)).toEqual({ kind: "ok" });
    expect(calls).toBe(1);
  });

  it("tells every instance about Slack's Retry-After", async () => {
    const paused: [string, number][] = [];
    const shared = { take: async () => 0, pause: async (method: string, ms: number) => void paused.push([method, ms]) };
    const edit = budgetedCall(new UpdateBudget({ perMinute: 10 }), shared);
    const limited = Object.assign(new Error("rate limited"), { code: "slack_webapi_rate_limited_error", retryAfter: 7 });
    expect(await edit("chat.unfurl", watch, () => Promise.reject(limited))).toEqual({ kind: "retry_after", ms: 7000 });
    expect(paused).toEqual([["chat.unfurl", 7000]]);
  });
});

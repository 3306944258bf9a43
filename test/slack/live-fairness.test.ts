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

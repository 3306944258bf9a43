/**
 * Restarts: a new Watcher over the store of an old one carries on with its watches, and a
 * response_url use is stored as spent before the post that spends it.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { DeliveryResult, Watch } from "../../src/watch/index.js";
import { Watcher } from "../../src/watch/index.js";
import { deps, FakeSlack, FakeUpstream, history, T0, watchOf } from "./fakes.js";

const watchers: Watcher<object>[] = [];
beforeEach(() => {
  vi.useFakeTimers({ now: T0 });
});
afterEach(async () => {
  await Promise.all(watchers.splice(0).map((w) => w.close()));
  vi.useRealTimers();
});
const advance = (ms: number) => vi.advanceTimersByTimeAsync(ms);

describe("Watcher.resume", () => {
  it("starts a loop per stored history, sends only what changed since, and ends with the final update", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "inprogress", "deploy"));
    upstream.script("8", history("8", "inprogress", "pending"));
    const first = deps(upstream, slack);
    const before = new Watcher(first);
    watchers.push(before);
    await before.watch(watchOf("7", { initial: history("7", "inprogress", "pending") }));
    await before.watch(watchOf("8", { initial: history("8", "inprogress", "pending") }));
    await advance(1000);
    expect(slack.deliveries.map((d) => d.text)).toEqual(["#7 inprogress deploy live"]);
    await before.close(); // the process is gone; its store is what a database would hold

    upstream.script("7", history("7", "success", "success"));
    const after = new Watcher({ ...deps(upstream, slack), store: first.store });
    watchers.push(after);
    expect(after.activeLoops()).toBe(0);
    expect(await after.resume()).toBe(2);
    expect(after.activeLoops()).toBe(2);
    await advance(30_000);

    // #8 did not change while the app was down: nothing is sent for it again.
    expect(slack.deliveries.map((d) => d.text)).toEqual(["#7 inprogress deploy live", "#7 success success final"]);
    expect((await first.store.all()).map((w) => w.historyId)).toEqual(["8"]);
  });

  it("resumes nothing from an empty store", async () => {
    const w = new Watcher(deps(new FakeUpstream(), new FakeSlack()));
    watchers.push(w);
    expect(await w.resume()).toBe(0);
    expect(w.activeLoops()).toBe(0);
  });
});

describe("response_url uses across a crash", () => {
  const location = { kind: "response_url" as const, url: "https://hooks.slack.test/r/1", expiresAt: T0 + 30 * 60_000, usesLeft: 4 };

  it("stores the use as spent before posting, and gives it back when Slack answered 429", async () => {
    const upstream = new FakeUpstream();
    const slack = new FakeSlack();
    upstream.script("7", history("7", "inprogress", "deploy"), history("7", "inprogress", "post"));
    const d = deps(upstream, slack);
    const storedWhilePosting: number[] = [];
    const answers: DeliveryResult[] = [{ kind: "retry_after", ms: 1 }, { kind: "ok" }];
    const w = new Watcher({
      ...d,
      deliver: async (watch: Watch, message) => {
        const [stored] = await d.store.all();
        if (stored?.location.kind === "response_url") storedWhilePosting.push(stored.location.usesLeft);
        await slack.deliver(watch, message);
        return answers.shift() ?? { kind: "ok" };
      },
    });
    watchers.push(w);
    await w.watch(watchOf("7", { location, initial: history("7", "inprogress", "pending") }));
    await advance(1000); // 429: not spent
    const [afterLimit] = await d.store.all();
    expect(afterLimit?.location).toMatchObject({ usesLeft: 4 });
    await advance(1000); // ok: spent
    const [afterOk] = await d.store.all();
    expect(afterOk?.location).toMatchObject({ usesLeft: 3 });
    expect(storedWhilePosting).toEqual([3, 3]);
  });
});

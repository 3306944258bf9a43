/**
 * The contract every StateStore passes: memory and SQLite today (contract.test.ts), a shared
 * store (Redis) later: call `describeStoreContract` with a factory for it.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { StateStore, Subscription } from "../../src/state/types.js";
import type { Watch } from "../../src/watch/types.js";

export interface StoreFactory {
  /** A new, empty store whose clock is `now`. */
  make(now: () => number): Promise<StateStore>;
  /**
   * The same data opened again by a fresh store (a restart). Only for durable stores; the
   * durability tests are skipped without it.
   */
  reopen?(now: () => number): Promise<StateStore>;
}

const T0 = Date.UTC(2026, 2, 8, 14, 0, 0);

type Hints = { surface: string; shareButton?: boolean };

export function watchOf(id: string, historyId: string, overrides: Partial<Watch<Hints>> = {}): Watch<Hints> {
  return {
    id,
    projectId: "41027",
    historyId,
    location: { kind: "message", channel: "C1", ts: "1700000000.000100" },
    requester: { userId: "U0ALICE", channelId: "C1" },
    createdAt: T0,
    hints: { surface: "detail", shareButton: true },
    ...overrides,
  };
}

export function subscriptionOf(channelId: string, projectId: string, overrides: Partial<Subscription> = {}): Subscription {
  return {
    channelId,
    projectId,
    projectName: "shop-api",
    teamId: "T0TEST",
    stages: ["prod-web"],
    failuresOnly: false,
    createdBy: "U0ALICE",
    createdAt: T0,
    since: "903344",
    externallyShared: false,
    ...overrides,
  };
}

export function describeStoreContract(name: string, factory: StoreFactory): void {
  describe(`state store contract: ${name}`, () => {
    let now = T0;
    const clock = () => now;
    const open: StateStore[] = [];
    const make = async () => {
      now = T0;
      const store = await factory.make(clock);
      open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    describe("watches", () => {
      it("finds watches by history, counts them, updates and removes them", async () => {
        const watches = (await make()).watches<Hints>();
        await watches.add(watchOf("a", "7"));
        await watches.add(watchOf("b", "7", { requester: { userId: "U0BOB", channelId: "C2" } }));
        await watches.add(watchOf("c", "8"));
        expect((await watches.forHistory("41027", "7")).map((w) => w.id).sort()).toEqual(["a", "b"]);
        expect(await watches.count()).toBe(3);
        expect(await watches.counts({ userId: "U0ALICE", channelId: "C2" })).toEqual({ total: 3, ofUser: 2, inChannel: 1 });

        await watches.update("a", { lastDigest: "d1", notBefore: T0 + 5 });
        expect((await watches.forHistory("41027", "7")).find((w) => w.id === "a")).toMatchObject({ lastDigest: "d1", notBefore: T0 + 5 });

        await watches.remove("a");
        await watches.remove("c");
        await watches.remove("c"); // gone: no-op
        await watches.update("c", { lastDigest: "x" }); // gone: no-op
        expect((await watches.all()).map((w) => w.id)).toEqual(["b"]);
        expect(await watches.forHistory("41027", "8")).toEqual([]);
      });

      it("keeps every field of every kind of location, and the hints, as added", async () => {
        const watches = (await make()).watches<Hints>();
        const all = [
          watchOf("m", "1"),
          watchOf("u", "2", { location: { kind: "unfurl", channel: "C1", ts: "1.2", urls: ["https://a.test/1", "https://a.test/1?v=2"] } }),
          watchOf("r", "3", {
            location: { kind: "response_url", url: "https://hooks.slack.test/r/1", expiresAt: T0 + 1_800_000, usesLeft: 4 },
            hints: { surface: "unfurl" },
            lastDigest: "abc",
          }),
        ];
        for (const w of all) await watches.add(w);
        const sorted = (await watches.all()).sort((a, b) => a.id.localeCompare(b.id));
        expect(sorted).toEqual([...all].sort((a, b) => a.id.localeCompare(b.id)));
      });

      it("counts response_url uses through updates of the location", async () => {
        const watches = (await make()).watches<Hints>();
        const location = { kind: "response_url", url: "https://hooks.slack.test/r/2", expiresAt: T0 + 1_800_000, usesLeft: 4 } as const;
        await watches.add(watchOf("r", "3", { location }));
        await watches.update("r", { location: { ...location, usesLeft: 3 } });
        await watches.update("r", { lastDigest: "d" });
        const [stored] = await watches.all();
        expect(stored?.location).toEqual({ ...location, usesLeft: 3 });
        expect(stored?.lastDigest).toBe("d");
      });

      it("hands out copies: changing a returned watch does not change the stored one", async () => {
        const watches = (await make()).watches<Hints>();
        await watches.add(watchOf("u", "2", { location: { kind: "unfurl", channel: "C1", ts: "1.2", urls: ["https://a.test/1"] } }));
        const [copy] = await watches.all();
        if (copy?.location.kind !== "unfurl") throw new Error("unexpected");
        copy.location.urls.push("https://a.test/2");
        copy.hints.surface = "changed";
        copy.requester.userId = "U0MALLORY";
        const [again] = await watches.forHistory("41027", "2");
        expect(again).toEqual(watchOf("u", "2", { location: { kind: "unfurl", channel: "C1", ts: "1.2", urls: ["https://a.test/1"] } }));
      });

      it("adding a watch with an id already stored replaces it", async () => {
        const watches = (await make()).watches<Hints>();
        await watches.add(watchOf("a", "7"));
        await watches.add(watchOf("a", "9"));
        expect(await watches.forHistory("41027", "7")).toEqual([]);
        expect((await watches.forHistory("41027", "9")).map((w) => w.id)).toEqual(["a"]);
        expect(await watches.count()).toBe(1);
      });
    });

    describe("subscriptions", () => {
      it("finds subscriptions by channel and by project, counts them, and replaces one channel's subscription to a project", async () => {
        const subs = (await make()).subscriptions();
        await subs.put(subscriptionOf("C1", "41027"));
        await subs.put(subscriptionOf("C2", "41027", { failuresOnly: true, stages: [] }));
        await subs.put(subscriptionOf("C1", "50001", { projectName: "pay" }));
        await subs.put(subscriptionOf("C1", "41027", { stages: ["dev"], createdBy: "U0BOB" }));
        expect(await subs.count()).toBe(3);
        expect((await subs.forProject("41027")).map((s) => s.channelId).sort()).toEqual(["C1", "C2"]);
        expect((await subs.forChannel("C1")).find((s) => s.projectId === "41027")).toEqual(
          subscriptionOf("C1", "41027", { stages: ["dev"], createdBy: "U0BOB" }),
        );
        expect((await subs.forChannel("C1")).map((s) => s.projectId).sort()).toEqual(["41027", "50001"]);
        expect((await subs.all()).length).toBe(3);
        expect(await subs.forChannel("C9")).toEqual([]);
      });

      it("removes one subscription and says whether there was one", async () => {
        const subs = (await make()).subscriptions();
        await subs.put(subscriptionOf("C1", "41027"));
        await subs.put(subscriptionOf("C2", "41027"));
        expect(await subs.remove("C1", "41027")).toBe(true);
        expect(await subs.remove("C1", "41027")).toBe(false);
        expect((await subs.forProject("41027")).map((s) => s.channelId)).toEqual(["C2"]);
      });

      it("pauses and resumes one subscription, and ignores one that is gone", async () => {
        const subs = (await make()).subscriptions();
        await subs.put(subscriptionOf("C1", "41027"));
        await subs.put(subscriptionOf("C2", "41027"));
        await subs.setPaused("C1", "41027", { reason: "not_in_channel", at: T0 + 5 });
        await subs.setPaused("C9", "41027", { reason: "x", at: T0 });
        const [paused] = await subs.forChannel("C1");
        expect(paused?.paused).toEqual({ reason: "not_in_channel", at: T0 + 5 });
        expect((await subs.forChannel("C2"))[0]?.paused).toBeUndefined();
        await subs.setPaused("C1", "41027", undefined);
        expect((await subs.forChannel("C1"))[0]).toEqual(subscriptionOf("C1", "41027"));
        expect(await subs.count()).toBe(2);
      });

      it("keeps one cursor per project, and forgets it with the project's last subscription", async () => {
        const subs = (await make()).subscriptions();
        await subs.put(subscriptionOf("C1", "41027"));
        await subs.put(subscriptionOf("C2", "41027"));
        expect(await subs.cursor("41027")).toBeUndefined();
        await subs.setCursor("41027", "903344");
        await subs.setCursor("41027", "903350");
        await subs.setCursor("50001", "7");
        expect(await subs.cursor("41027")).toBe("903350");
        expect(await subs.cursor("50001")).toBe("7");
        await subs.remove("C1", "41027");
        expect(await subs.cursor("41027")).toBe("903350");
        await subs.remove("C2", "41027");
        expect(await subs.cursor("41027")).toBeUndefined();
      });

      it("hands out copies", async () => {
        const subs = (await make()).subscriptions();
        await subs.put(subscriptionOf("C1", "41027"));
        const [copy] = await subs.all();
        copy!.stages.push("x");
        copy!.createdBy = "U0MALLORY";
        expect((await subs.forProject("41027"))[0]).toEqual(subscriptionOf("C1", "41027"));
      });
    });

    describe("claimOnce", () => {
      it("is true the first time, false while remembered, true again once expired", async () => {
        const store = await make();
        expect(await store.claimOnce("event:Ev1", 600_000)).toBe(true);
        expect(await store.claimOnce("event:Ev1", 600_000)).toBe(false);
        expect(await store.claimOnce("event:Ev2", 600_000)).toBe(true);
        now = T0 + 599_999;
        expect(await store.claimOnce("event:Ev1", 600_000)).toBe(false);
        now = T0 + 600_000;
        expect(await store.claimOnce("event:Ev1", 600_000)).toBe(true);
        expect(await store.claimOnce("event:Ev1", 600_000)).toBe(false);
      });

      it("gives exactly one of many concurrent claims of one key", async () => {
        const store = await make();
        const results = await Promise.all(Array.from({ length: 20 }, () => store.claimOnce("interaction:x", 60_000)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      it("gives exactly one of many concurrent durable claims, and a durable claim blocks a plain one", async () => {
        const store = await make();
        const results = await Promise.all(Array.from({ length: 20 }, () => store.claimOnce("write:x", 60_000, { durable: true })));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect(await store.claimOnce("write:x", 60_000)).toBe(false);
      });
    });

    describe("audit trail", () => {
      it("appends entries with increasing ids and the time, and lists them newest first", async () => {
        const store = await make();
        const first = await store.appendAudit({
          actor: "U0ALICE",
          action: "deployment.stop",
          subject: "41027/903344",
          detail: { reason: "bad" },
        });
        now += 1000;
        const second = await store.appendAudit({ actor: "app", action: "subscription.add" });
        expect(first).toMatchObject({
          actor: "U0ALICE",
          action: "deployment.stop",
          subject: "41027/903344",
          detail: { reason: "bad" },
          at: T0,
        });
        expect(second.id).toBeGreaterThan(first.id);
        expect(second.at).toBe(T0 + 1000);
        expect(await store.listAudit()).toEqual([second, first]);
      });

      it("pages backwards with limit and beforeId", async () => {
        const store = await make();
        const entries = [];
        for (let i = 0; i < 5; i++) entries.push(await store.appendAudit({ actor: "U0ALICE", action: `a${i}` }));
        const page1 = await store.listAudit({ limit: 2 });
        expect(page1.map((e) => e.action)).toEqual(["a4", "a3"]);
        const page2 = await store.listAudit({ limit: 2, beforeId: page1.at(-1)!.id });
        expect(page2.map((e) => e.action)).toEqual(["a2", "a1"]);
        const page3 = await store.listAudit({ limit: 2, beforeId: page2.at(-1)!.id });
        expect(page3.map((e) => e.action)).toEqual(["a0"]);
      });
    });

    describe("prune", () => {
      it("removes expired claims and old watches in batches of at most `limit`, and nothing else", async () => {
        const store = await make();
        for (let i = 0; i < 5; i++) await store.claimOnce(`event:old${i}`, 1000);
        await store.claimOnce("event:fresh", 600_000);
        const watches = store.watches<Hints>();
        await watches.add(watchOf("old1", "1", { createdAt: T0 - 2000 }));
        await watches.add(watchOf("old2", "1", { createdAt: T0 - 1500 }));
        await watches.add(watchOf("new", "1", { createdAt: T0 }));
        now = T0 + 1000;

        const first = await store.prune({ now, watchesCreatedBefore: T0 - 1000, limit: 3 });
        expect(first).toEqual({ seenKeys: 3, watches: 2 });
        const second = await store.prune({ now, watchesCreatedBefore: T0 - 1000, limit: 3 });
        expect(second).toEqual({ seenKeys: 2, watches: 0 });
        expect(await store.prune({ now, watchesCreatedBefore: T0 - 1000, limit: 3 })).toEqual({ seenKeys: 0, watches: 0 });

        expect((await watches.all()).map((w) => w.id)).toEqual(["new"]);
        expect(await watches.forHistory("41027", "1")).toHaveLength(1);
        expect(await store.claimOnce("event:fresh", 600_000)).toBe(false);
      });
    });

    it("reports its kind and health", async () => {
      const store = await make();
      expect(await store.health()).toMatchObject({ kind: store.kind, ok: true, writeFailures: 0 });
    });

    describe.skipIf(!factory.reopen)("durability", () => {
      it("a store opened again on the same data has every watch, claim and audit entry", async () => {
        const store = await make();
        const watches = store.watches<Hints>();
        await watches.add(watchOf("a", "7"));
        await watches.add(watchOf("b", "7"));
        await watches.update("a", { lastDigest: "after-first-update" });
        await watches.remove("b");
        await store.claimOnce("event:Ev1", 600_000);
        const entry = await store.appendAudit({ actor: "U0ALICE", action: "deployment.stop" });
        const subs = store.subscriptions();
        await subs.put(subscriptionOf("C1", "41027"));
        await subs.put(subscriptionOf("C2", "41027"));
        await subs.put(subscriptionOf("C3", "50001"));
        await subs.remove("C3", "50001");
        await subs.setPaused("C2", "41027", { reason: "is_archived", at: T0 });
        await subs.setCursor("41027", "903350");
        await store.close();

        const again = await factory.reopen!(clock);
        open.push(again);
        expect(await again.watches<Hints>().all()).toEqual([{ ...watchOf("a", "7"), lastDigest: "after-first-update" }]);
        expect(await again.claimOnce("event:Ev1", 600_000)).toBe(false);
        expect(await again.listAudit()).toEqual([entry]);
        const kept = await again.subscriptions().all();
        expect(kept.sort((a, b) => a.channelId.localeCompare(b.channelId))).toEqual([
          subscriptionOf("C1", "41027"),
          subscriptionOf("C2", "41027", { paused: { reason: "is_archived", at: T0 } }),
        ]);
        expect(await again.subscriptions().cursor("41027")).toBe("903350");
        const next = await again.appendAudit({ actor: "app", action: "x" });
        expect(next.id).toBeGreaterThan(entry.id);
      });
    });
  });
}

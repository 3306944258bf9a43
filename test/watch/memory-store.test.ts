import { describe, expect, it } from "vitest";
import { MemoryWatchStore } from "../../src/watch/memory-store.js";
import type { Watch } from "../../src/watch/types.js";

const watch = (id: string, historyId: string): Watch<{ surface: string }> => ({
  id,
  projectId: "1",
  historyId,
  location: { kind: "response_url", url: "https://hooks.slack.test/r", expiresAt: 10, usesLeft: 5 },
  requester: { userId: "U0ALICE", channelId: "C1" },
  createdAt: 0,
  hints: { surface: "detail" },
});

describe("MemoryWatchStore", () => {
  it("finds watches by history, counts, updates and removes them", async () => {
    const store = new MemoryWatchStore<{ surface: string }>();
    await store.add(watch("a", "7"));
    await store.add(watch("b", "7"));
    await store.add(watch("c", "8"));
    expect((await store.forHistory("1", "7")).map((w) => w.id).sort()).toEqual(["a", "b"]);
    expect(await store.count()).toBe(3);

    await store.update("a", { lastDigest: "d", notBefore: 5 });
    expect((await store.forHistory("1", "7")).find((w) => w.id === "a")).toMatchObject({ lastDigest: "d", notBefore: 5 });

    await store.remove("a");
    await store.remove("c");
    await store.update("c", { lastDigest: "x" }); // gone: no-op
    expect((await store.all()).map((w) => w.id)).toEqual(["b"]);
    expect(await store.forHistory("1", "8")).toEqual([]);
  });

  it("hands out copies: changing a returned watch does not change the stored one", async () => {
    const store = new MemoryWatchStore<{ surface: string }>();
    await store.add(watch("a", "7"));
    const [copy] = await store.all();
    if (!copy || copy.location.kind !== "response_url") throw new Error("unexpected");
    copy.location.usesLeft = 0;
    copy.hints.surface = "unfurl";
    const [stored] = await store.forHistory("1", "7");
    expect(stored?.location).toMatchObject({ usesLeft: 5 });
    expect(stored?.hints).toEqual({ surface: "detail" });
  });

  it("hands out copies of an unfurl's URLs and of the requester", async () => {
    const store = new MemoryWatchStore<{ surface: string }>();
    await store.add({ ...watch("a", "7"), location: { kind: "unfurl", channel: "C1", ts: "1.0", urls: ["https://x.test/1"] } });
    const [copy] = await store.all();
    if (!copy || copy.location.kind !== "unfurl") throw new Error("unexpected");
    copy.location.urls.push("https://x.test/2");
    copy.requester.userId = "U0EVE";
    const [stored] = await store.all();
    expect(stored?.location).toMatchObject({ urls: ["https://x.test/1"] });
    expect(stored?.requester.userId).toBe("U0ALICE");
  });

  it("counts the watches a requester would join: all, theirs, and their channel's", async () => {
    const store = new MemoryWatchStore<{ surface: string }>();
    const by = (id: string, userId: string, channelId: string) => ({ ...watch(id, id), requester: { userId, channelId } });
    await store.add(by("a", "U0ALICE", "C1"));
    await store.add(by("b", "U0ALICE", "C2"));
    await store.add(by("c", "U0BOB", "C1"));
    await store.add(by("d", "U0BOB", "C3"));
    expect(await store.counts({ userId: "U0ALICE", channelId: "C1" })).toEqual({ total: 4, ofUser: 2, inChannel: 2 });
    expect(await store.counts({ userId: "U0CAROL", channelId: "C3" })).toEqual({ total: 4, ofUser: 0, inChannel: 1 });
    await store.remove("a");
    expect(await store.counts({ userId: "U0ALICE", channelId: "C1" })).toEqual({ total: 3, ofUser: 1, inChannel: 1 });
  });
});

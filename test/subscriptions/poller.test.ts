/** Two instances on one store: only the holder of a project's lease polls and posts; the other takes over. */
import { afterEach, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/log.js";
import type { HistorySummary } from "../../src/sourcedeploy/model.js";
import type { Leases } from "../../src/state/lease.js";
import { MemoryStateStore } from "../../src/state/memory.js";
import type { Subscription } from "../../src/state/types.js";
import { SubscriptionPoller, subscriptionLease } from "../../src/subscriptions/poller.js";
import { waitUntil } from "../support/wait.js";

const summary = (id: string): HistorySummary => ({
  id,
  project: { id: "41027", name: "shop-api" },
  stage: { id: "1", name: "prod-web" },
  scenario: { id: "1", name: "deploy" },
  status: "inprogress",
});

const subscription: Subscription = {
  channelId: "C1",
  projectId: "41027",
  projectName: "shop-api",
  teamId: "T1",
  stages: [],
  failuresOnly: false,
  createdBy: "U1",
  createdAt: 0,
  since: "100",
  externallyShared: false,
};

/** Leases two "instances" share: a name belongs to the first that asks until it is let go. */
function sharedLeases() {
  const owners = new Map<string, string>();
  const lostListeners = new Map<string, (name: string) => void>();
  const of = (instance: string): Leases => ({
    shared: true,
    scanIntervalMs: 20,
    acquire: async (name) => {
      if (!owners.has(name)) owners.set(name, instance);
      return owners.get(name) === instance;
    },
    holds: (name) => owners.get(name) === instance,
    token: () => 1,
    release: async (name) => {
      if (owners.get(name) === instance) owners.delete(name);
    },
    onLost: (listener) => {
      lostListeners.set(instance, listener);
      return () => lostListeners.delete(instance);
    },
    close: async () => undefined,
  });
  /** The instance died: its leases lapse. */
  const expire = (instance: string) => {
    for (const [name, owner] of owners) if (owner === instance) owners.delete(name);
  };
  return { of, expire, owners };
}

const pollers: SubscriptionPoller[] = [];
afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.close()));
});

describe("subscription poller with shared leases", () => {
  it("polls and posts from the lease holder only, and the other instance takes over when it is gone", async () => {
    const state = new MemoryStateStore();
    await state.subscriptions().put(subscription);
    let page = [summary("101")];
    const lists: string[] = [];
    const posts: string[] = [];
    const leases = sharedLeases();
    const start = (instance: string) => {
      const poller = new SubscriptionPoller({
        listHistories: async () => {
          lists.push(instance);
          return page;
        },
        store: state.subscriptions(),
        claimOnce: (key) => state.claimOnce(key, 60_000),
        deliver: async (_s, history) => {
          posts.push(`${instance}:${history.id}`);
          return "posted";
        },
        reportSkipped: async () => undefined,
        logger: silentLogger,
        intervalMs: 15,
        pageSize: 20,
        maxPostsPerPoll: 10,
        spread: () => 0,
        leases: leases.of(instance),
      });
      pollers.push(poller);
      return poller;
    };
    const a = start("a");
    await a.start();
    const b = start("b");
    await b.start();
    await waitUntil(() => lists.length >= 3, "a few polls");
    expect(new Set(lists)).toEqual(new Set(["a"]));
    expect(leases.owners.get(subscriptionLease("41027"))).toBe("a");

    page = [summary("102"), summary("101")];
    await waitUntil(() => posts.length === 1, "the new history posted");
    expect(posts).toEqual(["a:102"]);

    await a.close();
    leases.expire("a");
    page = [summary("103"), summary("102"), summary("101")];
    await waitUntil(() => posts.length === 2, "the next history posted by the other instance");
    expect(posts).toEqual(["a:102", "b:103"]);
  });
});

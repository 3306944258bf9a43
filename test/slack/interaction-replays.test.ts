import { describe, expect, it, vi } from "vitest";
import { createLogger } from "../../src/log.js";
import { dropReplayedInteractions, interactionKey, memorySeenKeys, type SeenKeys } from "../../src/slack/interaction-replays.js";

/** A block_actions payload as Slack sends it; `change` makes another click (or another user's). */
function click(change: { trigger_id?: string; action_ts?: string; user?: string; message_ts?: string; action_id?: string } = {}) {
  return {
    type: "block_actions",
    trigger_id: change.trigger_id ?? "1.738474920.8088930838d88f008e0",
    team: { id: "T0HOME", domain: "home" },
    user: { id: change.user ?? "U0ALICE", team_id: "T0HOME" },
    container: { type: "message", message_ts: change.message_ts ?? "1700000000.000100", channel_id: "C0DEPLOY" },
    response_url: "https://hooks.slack.test/actions/T0HOME/1/abc",
    actions: [
      {
        type: "button",
        action_id: change.action_id ?? "history_share",
        value: "41027:903344",
        action_ts: change.action_ts ?? "1700000001.000001",
      },
    ],
  };
}

describe("interactionKey", () => {
  it("is the same for a replayed click and differs for any other click", () => {
    const key = interactionKey(click());
    expect(key).toBe(interactionKey(structuredClone(click())));
    for (const other of [
      { trigger_id: "2.738474920.8088930838d88f008e0" },
      { action_ts: "1700000001.000002" },
      { user: "U0EVE" },
      { message_ts: "1700000000.000200" },
      { action_id: "history_refresh" },
    ]) {
      expect(interactionKey(click(other)), JSON.stringify(other)).not.toBe(key);
    }
  });

  it("has one size however long the payload's fields are", () => {
    expect(interactionKey(click({ action_id: "x".repeat(10_000) }))!.length).toBe(interactionKey(click())!.length);
  });

  it("leaves events and slash commands alone (events have their own dedupe by event_id)", () => {
    expect(interactionKey({ type: "event_callback", event_id: "Ev1", event: { type: "app_mention" } })).toBeUndefined();
    expect(interactionKey({ command: "/deploy-history", text: "help", trigger_id: "1.2.3" })).toBeUndefined();
    expect(interactionKey(undefined)).toBeUndefined();
    expect(interactionKey("payload")).toBeUndefined();
  });
});

describe("memorySeenKeys", () => {
  it("says a key is new once within the window, and new again once the window has passed", async () => {
    let now = 1_000; // lru-cache reads a start time of 0 as "no expiry"; performance.now() is never 0
    const seen = memorySeenKeys({ ttlMs: 300_000, max: 10, now: () => now });
    expect(await seen.firstSeen("a")).toBe(true);
    now += 299_999;
    expect(await seen.firstSeen("a")).toBe(false);
    expect(await seen.firstSeen("b")).toBe(true);
    now += 2;
    expect(await seen.firstSeen("a")).toBe(true);
    expect(await seen.firstSeen("b")).toBe(false);
  });

  it("keeps at most `max` keys, forgetting the oldest", async () => {
    const seen = memorySeenKeys({ ttlMs: 300_000, max: 2, now: () => 1_000 });
    for (const key of ["a", "b", "c"]) await seen.firstSeen(key);
    expect(await seen.firstSeen("c")).toBe(false);
    expect(await seen.firstSeen("a")).toBe(true);
  });
});

describe("dropReplayedInteractions", () => {
  function middleware(seen?: SeenKeys) {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
    return { run: dropReplayedInteractions(logger, seen), lines };
  }
  const args = (body: unknown) => ({ body, ack: vi.fn(async () => undefined), next: vi.fn(async () => undefined) });

  it("finding 14: a replayed click is acked, goes no further and writes one info line; the first one runs", async () => {
    const { run, lines } = middleware();
    const first = args(click());
    await run(first);
    expect(first.next).toHaveBeenCalledTimes(1);
    expect(first.ack).not.toHaveBeenCalled();

    for (const attempt of [1, 2]) {
      const replay = args(click());
      await run(replay);
      expect(replay.next).not.toHaveBeenCalled();
      expect(replay.ack).toHaveBeenCalledTimes(1);
      expect(lines).toHaveLength(attempt);
    }
    expect(lines[0]).toMatchObject({
      level: "info",
      msg: "replayed interaction ignored",
      type: "block_actions",
      teamId: "T0HOME",
      userId: "U0ALICE",
      actions: ["history_share"],
    });
    expect(JSON.stringify(lines)).not.toContain("738474920");
  });

  it("lets a new click of the same button through, and every event and command", async () => {
    const { run, lines } = middleware();
    await run(args(click()));
    for (const body of [
      click({ trigger_id: "2.1.x", action_ts: "1700000002.000001" }),
      { type: "event_callback", event_id: "Ev1" },
      { type: "event_callback", event_id: "Ev1" },
      { command: "/deploy-history", trigger_id: "9.9.9" },
      { command: "/deploy-history", trigger_id: "9.9.9" },
    ]) {
      const next = args(body);
      await run(next);
      expect(next.next).toHaveBeenCalledTimes(1);
    }
    expect(lines).toHaveLength(0);
  });

  it("asks the injected store, so another store can replace the memory one", async () => {
    const firstSeen = vi.fn(async () => false);
    const { run } = middleware({ firstSeen });
    const replay = args(click());
    await run(replay);
    expect(firstSeen).toHaveBeenCalledWith(interactionKey(click()));
    expect(replay.next).not.toHaveBeenCalled();
  });
});

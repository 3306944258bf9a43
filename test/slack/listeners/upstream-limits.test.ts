/**
 * Issue 10, finding 6: one user must not be able to make the app hammer SourceDeploy. Links per
 * link_shared event are bounded, project lists are cached for a short time, and every upstream
 * call made for a user is charged to that user's budget (UPSTREAM_MAX_PER_USER_PER_MINUTE).
 */
import { afterEach, describe, expect, it } from "vitest";
import { parseAccessPolicy } from "../../../src/access/policy.js";
import { deployHistoryCommand } from "../../../src/slack/listeners/commands/deploy-history.js";
import {
  firstHistories,
  historyLinks,
  linkShared as linkSharedListener,
  MAX_UNFURLS_PER_EVENT,
} from "../../../src/slack/listeners/events/link-shared.js";
import type { FakeSourceDeploy } from "../../fakes/sourcedeploy-fake.js";
import { readFixture } from "../../support/fixtures.js";
import { type ListenerBed, linkShared, onlyPayload, slashCommand, USER, useListenerBed } from "./support.js";

let bed: ListenerBed;
useListenerBed((ready) => (bed = ready));
afterEach(() => bed.sourceDeploy.setProjectList(readFixture("project-list.json")));

const CONSOLE = "https://console.ncloud.com/sourcedeploy";
const BOB = "U0BOB";

/** Serves server-fail.json as 41027/<id> for each id. */
function serveHistories(sourceDeploy: FakeSourceDeploy, ids: readonly string[]): void {
  for (const id of ids) sourceDeploy.setHistory("41027", id, { ...readFixture<object>("server-fail.json"), id: Number(id) });
}

/** Upstream requests made from now on, by path. */
function upstreamFrom(sourceDeploy: FakeSourceDeploy): () => string[] {
  const start = sourceDeploy.requests.length;
  return () => sourceDeploy.requests.slice(start).map((r) => r.path);
}

describe("finding 6: upstream calls are bounded per event and per user", () => {
  it("finding 6: one link_shared with 30 distinct history links makes at most MAX_UNFURLS_PER_EVENT upstream calls", async () => {
    const ids = Array.from({ length: 30 }, (_, i) => String(910_000 + i));
    serveHistories(bed.sourceDeploy, ids);
    const urls = ids.map((id) => `${CONSOLE}/project/41027/history/${id}`);
    const upstream = upstreamFrom(bed.sourceDeploy);

    const shared = linkShared(urls);
    await linkSharedListener(bed.context())(shared.args);

    expect(upstream()).toHaveLength(5);
    expect(MAX_UNFURLS_PER_EVENT).toBe(5);
    const unfurls = shared.calls[0]!.args.unfurls as Record<string, unknown>;
    expect(Object.keys(unfurls)).toEqual(urls.slice(0, MAX_UNFURLS_PER_EVENT));
  });

  it("finding 6: variants of one history's link count once toward the cap, and every variant of a kept history stays", () => {
    const options = { apiBaseUrl: "https://vpcsourcedeploy.apigw.ntruss.com/api/v1", extraPatterns: [] };
    const urls = [
      `${CONSOLE}/project/41027/history/1?v=1`,
      `${CONSOLE}/project/41027/history/1?v=2`,
      `${CONSOLE}/project/41027/history/2`,
      `${CONSOLE}/project/41027/history/3`,
      `${CONSOLE}/project/41027/history/1?v=3`,
    ];
    const kept = firstHistories(historyLinks(urls, options), 2);
    expect(kept.map((link) => link.url)).toEqual([urls[0], urls[1], urls[2], urls[4]]);
  });

  it("finding 6: 20 commands by one user in a burst get 'slow down' beyond their budget, while another user still gets answers", async () => {
    const ids = Array.from({ length: 21 }, (_, i) => String(920_000 + i));
    serveHistories(bed.sourceDeploy, ids);
    const ctx = bed.context({ env: { UPSTREAM_MAX_PER_USER_PER_MINUTE: "10" } });
    const command = deployHistoryCommand(ctx);
    const upstream = upstreamFrom(bed.sourceDeploy);

    const burst = ids.slice(0, 20).map((id) => slashCommand(`41027 ${id}`));
    await Promise.all(burst.map(({ args }) => command(args)));

    const replies = burst.map(({ respond }) => onlyPayload(respond).text);
    const slowedDown = replies.filter((text) => /slow down/i.test(text));
    expect(slowedDown).toHaveLength(10);
    replies.forEach((text, i) => expect(/slow down/i.test(text) || text.includes(ids[i]!)).toBe(true));
    expect(upstream()).toHaveLength(10);

    const bob = slashCommand(`41027 ${ids[20]}`, { userId: BOB });
    await command(bob.args);
    expect(onlyPayload(bob.respond).text).toContain(ids[20]);
  });

  it("finding 6: an unfurl over the user's budget shows nothing in the channel (no error there), and is logged", async () => {
    const ctx = bed.context({ env: { UPSTREAM_MAX_PER_USER_PER_MINUTE: "1" } });
    serveHistories(bed.sourceDeploy, ["930000", "930001"]);
    const first = linkShared([`${CONSOLE}/project/41027/history/930000`]);
    await linkSharedListener(ctx)(first.args);
    expect(first.calls).toHaveLength(1);

    const upstream = upstreamFrom(bed.sourceDeploy);
    const second = linkShared([`${CONSOLE}/project/41027/history/930001`]);
    await linkSharedListener(ctx)(second.args);
    expect(second.calls).toHaveLength(0);
    expect(upstream()).toEqual([]);
    expect(bed.logs.some((l) => l.msg === "history link not unfurled" && (l.err as { code?: string })?.code === "slow_down")).toBe(true);
  });

  it("finding 6: name lookups within the project-list TTL reuse the cached list instead of walking its pages again", async () => {
    // 1000 projects, none of them 41027: the access check by name walks every page it may.
    const projects = Array.from({ length: 1000 }, (_, i) => ({ id: 50_000 + i, name: `svc-${i}` }));
    bed.sourceDeploy.setProjectList({ projectList: projects });
    const byName = parseAccessPolicy({ default: "deny", rules: [{ users: [USER], projects: ["shop-*"] }] });
    const command = deployHistoryCommand(bed.context({ policy: byName }));
    const upstream = upstreamFrom(bed.sourceDeploy);
    const projectListCalls = () => upstream().filter((path) => path.includes("/project?")).length;

    await command(slashCommand("41027 903344").args);
    const firstLookup = projectListCalls();
    expect(firstLookup).toBeGreaterThan(1);

    for (let i = 0; i < 5; i++) await command(slashCommand("41027 903344").args);
    expect(projectListCalls()).toBe(firstLookup);
  });
});

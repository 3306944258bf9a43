/** Issue 10, finding 6: one user must not be able to make the app hammer SourceDeploy. Links per link_shared event are bounded. */
import { describe, expect, it } from "vitest";
import {
  firstHistories,
  historyLinks,
  linkShared as linkSharedListener,
  MAX_UNFURLS_PER_EVENT,
} from "../../../src/slack/listeners/events/link-shared.js";
import type { FakeSourceDeploy } from "../../fakes/sourcedeploy-fake.js";
import { readFixture } from "../../support/fixtures.js";
import { type ListenerBed, linkShared, useListenerBed } from "./support.js";

let bed: ListenerBed;
useListenerBed((ready) => (bed = ready));

const CONSOLE = "https://console.ncloud.com/sourcedeploy";

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
});

/**
 * Questions in plain words against the real bundled app and the fake SourceDeploy serving a dated,
 * pageable history list of shop-api (project 41027): the examples as slash command and as
 * mention return exactly the matching ids, stats are exact, diff names the changed fields, and no
 * question reads more than ASK_MAX_PAGES pages of the list.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datedHistoryList } from "../fakes/sourcedeploy-fake.js";
import { messageProblems } from "../support/block-kit.js";
import { datedEntries, EXPECTED, IDS, PROD_WEB } from "../support/dated-history.js";
import { readFixture } from "../support/fixtures.js";
import { appMentionEvent, blockActionBody, eventBody, JSON_TYPE, type Stack, slashCommandBody, startStack } from "./harness.js";

const ZONE = "Asia/Seoul";
const MAX_PAGES = 3;
let stack: Stack;
let counter = 0;

type Body = { text: string; blocks: unknown[] };

/** The history ids of the Details buttons, in order. */
function listedIds(body: Body): string[] {
  const ids: string[] = [];
  for (const block of body.blocks as Array<{ accessory?: { action_id?: string; value?: string } }>) {
    const accessory = block.accessory;
    if (accessory?.action_id?.startsWith("history_details:")) ids.push(String(accessory.value).split(":")[1] ?? "");
  }
  return ids;
}

/** Pages of the history list asked of the fake while `run` ran. */
async function listCalls<T>(run: () => Promise<T>): Promise<{ result: T; pages: number[] }> {
  const before = stack.sourceDeploy.requests.length;
  const result = await run();
  const pages = stack.sourceDeploy.requests
    .slice(before)
    .filter((r) => r.path.startsWith("/api/v1/project/41027/history?"))
    .map((r) => Number(new URL(r.path, "http://x").searchParams.get("pageNo")));
  return { result, pages };
}

async function command(text: string): Promise<Body> {
  const id = `ask-${++counter}`;
  await stack.app.handled(() => stack.app.postSigned(slashCommandBody({ text, responseUrl: stack.slack.responseUrl(id) })));
  const [post] = await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id);
  const body = post!.body as Body;
  expect(messageProblems(body)).toEqual([]);
  return body;
}

async function mention(text: string): Promise<Body> {
  stack.slack.reset();
  const ts = `1700000${++counter}.000100`;
  await stack.app.postSigned(eventBody(appMentionEvent({ text: `<@UBOT> ${text}`, ts }), { eventId: `EvAsk${counter}` }), JSON_TYPE);
  const [call] = await stack.slack.waitFor("chat.postMessage");
  const body = call!.body as Body;
  expect(messageProblems(body)).toEqual([]);
  return body;
}

beforeAll(async () => {
  stack = await startStack({
    env: { TIME_ZONE: ZONE, ASK_MAX_PAGES: String(MAX_PAGES), UPSTREAM_MAX_PER_USER_PER_MINUTE: "10000", UPSTREAM_MAX_RPS: "200" },
  });
  const entries = datedEntries(Date.now(), ZONE);
  stack.sourceDeploy.setHistoryList(41027, datedHistoryList({ id: 41027, name: "shop-api" }, entries));
  // The failed deployment of yesterday and the last success of its stage before it, in detail.
  const failed = readFixture<{ result?: unknown } & Record<string, unknown>>("server-fail.json");
  const start = (id: string) => entries.find((e) => e.id === id)?.startTime ?? 0;
  stack.sourceDeploy.setHistory(41027, IDS.yesterdayFail, { ...failed, id: IDS.yesterdayFail, startTime: start(IDS.yesterdayFail) });
  const targets = [
    { server: { no: 21880451, name: "web-01" }, status: "success" },
    { server: { no: 21880452, name: "web-02" }, status: "success" },
    { server: { no: 21880454, name: "web-04" }, status: "success" },
  ];
  stack.sourceDeploy.setHistory(41027, IDS.threeDaysSuccess, {
    ...failed,
    id: IDS.threeDaysSuccess,
    status: "success",
    stage: PROD_WEB,
    startTime: start(IDS.threeDaysSuccess),
    config: [{ strategy: "rolling", file: { selected: "shop-api-build-prev", type: "SourceBuild" }, targets }],
  });
});
afterAll(async () => {
  expect(await stack?.stop()).toEqual({ code: 0, signal: null });
});

describe("filters, as slash command and as mention", () => {
  it("/deploy-history shop-api failed 7d → exactly the failures of the last 7 days, reading one page", async () => {
    const { result, pages } = await listCalls(() => command("shop-api failed 7d"));
    expect(listedIds(result)).toEqual(EXPECTED.failed7d);
    expect(JSON.stringify(result.blocks)).toContain("Searched: *shop-api* · failed · last 7 days");
    expect(JSON.stringify(result.blocks)).toContain("Read 1 page of the list (100 deployments)");
    expect(pages).toEqual([1]);
  });

  it("@deploy-history shop-api 실패 7일 → the same ids, from the cached page", async () => {
    const { result, pages } = await listCalls(() => mention("shop-api 실패 7일"));
    expect(listedIds(result)).toEqual(EXPECTED.failed7d);
    expect(pages).toEqual([]);
  });

  it("/deploy-history shop-api 어제 → yesterday's deployments in TIME_ZONE", async () => {
    expect(listedIds(await command("shop-api 어제"))).toEqual(EXPECTED.yesterday);
    expect(listedIds(await mention("shop-api yesterday"))).toEqual(EXPECTED.yesterday);
  });

  it("/deploy-history shop-api prod-web running → the running one, and says it stopped at the page cap", async () => {
    const { result, pages } = await listCalls(() => command("shop-api prod-web running"));
    expect(listedIds(result)).toEqual(EXPECTED.prodWebRunning);
    expect(JSON.stringify(result.blocks)).toContain(`Stopped early at the limit of ${MAX_PAGES} pages per question`);
    expect(Math.max(...pages)).toBeLessThanOrEqual(MAX_PAGES);
    expect(listedIds(await mention("shop-api running prod-web"))).toEqual(EXPECTED.prodWebRunning);
  });

  it("never reads past ASK_MAX_PAGES, whatever the question", async () => {
    const { pages } = await listCalls(async () => {
      await command("shop-api canceled last 50");
      await command("shop-api since 2020-01-01");
    });
    expect(pages.every((p) => p >= 1 && p <= MAX_PAGES)).toBe(true);
  });

  it("names an unknown word with the closest stage", async () => {
    const body = await command("shop-api prod-wbe faild");
    expect(JSON.stringify(body.blocks)).toContain("`prod-wbe`: did you mean `prod-web`?");
    expect(JSON.stringify(body.blocks)).toContain("`faild`: did you mean `failed`?");
  });
});

describe("stats", () => {
  it("stats shop-api → exact figures for the known list", async () => {
    const text = JSON.stringify((await command("stats shop-api")).blocks);
    for (const part of [
      "*7 deployments*",
      "*Success rate* 50% (3 of 6 finished)",
      "median 3m · p90 6m",
      "`▅▅▁█▁█▅`",
      "was 3, +4",
      "(was 67%, −17 pts)",
    ])
      expect(text).toContain(part);
  });

  it("통계 shop-api prod-web 30일 as a mention", async () => {
    const text = JSON.stringify((await mention("통계 shop-api prod-web 30일")).blocks);
    // prod-web in the last 30 days: the running one, 4 of the last week, 3 of the week before.
    expect(text).toContain("*8 deployments*");
    expect(text).toContain("Stage: prod-web");
  });
});

describe("what changed", () => {
  const changed = [
    "*Scenario*",
    "*Strategy*: Rolling → Basic",
    "*Deployment file*: shop-api-build-prev (SourceBuild) → shop-api-build (SourceBuild)",
  ];

  it("diff shop-api <failed> → compared with the last success of its stage", async () => {
    const text = JSON.stringify((await command(`diff shop-api ${IDS.yesterdayFail}`)).blocks);
    expect(text).toContain(`Compared with the last success in this stage: #${IDS.threeDaysSuccess}`);
    for (const part of changed.slice(1)) expect(text).toContain(part);
    expect(text).toContain("*Targets added*: web-03");
    expect(text).toContain("*Targets removed*: web-04");
    expect(text).toContain("*Failed now, succeeded then*: web-02");
  });

  it("the Compare with last success button answers the clicker alone", async () => {
    const detail = await command(`shop-api ${IDS.yesterdayFail}`);
    expect(JSON.stringify(detail.blocks)).toContain('"action_id":"history_compare"');
    const id = `ask-${++counter}`;
    await stack.app.handled(() =>
      stack.app.postSigned(
        blockActionBody({ actionId: "history_compare", value: `41027:${IDS.yesterdayFail}`, responseUrl: stack.slack.responseUrl(id) }),
      ),
    );
    const [post] = await stack.slack.waitFor((c) => c.method === "response_url" && c.id === id);
    const body = post!.body as Body & { response_type: string; replace_original: boolean };
    expect(body).toMatchObject({ response_type: "ephemeral", replace_original: false });
    expect(messageProblems(body)).toEqual([]);
    expect(JSON.stringify(body.blocks)).toContain("*Failed now, succeeded then*: web-02");
  });
});

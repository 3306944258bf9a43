/**
 * Property test from adversarial command text to the rendered reply: parseCommand → answerCommand
 * over the demo data, recording every call to the API. The answer never throws, the API only ever
 * sees ids of 1–20 digits, and no mrkdwn or top-level text carries a `<` that is not one of our own
 * tokens (`<!date^…>`, `<http…>`), so nothing the user typed can ping (`<!channel>`, `<@U…>`) or link.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type AnswerContext, answerCommand } from "../src/answer.js";
import { parseCommand } from "../src/command.js";
import { parseLinkPatterns } from "../src/config.js";
import type { LinkOptions } from "../src/links.js";
import { silentLogger } from "../src/log.js";
import type { Message, RenderOptions } from "../src/render/index.js";
import { DemoSourceDeploy } from "../src/sourcedeploy/demo.js";
import type { CallOptions, History, HistorySummary, PageQuery, Project, ProjectQuery, SourceDeployApi } from "../src/sourcedeploy/model.js";
import { messageProblems, mrkdwnTexts } from "./support/block-kit.js";

const SEED = 20261127;
const RUNS = { seed: SEED, numRuns: 300 } as const;
const ID = /^\d{1,20}$/;

const { patterns: extraPatterns } = parseLinkPatterns(
  // Loose groups on purpose: only digit ids may reach the API even when an operator's pattern allows more.
  JSON.stringify(["^https?://deploy\\.example\\.com/d/(?<projectId>[^/]+)/(?<historyId>[^/?#]+)"]),
);
const linkOptions: LinkOptions = { apiBaseUrl: "https://vpcsourcedeploy.apigw.ntruss.com/api/v1", extraPatterns };

const render: RenderOptions = {
  locale: "en",
  timeZone: "Asia/Seoul",
  now: new Date("2026-03-04T06:00:00Z"),
  consoleUrlTemplate: "https://console.ncloud.com/sourcedeploy/project/{projectId}/history/{historyId}",
  demo: true,
  shareButton: true,
  relativeElapsed: true,
};

type Call = { method: "getHistory" | "listHistories" | "listProjects"; ids: string[]; name?: string };

/** The demo data behind a recorder of every call. */
class RecordingApi implements SourceDeployApi {
  readonly description = "recording demo data";
  readonly calls: Call[] = [];
  private readonly demo = new DemoSourceDeploy();

  getHistory(projectId: string, historyId: string, options?: CallOptions): Promise<History> {
    this.calls.push({ method: "getHistory", ids: [projectId, historyId] });
    return this.demo.getHistory(projectId, historyId, options);
  }

  listHistories(projectId: string, query?: PageQuery, options?: CallOptions): Promise<HistorySummary[]> {
    this.calls.push({ method: "listHistories", ids: [projectId] });
    return this.demo.listHistories(projectId, query, options);
  }

  listProjects(query?: ProjectQuery, options?: CallOptions): Promise<Project[]> {
    this.calls.push({ method: "listProjects", ids: [], ...(query?.name !== undefined ? { name: query.name } : {}) });
    return this.demo.listProjects(query, options);
  }
}

type Access = NonNullable<AnswerContext["access"]>;

/** A restricted asker: project 41100 is refused, shop-api is allowed by name, the rest need a name. */
const restricted: Access = {
  asker: { teamId: "T0TEST", channelId: "C0DEPLOYS", userId: "U0ALICE" },
  restricted: true,
  decide: (project) => {
    if (project.id === "41100") return "deny";
    if (project.name === undefined) return "need_name";
    return project.name === "shop-api" ? "allow" : "deny";
  },
};

// ---- adversarial text -------------------------------------------------------------------------

const FOUR_HUNDRED_DIGITS = "9".repeat(400);
const PIECES = [
  "<",
  ">",
  "|",
  "&",
  " ",
  "\n",
  "\t",
  "\u0000",
  "\u0007",
  "\u001b[31m",
  "\u007f",
  "\u200b",
  "\u200e",
  "\u200f",
  "\u202e",
  "\u2066",
  "\ufeff",
  "<!channel>",
  "<!here>",
  "<!everyone>",
  "<!subteam^S123|@oncall>",
  "<@U0ALICE>",
  "<@U123|bob>",
  "<@W123|>",
  "<#C123|general>",
  "<!date^1700000000^{date}|x>",
  "javascript:alert(1)",
  "file:///etc/passwd",
  "data:text/html,<b>",
  "https://",
  "http://",
  "//",
  "console.ncloud.com",
  "console.ncloud.com.evil.example",
  "console.ncloud.com@evil.example",
  "evil.example",
  "/project/",
  "/history/",
  "../",
  "..%2F",
  "%2F",
  "%2e%2e",
  "%00",
  "?projectId=",
  "&historyId=",
  "&amp;",
  "&lt;",
  "&gt;",
  "41027",
  "41100",
  "903344",
  "904611",
  "904120",
  "0",
  "-1",
  "1".repeat(21),
  FOUR_HUNDRED_DIGITS,
  "help",
  "projects",
  "latest",
  "최근",
  "shop-api",
  "shop",
  "catalog-svc",
  "*bold*",
  "_it_",
  "~s~",
  "`code`",
  "```",
  "😀",
  "\ud83d",
];

const idLike = fc.constantFrom(
  "41027",
  "41100",
  "903344",
  "904120",
  "1",
  "1".repeat(20),
  "1".repeat(21),
  FOUR_HUNDRED_DIGITS,
  "..",
  "%2F",
  "1%2F2",
  "-1",
  "x",
);
const hostileLink = fc
  .record({
    scheme: fc.constantFrom("https://", "http://", "javascript:", "file:///"),
    host: fc.constantFrom(
      "console.ncloud.com",
      "vpcsourcedeploy.apigw.ntruss.com/api/v1",
      "deploy.example.com",
      "console.ncloud.com.evil.example",
      "console.ncloud.com@evil.example",
    ),
    path: fc.constantFrom(
      "/project/{p}/history/{h}",
      "/x?projectId={p}&historyId={h}",
      "/#/project/{p}/history/{h}",
      "/d/{p}/{h}",
      "/project/{p}/../history/{h}",
    ),
    p: idLike,
    h: idLike,
    wrap: fc.constantFrom("{u}", "<{u}>", "<{u}|<!channel>>", "<{u}|label <@U123>>", "<@UBOT> {u}"),
  })
  .map(({ scheme, host, path, p, h, wrap }) => wrap.replace("{u}", `${scheme}${host}${path.replace("{p}", p).replace("{h}", h)}`));

const piece = fc.constantFrom(...PIECES);
const words = fc
  .array(fc.oneof(piece, piece, hostileLink, fc.string({ unit: "binary", maxLength: 12 })), { maxLength: 6 })
  .map((parts) => parts.join(" "));
/** Commands that reach the API, with one hostile part swapped in. */
const nearMiss = fc
  .tuple(fc.constantFrom("41027", "shop-api", "catalog-svc", "41100", "projects", "<@UBOT>"), fc.oneof(piece, idLike, hostileLink))
  .map(([head, tail]) => `${head} ${tail}`);
/** Commands that work, wrapped in invisible, control and right-to-left characters. */
const decorated = fc
  .tuple(
    fc.constantFrom("", " ", "\n", "<@UBOT> ", "\ufeff", "\u200e", "\u202e", "\u0000"),
    fc.constantFrom(
      "41027 903344",
      "41027 904611",
      "41100 904120",
      "shop-api latest",
      "shop-api 903501",
      "https://console.ncloud.com/sourcedeploy/project/41152/history/904388",
      "<https://console.ncloud.com/sourcedeploy/project/41027/history/903344|<!channel>>",
    ),
    fc.constantFrom("", " ", "\n", "\t", "\u200b", "\u0007"),
  )
  .map(([before, command, after]) => `${before}${command}${after}`);
const veryLong = fc
  .tuple(piece, fc.integer({ min: 900, max: 10_000 }))
  .map(([p, length]) => p.repeat(Math.ceil(length / Math.max(1, p.length))).slice(0, length));
const commandText = fc.oneof(words, nearMiss, decorated, decorated, hostileLink, veryLong, fc.constant("x".repeat(10_000)));

// ---- checks -----------------------------------------------------------------------------------

const SLACK_DATE = /<!date\^\d+\^[^<>|]*\|[^<>]*>/g;
const OUR_LINK = /<(https?:\/\/[^<>|\s]+)(?:\|[^<>]*)?>/g;
const LINK_HOSTS: ReadonlySet<string> = new Set(["console.ncloud.com"]);

/** Problems with the `<…>` of one text: any `<` left after our own tokens, or a link to another host. */
function angleProblems(text: string): string[] {
  const problems: string[] = [];
  for (const [, url] of text.matchAll(OUR_LINK)) {
    const host = URL.canParse(url!) ? new URL(url!).hostname : "(unparsable)";
    if (!LINK_HOSTS.has(host)) problems.push(`link to ${host}: ${url}`);
  }
  const rest = text.replace(SLACK_DATE, "").replace(OUR_LINK, "");
  if (rest.includes("<"))
    problems.push(`stray "<" in ${JSON.stringify(rest.slice(Math.max(0, rest.indexOf("<") - 40), rest.indexOf("<") + 40))}`);
  return problems;
}

function messageAngleProblems(message: Message): string[] {
  return [message.text, ...mrkdwnTexts(message.blocks)].flatMap(angleProblems);
}

async function answerWith(text: string, access: Access | undefined) {
  const api = new RecordingApi();
  const context: AnswerContext = { api, render, logger: silentLogger, ...(access ? { access } : {}) };
  const answer = await answerCommand(parseCommand(text, linkOptions), context);
  return { answer, calls: api.calls };
}

describe("hostile command text, answered end to end (parse → answer → render)", () => {
  it("the generator reaches the API and renders histories too (so the properties are not vacuous)", async () => {
    const texts = fc.sample(commandText, { seed: SEED, numRuns: 300 });
    const results = await Promise.all(texts.map((text) => answerWith(text, undefined)));
    expect(results.filter((r) => r.calls.some((c) => c.method === "getHistory")).length).toBeGreaterThan(25);
    expect(results.filter((r) => r.answer.history !== undefined).length).toBeGreaterThan(20);
    expect(texts.some((t) => t.length >= 10_000)).toBe(true);
  });

  it.each([
    ["without an access policy", undefined],
    ["for a restricted asker", restricted],
  ])("%s: never throws, only digit ids reach the API, and nothing typed can ping or link", async (_name, access) => {
    await fc.assert(
      fc.asyncProperty(commandText, async (text) => {
        const { answer, calls } = await answerWith(text, access);
        for (const call of calls) for (const id of call.ids) expect(id).toMatch(ID);
        expect(messageAngleProblems(answer.message)).toEqual([]);
        expect(messageProblems(answer.message)).toEqual([]);
      }),
      RUNS,
    );
  });

  it("a project named like a mention, echoed back, pings nobody", async () => {
    for (const text of [
      "<!channel>",
      "<@U123|bob> 903344",
      "<!here> latest",
      "projects <!everyone>",
      "<https://console.ncloud.com.evil.example/x|<!channel>>",
    ]) {
      const { answer } = await answerWith(text, undefined);
      expect(messageAngleProblems(answer.message)).toEqual([]);
      expect(JSON.stringify(answer.message)).not.toMatch(/<!channel>|<!here>|<!everyone>|<@U123/);
    }
  });

  it("the check itself catches a stray mention and a link to another host", () => {
    expect(angleProblems("ok <!date^1700000000^{date_short_pretty}|2023-11-14> <https://console.ncloud.com/x|open>")).toEqual([]);
    expect(angleProblems("hi <!channel>")).toHaveLength(1);
    expect(angleProblems("<https://console.ncloud.com.evil.example/x|open>")).toEqual([
      "link to console.ncloud.com.evil.example: https://console.ncloud.com.evil.example/x",
    ]);
    expect(angleProblems("<https://console.ncloud.com/x|<!channel>>")).not.toEqual([]);
  });
});

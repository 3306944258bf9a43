/** The plain-words grammar: filters in any order and either language, stats, diff, unknown words. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Command, Filter } from "../src/command.js";
import { parseCommand } from "../src/command.js";
import type { LinkOptions } from "../src/links.js";

const options: LinkOptions = { apiBaseUrl: "https://vpcsourcedeploy.apigw.ntruss.com/api/v1", extraPatterns: [] };
const parse = (text: string): Command => parseCommand(text, options);
const shop = { by: "name", name: "shop-api" } as const;
const search = (filter: Partial<Filter>, unknown: string[] = []) => ({
  kind: "search",
  project: shop,
  filter: { statuses: [], stages: [], ...filter },
  unknown,
});

describe("search filters", () => {
  it.each([
    ["shop-api failed 7d", search({ statuses: ["failed"], range: { kind: "days", days: 7 } })],
    ["shop-api 실패 7일", search({ statuses: ["failed"], range: { kind: "days", days: 7 } })],
    ["<@U0BOT> shop-api 실패 7일", search({ statuses: ["failed"], range: { kind: "days", days: 7 } })],
    ["shop-api prod-web running", search({ statuses: ["running"], stages: ["prod-web"] })],
    ["shop-api prod-web 진행 중", search({ statuses: ["running"], stages: ["prod-web"] })],
    ["shop-api 진행중 prod-web", search({ statuses: ["running"], stages: ["prod-web"] })],
    ["shop-api 어제", search({ range: { kind: "yesterday" } })],
    ["shop-api yesterday", search({ range: { kind: "yesterday" } })],
    ["shop-api today", search({ range: { kind: "today" } })],
    ["shop-api 오늘", search({ range: { kind: "today" } })],
    ["shop-api this week", search({ range: { kind: "this_week" } })],
    ["shop-api 이번 주", search({ range: { kind: "this_week" } })],
    ["shop-api 24h", search({ range: { kind: "hours", hours: 24 } })],
    ["shop-api 30d", search({ range: { kind: "days", days: 30 } })],
    ["shop-api since 2026-11-01", search({ range: { kind: "since", date: "2026-11-01" } })],
    ["shop-api 2026-11-01 이후", search({ range: { kind: "since", date: "2026-11-01" } })],
    ["shop-api 2026-11-01", search({ range: { kind: "on", date: "2026-11-01" } })],
    ["shop-api 5", search({ count: 5 })],
    ["shop-api last 20", search({ count: 20 })],
    ["shop-api 최근 20", search({ count: 20 })],
    ["shop-api last 200", search({ count: 50 })],
    ["shop-api 승인 대기", search({ statuses: ["waiting"] })],
    ["shop-api pending canceled 성공", search({ statuses: ["waiting", "canceled", "succeeded"] })],
    ["shop-api failed latest", search({ statuses: ["failed"], count: 1 })],
  ])("%j", (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it("keeps the forms that existed: list, latest, history id", () => {
    expect(parse("shop-api")).toEqual({ kind: "list", project: shop });
    expect(parse("shop-api 최근")).toEqual({ kind: "latest", project: shop });
    expect(parse("shop-api 903344")).toEqual({ kind: "history", project: shop, historyId: "903344" });
    expect(parse("shop-api 51")).toEqual({ kind: "history", project: shop, historyId: "51" });
  });

  it("names what it cannot read, and refuses two time ranges", () => {
    expect(parse("shop-api failed !!")).toEqual(search({ statuses: ["failed"] }, ["!!"]));
    expect(parse("shop-api 2026-02-30")).toEqual({ kind: "invalid", input: "shop-api 2026-02-30", reason: "bad_history_id" });
    expect(parse("shop-api today 7d")).toEqual({ kind: "invalid", input: "shop-api today 7d", reason: "two_ranges" });
    expect(parse("shop-api since")).toEqual(search({}, ["since"]));
  });
});

describe("stats and diff", () => {
  it.each([
    ["stats shop-api", { kind: "stats", project: shop, stages: [], days: 7, unknown: [] }],
    ["통계 shop-api 30일 prod-web", { kind: "stats", project: shop, stages: ["prod-web"], days: 30, unknown: [] }],
    ["stats shop-api today", { kind: "stats", project: shop, stages: [], days: 7, unknown: ["today"] }],
    ["diff shop-api 903344", { kind: "diff", project: shop, historyId: "903344" }],
    ["비교 41027 903344 903501", { kind: "diff", project: { by: "id", id: "41027" }, historyId: "903344", against: "903501" }],
    [
      "diff https://console.ncloud.com/project/41027/history/903344 903501",
      { kind: "diff", project: { by: "id", id: "41027" }, historyId: "903344", against: "903501" },
    ],
  ])("%j", (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it("refuses a diff without a history or with a link to another project", () => {
    expect(parse("diff shop-api").kind).toBe("invalid");
    expect(parse("diff https://console.ncloud.com/project/41027/history/903344 https://console.ncloud.com/project/1/history/2").kind).toBe(
      "invalid",
    );
  });
});

/** Filter phrases with what each adds, in both languages. */
const PHRASES = {
  status: [
    ["failed", "failed"],
    ["실패", "failed"],
    ["running", "running"],
    ["진행 중", "running"],
    ["진행중", "running"],
    ["succeeded", "succeeded"],
    ["성공", "succeeded"],
    ["canceled", "canceled"],
    ["취소", "canceled"],
    ["waiting", "waiting"],
    ["승인 대기", "waiting"],
  ],
  range: [
    ["today", { kind: "today" }],
    ["오늘", { kind: "today" }],
    ["yesterday", { kind: "yesterday" }],
    ["어제", { kind: "yesterday" }],
    ["this week", { kind: "this_week" }],
    ["이번 주", { kind: "this_week" }],
    ["24h", { kind: "hours", hours: 24 }],
    ["7d", { kind: "days", days: 7 }],
    ["7일", { kind: "days", days: 7 }],
    ["30일", { kind: "days", days: 30 }],
    ["since 2026-11-01", { kind: "since", date: "2026-11-01" }],
    ["2026-11-01 이후", { kind: "since", date: "2026-11-01" }],
  ],
  count: [
    ["last 20", 20],
    ["최근 20", 20],
    ["5", 5],
  ],
} as const;

const stage = fc.constantFrom("prod-web", "prod-asg", "dev", "stg_api.v2");

describe("property: word order and language do not matter", () => {
  it("any permutation of a status set, a stage, a range and a count parses to the same filter", () => {
    fc.assert(
      fc.property(
        fc.subarray([...PHRASES.status], { maxLength: 3 }),
        fc.option(fc.constantFrom(...PHRASES.range), { nil: undefined }),
        fc.option(fc.constantFrom(...PHRASES.count), { nil: undefined }),
        fc.option(stage, { nil: undefined }),
        fc.integer({ min: 0, max: 1000 }),
        (statuses, range, count, stageName, seed) => {
          const phrases = [
            ...statuses.map(([w]) => w),
            ...(range ? [range[0]] : []),
            ...(count ? [count[0]] : []),
            ...(stageName ? [stageName] : []),
          ];
          if (phrases.length === 0) return;
          const shuffled = shuffle(phrases, seed);
          const parsed = parse(`shop-api ${shuffled.join(" ")}`);
          if (parsed.kind !== "search") throw new Error(`not a search: ${JSON.stringify(parsed)} for ${shuffled.join(" ")}`);
          expect(new Set(parsed.filter.statuses)).toEqual(new Set(statuses.map(([, g]) => g)));
          expect(parsed.filter.range).toEqual(range?.[1]);
          expect(parsed.filter.count).toEqual(count?.[1]);
          expect(parsed.filter.stages).toEqual(stageName ? [stageName] : []);
          expect(parsed.unknown).toEqual([]);
        },
      ),
    );
  });

  it("words it cannot read are named back, never dropped or thrown on", () => {
    const junk = fc.stringMatching(/^[!#$%^&*()=+[\]{};'"|,/~]{1,6}$/);
    fc.assert(
      fc.property(fc.constantFrom(...PHRASES.status), junk, fc.boolean(), ([word, group], bad, first) => {
        const text = first ? `shop-api ${bad} ${word}` : `shop-api ${word} ${bad}`;
        const parsed = parse(text);
        expect(parsed).toMatchObject({ kind: "search", unknown: [bad] });
        if (parsed.kind === "search") expect(parsed.filter.statuses).toEqual([group]);
      }),
    );
  });

  it("never throws on any text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        expect(() => parse(`shop-api ${text}`)).not.toThrow();
        expect(() => parse(text)).not.toThrow();
      }),
    );
  });
});

function shuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed + 1;
  for (let i = out.length - 1; i > 0; i--) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

import { describe, expect, it } from "vitest";
import type { Command } from "../src/command.js";
import { MAX_SUBSCRIPTION_STAGES, parseCommand } from "../src/command.js";
import type { LinkOptions } from "../src/links.js";

const options: LinkOptions = { apiBaseUrl: "https://vpcsourcedeploy.apigw.ntruss.com/api/v1", extraPatterns: [] };
const parse = (text: string): Command => parseCommand(text, options);
const byId = (id: string) => ({ by: "id", id }) as const;
const byName = (name: string) => ({ by: "name", name }) as const;
const invalid = (input: string) => ({ kind: "invalid", input, reason: "unrecognized" });

describe("parseCommand: subscribe", () => {
  it.each([
    ["subscribe shop-api", byName("shop-api"), [], false],
    ["SUBSCRIBE 41027", byId("41027"), [], false],
    ["subscribe shop-api prod-web", byName("shop-api"), ["prod-web"], false],
    ["subscribe shop-api prod-web dev failures", byName("shop-api"), ["prod-web", "dev"], true],
    ["subscribe shop-api failures", byName("shop-api"), [], true],
    ["subscribe shop-api FAILURES prod-web", byName("shop-api"), ["prod-web"], true],
    ["구독 shop-api 운영 실패", byName("shop-api"), ["운영"], true],
    ["<@U0BOT> subscribe 41027 prod prod", byId("41027"), ["prod"], false],
  ] as const)("%j", (text, project, stages, failuresOnly) => {
    expect(parse(text)).toEqual({ kind: "subscribe", project, stages, failuresOnly });
  });

  it("reads the Korean keyword typed in decomposed (NFD) form", () => {
    expect(parse("구독 shop-api".normalize("NFD"))).toMatchObject({ kind: "subscribe", project: byName("shop-api") });
  });

  it.each(["subscribe", "subscribe <!channel>", "subscribe shop-api prod*web", "subscribe 123456789012345678901"])("refuses %j", (text) => {
    expect(parse(text)).toEqual(invalid(text));
  });

  it(`accepts at most ${MAX_SUBSCRIPTION_STAGES} stages`, () => {
    const stages = Array.from({ length: MAX_SUBSCRIPTION_STAGES }, (_, i) => `s${i}`);
    expect(parse(`subscribe p ${stages.join(" ")}`)).toMatchObject({ kind: "subscribe", stages });
    expect(parse(`subscribe p ${stages.join(" ")} s99`)).toMatchObject({ kind: "invalid" });
  });
});

describe("parseCommand: unsubscribe and subscriptions", () => {
  it.each([
    ["unsubscribe shop-api", byName("shop-api")],
    ["구독취소 41027", byId("41027")],
  ] as const)("%j", (text, project) => {
    expect(parse(text)).toEqual({ kind: "unsubscribe", project });
  });

  it.each(["subscriptions", "구독목록", "  Subscriptions "])("%j → subscriptions", (text) => {
    expect(parse(text)).toEqual({ kind: "subscriptions" });
  });

  it.each(["unsubscribe", "unsubscribe shop-api prod", "subscriptions shop-api", "구독목록 x"])("refuses %j", (text) => {
    expect(parse(text)).toEqual(invalid(text));
  });

  it("leaves the lookup grammar alone: a project named like a stage word is still a list", () => {
    expect(parse("failures")).toEqual({ kind: "list", project: byName("failures") });
    // After a project, words are filters (issue 16): "subscribe" there is a stage to search, not a subscription.
    expect(parse("shop-api subscribe")).toMatchObject({ kind: "search", filter: { stages: ["subscribe"] } });
  });
});

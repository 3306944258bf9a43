import { describe, expect, it } from "vitest";
import type { Command } from "../src/command.js";
import { MAX_COMMAND_LENGTH, MAX_ECHOED_INPUT, parseCommand, resolveProjectName } from "../src/command.js";
import type { LinkOptions } from "../src/links.js";
import type { Project } from "../src/sourcedeploy/model.js";
import { readFixture } from "./support/fixtures.js";

const options: LinkOptions = { apiBaseUrl: "https://vpcsourcedeploy.apigw.ntruss.com/api/v1", extraPatterns: [] };
const parse = (text: string): Command => parseCommand(text, options);
const byId = (id: string) => ({ by: "id", id }) as const;
const byName = (name: string) => ({ by: "name", name }) as const;

describe("parseCommand: help", () => {
  it.each(["", "   ", "help", "HELP", "Help", "?", "도움말", "  help  ", "<@U0BOT>", "<@U0BOT|deploy-history>  "])("%j → help", (text) => {
    expect(parse(text)).toEqual({ kind: "help" });
  });

  it("rejects help with arguments", () => {
    expect(parse("help me")).toEqual({ kind: "invalid", input: "help me", reason: "unrecognized" });
  });
});

describe("parseCommand: history", () => {
  it.each([
    ["41027 903344", byId("41027")],
    ["  41027   903344  ", byId("41027")],
    ["41027\t903344", byId("41027")],
    ["41027\u00a0903344", byId("41027")],
    ["shop-api 903344", byName("shop-api")],
    ["Shop_API.v2 903344", byName("Shop_API.v2")],
    ["배포-서버 903344", byName("배포-서버")],
    ["<@U0BOT> 41027 903344", byId("41027")],
    ["<@U0BOT|deploy-history> shop-api 903344", byName("shop-api")],
    ["<@U0BOT>41027 903344", byId("41027")],
  ])("%j", (text, project) => {
    expect(parse(text)).toEqual({ kind: "history", project, historyId: "903344" });
  });

  it.each([
    "https://console.ncloud.com/project/41027/history/903344",
    "<https://console.ncloud.com/project/41027/history/903344>",
    "<https://console.ncloud.com/project/41027/history/903344|deploy #903344 on shop-api>",
    "<https://console.ncloud.com/x?projectId=41027&amp;historyId=903344>",
    "<@U0BOT> <https://vpcsourcedeploy.apigw.ntruss.com/api/v1/project/41027/history/903344>",
    "HTTPS://CONSOLE.NCLOUD.COM/#/project/41027/history/903344",
  ])("link %j", (text) => {
    expect(parse(text)).toEqual({ kind: "history", project: byId("41027"), historyId: "903344" });
  });

  it("accepts ids of up to 20 digits", () => {
    const twenty = "1".repeat(20);
    expect(parse(`${twenty} ${twenty}`)).toEqual({ kind: "history", project: byId(twenty), historyId: twenty });
  });
});

describe("parseCommand: list, latest, projects", () => {
  it.each([
    ["41027", byId("41027")],
    ["shop-api", byName("shop-api")],
    ["<@U0BOT> storefront-web", byName("storefront-web")],
  ])("%j → list", (text, project) => {
    expect(parse(text)).toEqual({ kind: "list", project });
  });

  it.each(["latest", "LATEST", "Latest", "최근", "최신"])("41027 %s → latest", (word) => {
    expect(parse(`41027 ${word}`)).toEqual({ kind: "latest", project: byId("41027") });
  });

  it("latest by name", () => {
    expect(parse("shop-api latest")).toEqual({ kind: "latest", project: byName("shop-api") });
  });

  it.each(["projects", "PROJECTS", "프로젝트", "<@U0BOT> projects"])("%j → projects", (text) => {
    expect(parse(text)).toEqual({ kind: "projects" });
  });

  it("projects with a filter", () => {
    expect(parse("projects shop")).toEqual({ kind: "projects", filter: "shop" });
    expect(parse("프로젝트 shop-api")).toEqual({ kind: "projects", filter: "shop-api" });
  });

  it("recognizes a Korean keyword typed in decomposed (NFD) form", () => {
    expect(parse(`41027 ${"최신".normalize("NFD")}`)).toEqual({ kind: "latest", project: byId("41027") });
  });
});

describe("parseCommand: invalid", () => {
  const invalid = (input: string, reason: string) => ({ kind: "invalid", input, reason });

  it.each(["41027 -1", "41027 1.5", "shop-api 90334x", `41027 ${"9".repeat(21)}`, "41027 ９０３"])("%j → bad_history_id", (text) => {
    expect(parse(text)).toEqual(invalid(text, "bad_history_id"));
  });

  it.each([
    ["too many tokens after projects", "projects a b"],
    ["projects filter with bad characters", "projects a/b"],
    ["latest without a project", "latest"],
    ["keyword in the project position", "help 903344"],
    ["project name with a slash", "shop/api 903344"],
    ["project name with a space inside <>", "<shop api> 1"],
    ["special mention", "<!channel>"],
    ["channel reference", "<#C123|general> 1"],
    ["unrecognized link", "https://example.com/project/41027/history/903344"],
    ["lookalike host", "<https://console.ncloud.com.evil.example/project/41027/history/903344>"],
    ["javascript link", "<javascript:alert(1)|click>"],
    ["link plus an extra token", "<https://console.ncloud.com/project/41027/history/903344> now"],
    ["unclosed angle bracket", "<https://console.ncloud.com/project/41027/history/903344 903344"],
    ["project id over 20 digits", `${"1".repeat(21)} 903344`],
    ["project name over 100 characters", `${"a".repeat(101)} 1`],
  ])("%s", (_name, text) => {
    expect(parse(text)).toEqual(invalid(text.trim(), "unrecognized"));
  });

  it("echoes the text without the bot mention", () => {
    expect(parse("<@U0BOT> what/is this")).toEqual(invalid("what/is this", "unrecognized"));
    expect(parse("<@U0BOT> <@U999>")).toEqual(invalid("<@U999>", "unrecognized"));
  });

  it("accepts a project name of exactly 100 characters", () => {
    expect(parse("a".repeat(100))).toEqual({ kind: "list", project: byName("a".repeat(100)) });
  });

  it("rejects input over the length limit as too_long, echoing a capped prefix", () => {
    const text = `41027 ${"9".repeat(MAX_COMMAND_LENGTH)}`;
    const result = parse(text);
    expect(result).toEqual(invalid(`${text.slice(0, MAX_ECHOED_INPUT)}…`, "too_long"));
  });

  it("measures the length after trimming", () => {
    const padded = `${" ".repeat(2000)}41027 903344${" ".repeat(2000)}`;
    expect(parse(padded)).toEqual({ kind: "history", project: byId("41027"), historyId: "903344" });
  });

  it("caps the echoed input without splitting a surrogate pair", () => {
    const text = `${"a".repeat(MAX_ECHOED_INPUT - 1)}😀 x y`;
    const result = parse(text);
    expect(result).toEqual(invalid(`${"a".repeat(MAX_ECHOED_INPUT - 1)}…`, "unrecognized"));
  });

  it("treats a non-string as empty rather than throwing", () => {
    expect(parseCommand(undefined as unknown as string, options)).toEqual({ kind: "help" });
  });
});

describe("resolveProjectName", () => {
  const fixture = readFixture<{ projectList: { id: number; name: string }[] }>("project-list.json");
  const projects: Project[] = fixture.projectList.map((p) => ({ id: String(p.id), name: p.name }));
  const project = (name: string) => projects.find((p) => p.name === name);

  it("finds an exact name", () => {
    expect(resolveProjectName("shop-api", projects)).toEqual({ kind: "found", project: project("shop-api") });
  });

  it("finds a name case-insensitively", () => {
    expect(resolveProjectName("Shop-API", projects)).toEqual({ kind: "found", project: project("shop-api") });
  });

  it("finds a unique case-insensitive prefix", () => {
    expect(resolveProjectName("STORE", projects)).toEqual({ kind: "found", project: project("storefront-web") });
  });

  it("reports an ambiguous prefix with all candidates", () => {
    const more = [...projects, { id: "1", name: "shop-web" }];
    expect(resolveProjectName("shop", more)).toEqual({
      kind: "ambiguous",
      candidates: [project("shop-api"), { id: "1", name: "shop-web" }],
    });
  });

  it("prefers an exact name over prefixes of longer names", () => {
    const more = [{ id: "1", name: "shop-api-v2" }, ...projects];
    expect(resolveProjectName("shop-api", more)).toEqual({ kind: "found", project: project("shop-api") });
  });

  it("prefers the case-sensitive match when names differ only in case", () => {
    const cased = [
      { id: "1", name: "Shop" },
      { id: "2", name: "shop" },
    ];
    expect(resolveProjectName("shop", cased)).toEqual({ kind: "found", project: { id: "2", name: "shop" } });
    expect(resolveProjectName("SHOP", cased)).toEqual({ kind: "ambiguous", candidates: cased });
  });

  it("returns none when nothing matches", () => {
    expect(resolveProjectName("payments", projects)).toEqual({ kind: "none" });
    expect(resolveProjectName("", projects)).toEqual({ kind: "none" });
    expect(resolveProjectName("shop-api", [])).toEqual({ kind: "none" });
  });

  it("does not match in the middle of a name", () => {
    expect(resolveProjectName("api", projects)).toEqual({ kind: "none" });
  });
});

describe("parseCommand: invisible characters from copy-paste", () => {
  it("drops an RTL override, so it can neither spoof a name nor reach an echo", () => {
    expect(parse("shop\u202eipa 903344")).toEqual({ kind: "history", project: { by: "name", name: "shopipa" }, historyId: "903344" });
    expect(parse("shop\u202eipa/x 1")).toEqual({ kind: "invalid", input: "shopipa/x 1", reason: "unrecognized" });
  });

  it.each(["41027 903344\u200b", "\u200e41027 903344", "\ufeff41027\u200d 903344", "41027\u2060 903344"])("ignores them in %j", (text) => {
    expect(parseCommand(text, { apiBaseUrl: "https://vpcsourcedeploy.apigw.ntruss.com/api/v1", extraPatterns: [] })).toEqual({
      kind: "history",
      project: { by: "id", id: "41027" },
      historyId: "903344",
    });
  });
});

describe("parseCommand: deploy and audit (acting from Slack)", () => {
  it("deploy takes a project and optionally a stage and a scenario, by id or name", () => {
    expect(parse("deploy shop-api")).toEqual({ kind: "deploy", project: { by: "name", name: "shop-api" } });
    expect(parse("deploy 41027 prod-web web-hotfix")).toEqual({
      kind: "deploy",
      project: { by: "id", id: "41027" },
      stage: "prod-web",
      scenario: "web-hotfix",
    });
    expect(parse("DEPLOY 41027 5183")).toMatchObject({ kind: "deploy", stage: "5183" });
  });

  it("refuses a deploy without a project, with too many words, or with markup in a choice", () => {
    for (const text of ["deploy", "deploy 41027 a b c", "deploy 41027 <!channel>"]) expect(parse(text).kind).toBe("invalid");
  });

  it("audit takes an optional project", () => {
    expect(parse("audit")).toEqual({ kind: "audit" });
    expect(parse("audit 41027")).toEqual({ kind: "audit", project: { by: "id", id: "41027" } });
    expect(parse("audit shop-api extra").kind).toBe("invalid");
  });
});

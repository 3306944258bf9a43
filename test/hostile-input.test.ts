/**
 * Property tests over random and adversarial text: link recognition and the command parser never
 * throw, never accept a foreign host or scheme, and only ever hand out digit ids of ≤ 20 digits.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Command } from "../src/command.js";
import { parseCommand } from "../src/command.js";
import { parseLinkPatterns } from "../src/config.js";
import type { HistoryLink, LinkOptions } from "../src/links.js";
import { findHistoryLinks, isRecognizedHost, parseHistoryLink } from "../src/links.js";

const SEED = 20261127;
const RUNS = { seed: SEED, numRuns: 1000 } as const;

const { patterns: extraPatterns } = parseLinkPatterns(
  // Deliberately loose groups: the digit-only rule must hold even when the operator's pattern does not enforce it.
  JSON.stringify(["^https?://deploy\\.example\\.com/d/(?<projectId>[^/]+)/(?<historyId>[^/?#]+)"]),
);
const options: LinkOptions = { apiBaseUrl: "http://127.0.0.1:38211/api/v1", extraPatterns };
const noExtras: LinkOptions = { ...options, extraPatterns: [] };

const ID = /^\d{1,20}$/;
const COMMAND_KINDS: ReadonlySet<Command["kind"]> = new Set([
  "help",
  "history",
  "list",
  "latest",
  "projects",
  "invalid",
  "search",
  "stats",
  "diff",
]);
const FOUR_HUNDRED_DIGITS = "7".repeat(400);

const PIECES = [
  "<",
  ">",
  "|",
  " ",
  "\n",
  "\t",
  "\u0000",
  "\u0007",
  "\u007f",
  "\u00a0",
  "\u200b",
  "\u202e",
  "\u202d",
  "\ufeff",
  "<@U0BOT>",
  "<@U123|bob>",
  "<@U123|",
  "<!channel>",
  "<!here|here>",
  "<#C123|general>",
  "javascript:",
  "file:///",
  "file://",
  "data:text/html,",
  "https://",
  "http://",
  "HTTPS://",
  "ftp://",
  "//",
  "console.ncloud.com",
  "console.gov-ncloud.com",
  "console.fin-ncloud.com",
  "CONSOLE.NCLOUD.COM",
  "console.ncloud.com.evil.example",
  "evil.example/",
  "console.ncloud.com@evil.example",
  "@",
  ":",
  "vpcsourcedeploy.apigw.ntruss.com",
  "sourcedeploy.apigw.fin-ntruss.com",
  "127.0.0.1:38211",
  "deploy.example.com/d/",
  "/api/v1",
  "/project/",
  "/history/",
  "project",
  "history",
  "/",
  "41027",
  "903344",
  "0",
  "-1",
  FOUR_HUNDRED_DIGITS,
  "../",
  "..",
  "%2F",
  "%2f",
  "%2e%2e/",
  "%00",
  "?",
  "#",
  "#/",
  "#!/",
  "?projectId=",
  "&historyId=",
  "&amp;",
  "projectId=1&historyId=2",
  "&lt;",
  "&gt;",
  "(",
  ")",
  ".",
  ",",
  "*",
  "_",
  "help",
  "?",
  "도움말",
  "latest",
  "최근",
  "최신",
  "projects",
  "프로젝트",
  "shop-api",
  "😀",
  "\ud83d",
];

const piece = fc.constantFrom(...PIECES);
const randomText = fc.string({ unit: "binary", maxLength: 30 });

/** Link-shaped strings, valid and broken, so the properties also exercise the accepting paths. */
const idLike = fc.oneof(
  fc.constantFrom("41027", "903344", "0", "1".repeat(20), "1".repeat(21), FOUR_HUNDRED_DIGITS, "abc", "-1", "%31", "..", "1%2F2", ""),
  fc.stringMatching(/^\d{1,25}$/),
);
const linkLike = fc
  .record({
    scheme: fc.constantFrom("https://", "http://", "HTTPS://", "javascript:", "file:///", "ftp://", "https:/"),
    userinfo: fc.constantFrom("", "", "console.ncloud.com@", "user:pw@"),
    host: fc.constantFrom(
      "console.ncloud.com",
      "console.gov-ncloud.com",
      "CONSOLE.FIN-NCLOUD.COM",
      "vpcsourcedeploy.apigw.ntruss.com",
      "sourcedeploy.apigw.gov-ntruss.com",
      "127.0.0.1:38211",
      "deploy.example.com",
      "console.ncloud.com.evil.example",
      "evil.example",
      "evil.example/console.ncloud.com",
    ),
    path: fc.constantFrom(
      "/project/{p}/history/{h}",
      "/api/v1/project/{p}/history/{h}",
      "/x?projectId={p}&historyId={h}",
      "/x?projectId={p}&amp;historyId={h}",
      "/#/project/{p}/history/{h}",
      "/#projectId={p}&historyId={h}",
      "/d/{p}/{h}",
      "/project%2F{p}%2Fhistory%2F{h}",
      "/project/{p}/history/{h}/../../..",
      "/#/project/{p}/history/{h}/../..",
    ),
    p: idLike,
    h: idLike,
    wrap: fc.constantFrom("{u}", "<{u}>", "<{u}|label with spaces>", "({u}).", "x{u}", "<@U1> {u}"),
  })
  .map(({ scheme, userinfo, host, path, p, h, wrap }) =>
    wrap.replace("{u}", `${scheme}${userinfo}${host}${path.replace("{p}", p).replace("{h}", h)}`),
  );
const hostileText = fc
  .array(fc.oneof(piece, piece, randomText, linkLike), { maxLength: 40 })
  .chain((parts) => fc.constantFrom(" ", "", "\n").map((glue) => parts.join(glue)));
const isUrlSafe = (p: string) => [...p].every((c) => c.charCodeAt(0) > 0x20 && c !== "\u007f" && !/[\s<>]/.test(c));
const urlSafePiece = fc.constantFrom(...PIECES.filter(isUrlSafe));
const urlTail = fc.array(urlSafePiece, { maxLength: 20 }).map((parts) => parts.join(""));

function assertSafeLink(link: HistoryLink): void {
  const url = new URL(link.url);
  expect(["http:", "https:"]).toContain(url.protocol);
  const recognized = isRecognizedHost(url.hostname, options) || extraPatterns.some((p) => p.test(link.url));
  expect(recognized).toBe(true);
  expect(link.projectId).toMatch(ID);
  expect(link.historyId).toMatch(ID);
  expect(parseHistoryLink(link.url, options)).toEqual({ projectId: link.projectId, historyId: link.historyId });
}

function assertWellFormed(command: Command): void {
  expect(COMMAND_KINDS.has(command.kind)).toBe(true);
  switch (command.kind) {
    case "history":
      expect(command.historyId).toMatch(ID);
      if (command.project.by === "id") expect(command.project.id).toMatch(ID);
      else expect(command.project.name).toMatch(/^[\p{L}\p{Nd}_.-]{1,100}$/u);
      break;
    case "invalid":
      expect(command.input.length).toBeLessThanOrEqual(201);
      break;
    case "search":
      // Stage words are name-shaped; anything else is an unknown word, echoed escaped by the renderer.
      for (const stage of command.filter.stages) expect(stage).toMatch(/^[\p{L}\p{Nd}_.-]{1,100}$/u);
      expect(command.filter.count ?? 1).toBeGreaterThanOrEqual(1);
      expect(command.filter.count ?? 1).toBeLessThanOrEqual(50);
      break;
    case "diff":
      expect(command.historyId).toMatch(ID);
      if (command.against !== undefined) expect(command.against).toMatch(ID);
      break;
    default:
      break;
  }
}

describe("hostile input: links", () => {
  it("the generator produces accepted links too (so the properties below are not vacuous)", () => {
    const texts = fc.sample(hostileText, { seed: SEED, numRuns: 1000 });
    const withLinks = texts.filter((text) => findHistoryLinks(text, options).length > 0);
    expect(withLinks.length).toBeGreaterThan(50);
  });

  it("findHistoryLinks never throws and only returns safe, unique links", () => {
    fc.assert(
      fc.property(hostileText, (text) => {
        const links = findHistoryLinks(text, options);
        links.forEach(assertSafeLink);
        expect(new Set(links.map((l) => l.url)).size).toBe(links.length);
      }),
      RUNS,
    );
  });

  it("parseHistoryLink never throws and only returns digit ids of an http(s) URL", () => {
    const candidate = fc.oneof(
      hostileText,
      urlTail.map((tail) => `https://console.ncloud.com/${tail}`),
    );
    fc.assert(
      fc.property(candidate, (url) => {
        const ref = parseHistoryLink(url, options);
        if (ref === undefined) return;
        expect(ref.projectId).toMatch(ID);
        expect(ref.historyId).toMatch(ID);
        expect(["http:", "https:"]).toContain(new URL(url).protocol);
      }),
      RUNS,
    );
  });

  it("a javascript: or file: URL never yields a history link", () => {
    const scheme = fc.constantFrom("javascript:", "JavaScript:", "file:", "file://", "file:///", " javascript:");
    fc.assert(
      fc.property(scheme, urlTail, fc.string({ maxLength: 10 }), (prefix, tail, label) => {
        const url = `${prefix}${tail}`;
        expect(parseHistoryLink(url, options)).toBeUndefined();
        expect(findHistoryLinks(url, options)).toEqual([]);
        expect(findHistoryLinks(`<${url}>`, options)).toEqual([]);
        expect(findHistoryLinks(`<${url}|${label.replace(/[<>]/g, "")}>`, options)).toEqual([]);
        const command = parseCommand(`<${url}>`, options);
        expect(command.kind).toBe("invalid");
      }),
      RUNS,
    );
  });

  it("lookalike hosts are never recognized, whatever the path", () => {
    const lookalike = fc.constantFrom(
      "https://console.ncloud.com.evil.example/",
      "https://evil.example/console.ncloud.com/",
      "https://console.ncloud.com@evil.example/",
      "https://console.ncloud.com:x@evil.example/",
      "https://evil.example/?u=https://console.ncloud.com/",
      "https://evil.example#https://console.ncloud.com/",
      "http://vpcsourcedeploy.apigw.ntruss.com.evil.example/api/v1/",
      "https://xconsole.ncloud.com/",
    );
    fc.assert(
      fc.property(lookalike, urlTail, (base, tail) => {
        const url = `${base}project/41027/history/903344${tail}`;
        expect(parseHistoryLink(url, noExtras)).toBeUndefined();
        expect(findHistoryLinks(`see ${url} and <${url}|this>`, noExtras)).toEqual([]);
      }),
      RUNS,
    );
  });

  it("an id of more than 20 digits is never accepted, on any host or form", () => {
    const longId = fc.integer({ min: 21, max: 400 }).map((n) => "1".repeat(n));
    const form = fc.constantFrom(
      (p: string, h: string) => `https://console.ncloud.com/project/${p}/history/${h}`,
      (p: string, h: string) => `https://console.ncloud.com/x?projectId=${p}&historyId=${h}`,
      (p: string, h: string) => `https://console.ncloud.com/#/project/${p}/history/${h}`,
      (p: string, h: string) => `https://deploy.example.com/d/${p}/${h}`,
    );
    fc.assert(
      fc.property(form, longId, fc.boolean(), (build, id, longProject) => {
        const url = longProject ? build(id, "903344") : build("41027", id);
        expect(parseHistoryLink(url, options)).toBeUndefined();
      }),
      RUNS,
    );
  });
});

describe("hostile input: commands", () => {
  it("parseCommand never throws and always returns a well-formed command", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          hostileText,
          linkLike,
          fc.tuple(idLike, idLike).map(([p, h]) => `${p} ${h}`),
        ),
        (text) => {
          assertWellFormed(parseCommand(text, options));
          assertWellFormed(parseCommand(`<@U0BOT> ${text}`, options));
        },
      ),
      RUNS,
    );
  });

  it("text over 1000 characters is too_long", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1001, maxLength: 3000 }), (raw) => {
        const text = `x${raw}x`;
        expect(parseCommand(text, options)).toMatchObject({ kind: "invalid", reason: "too_long" });
      }),
      { seed: SEED, numRuns: 200 },
    );
  });
});

describe("hostile input: 10 000-character texts", () => {
  const N = 10_000;
  const inputs: Record<string, string> = {
    "open brackets": "<".repeat(N),
    "close brackets": ">".repeat(N),
    "unterminated mention": `<@U${"|".repeat(N)}`,
    "unterminated link": `<https://console.ncloud.com/${"a".repeat(N)}`,
    "one huge URL": `https://console.ncloud.com/${"project/1/".repeat(N / 10)}`,
    "many links": "<https://console.ncloud.com/project/1/history/2> ".repeat(N / 50),
    "many distinct links": Array.from({ length: N / 50 }, (_, i) => `https://console.ncloud.com/project/${i}/history/${i}`).join(" "),
    "wrappers then URL": `${"(".repeat(N / 2)}https://console.ncloud.com/project/1/history/2${")".repeat(N / 2)}`,
    dots: ".".repeat(N),
    digits: "9".repeat(N),
    "encoded slashes": "%2F".repeat(N / 3),
    "dot segments": `https://console.ncloud.com/${"../".repeat(N / 3)}`,
    "RTL and controls": "\u202e\u0000\u0007".repeat(N / 3),
    "special mentions": "<!channel>".repeat(N / 10),
    random: "", // filled below from a seeded generator
  };
  inputs.random = fc.sample(fc.string({ unit: "binary", minLength: N, maxLength: N }), { seed: SEED, numRuns: 1 })[0] ?? "";

  it("parses each in well under a second (a guard against catastrophic backtracking)", () => {
    for (const [name, text] of Object.entries(inputs)) {
      // CPU time, not wall time: a busy machine delays this process but does not make it work more.
      // Each input takes a few ms; catastrophic backtracking on 10 000 characters takes seconds or more.
      const started = process.cpuUsage();
      findHistoryLinks(text, options);
      parseCommand(text, options);
      parseHistoryLink(text, options);
      const { user, system } = process.cpuUsage(started);
      expect((user + system) / 1000, name).toBeLessThan(2000);
    }
  });

  it("still finds links among the noise", () => {
    expect(findHistoryLinks(inputs["wrappers then URL"] ?? "", options)).toEqual([
      { url: "https://console.ncloud.com/project/1/history/2", projectId: "1", historyId: "2" },
    ]);
    expect(findHistoryLinks(inputs["many links"] ?? "", options)).toHaveLength(1);
    expect(findHistoryLinks(inputs["many distinct links"] ?? "", options)).toHaveLength(N / 50);
  });
});

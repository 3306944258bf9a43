import { describe, expect, it } from "vitest";
import { parseLinkPatterns } from "../src/config.js";
import type { LinkOptions } from "../src/links.js";
import { consoleUrl, findHistoryLinks, isRecognizedHost, MAX_URL_LENGTH, parseHistoryLink } from "../src/links.js";

const options: LinkOptions = { apiBaseUrl: "https://vpcsourcedeploy.apigw.ntruss.com/api/v1", extraPatterns: [] };
const fakeApi: LinkOptions = { apiBaseUrl: "http://127.0.0.1:38211/api/v1", extraPatterns: [] };
const ref = { projectId: "41027", historyId: "903344" };

describe("isRecognizedHost", () => {
  it.each([
    "console.ncloud.com",
    "console.gov-ncloud.com",
    "console.fin-ncloud.com",
    "sourcedeploy.apigw.ntruss.com",
    "vpcsourcedeploy.apigw.ntruss.com",
    "sourcedeploy.apigw.gov-ntruss.com",
    "vpcsourcedeploy.apigw.gov-ntruss.com",
    "sourcedeploy.apigw.fin-ntruss.com",
    "vpcsourcedeploy.apigw.fin-ntruss.com",
    "CONSOLE.NCLOUD.COM",
  ])("recognizes %s", (host) => {
    expect(isRecognizedHost(host, options)).toBe(true);
  });

  it.each([
    "console.ncloud.com.evil.example",
    "evil-console.ncloud.com",
    "xconsole.ncloud.com",
    "ncloud.com",
    "sourcedeploy.apigw.ntruss.com.evil.example",
    "vpcvpcsourcedeploy.apigw.ntruss.com",
    "sourcedeploy.apigw.xyz-ntruss.com",
    "sourcedeployxapigw.ntruss.com",
    "127.0.0.1",
    "",
  ])("does not recognize %s", (host) => {
    expect(isRecognizedHost(host, options)).toBe(false);
  });

  it("recognizes the configured API host, and only through configuration", () => {
    expect(isRecognizedHost("127.0.0.1", fakeApi)).toBe(true);
    expect(isRecognizedHost("127.0.0.2", fakeApi)).toBe(false);
  });

  it("survives an unparseable API base URL", () => {
    expect(isRecognizedHost("console.ncloud.com", { apiBaseUrl: "not a url", extraPatterns: [] })).toBe(true);
    expect(isRecognizedHost("not a url", { apiBaseUrl: "not a url", extraPatterns: [] })).toBe(false);
  });
});

describe("parseHistoryLink: recognized forms", () => {
  it.each([
    ["Korean console, path", "https://console.ncloud.com/sourcedeploy/project/41027/history/903344"],
    ["gov console", "https://console.gov-ncloud.com/project/41027/history/903344"],
    ["fin console", "https://console.fin-ncloud.com/project/41027/history/903344"],
    ["console, fragment route", "https://console.ncloud.com/vpc-source-deploy#/project/41027/history/903344"],
    ["console, fragment with service prefix", "https://console.ncloud.com/#/sourcedeploy/project/41027/history/903344"],
    ["console, hashbang fragment", "https://console.ncloud.com/#!/project/41027/history/903344"],
    ["console, query", "https://console.ncloud.com/vpc-source-deploy/history?projectId=41027&historyId=903344"],
    ["console, query in reverse order", "https://console.ncloud.com/x?historyId=903344&tab=log&projectId=41027"],
    ["console, query in fragment", "https://console.ncloud.com/vpc-source-deploy#/detail?projectId=41027&historyId=903344"],
    ["console, bare query fragment", "https://console.ncloud.com/vpc-source-deploy#projectId=41027&historyId=903344"],
    ["VPC API host with /api/v1", "https://vpcsourcedeploy.apigw.ntruss.com/api/v1/project/41027/history/903344"],
    ["Classic API host", "https://sourcedeploy.apigw.ntruss.com/api/v1/project/41027/history/903344"],
    ["gov API host", "https://vpcsourcedeploy.apigw.gov-ntruss.com/api/v1/project/41027/history/903344"],
    ["fin API host", "https://sourcedeploy.apigw.fin-ntruss.com/api/v1/project/41027/history/903344"],
    ["API approval sub-path", "https://vpcsourcedeploy.apigw.ntruss.com/api/v1/project/41027/history/903344/approval/accept"],
    ["segments in between", "https://console.ncloud.com/project/41027/stage/7/scenario/9/history/903344"],
    ["plain http", "http://console.ncloud.com/project/41027/history/903344"],
    ["uppercase host and scheme", "HTTPS://CONSOLE.NCLOUD.COM/project/41027/history/903344"],
    ["explicit port", "https://console.ncloud.com:443/project/41027/history/903344"],
    ["trailing slash and query", "https://console.ncloud.com/project/41027/history/903344/?tab=targets"],
  ])("%s", (_name, url) => {
    expect(parseHistoryLink(url, options)).toEqual(ref);
  });

  it("recognizes links to the configured API host (a local fake)", () => {
    expect(parseHistoryLink("http://127.0.0.1:38211/api/v1/project/41027/history/903344", fakeApi)).toEqual(ref);
    expect(parseHistoryLink("http://127.0.0.1:38211/api/v1/project/41027/history/903344", options)).toBeUndefined();
  });

  it("keeps ids as strings, leading zeros included, up to 20 digits", () => {
    const twenty = "12345678901234567890";
    expect(parseHistoryLink(`https://console.ncloud.com/project/007/history/${twenty}`, options)).toEqual({
      projectId: "007",
      historyId: twenty,
    });
  });

  it("uses the first project id and the first history after it", () => {
    expect(parseHistoryLink("https://console.ncloud.com/project/abc/project/1/history/x/history/2", options)).toEqual({
      projectId: "1",
      historyId: "2",
    });
  });
});

describe("parseHistoryLink: rejected", () => {
  it.each([
    ["lookalike host suffix", "https://console.ncloud.com.evil.example/project/41027/history/903344"],
    ["console host only in the path", "https://evil.example/console.ncloud.com/project/41027/history/903344"],
    ["userinfo trick", "https://console.ncloud.com@evil.example/project/41027/history/903344"],
    ["userinfo trick with password", "https://console.ncloud.com:pw@evil.example/project/41027/history/903344"],
    ["other host", "https://example.com/project/41027/history/903344"],
    ["javascript scheme", "javascript:alert(1)//https://console.ncloud.com/project/41027/history/903344"],
    ["file scheme", "file:///console.ncloud.com/project/41027/history/903344"],
    ["ftp scheme", "ftp://console.ncloud.com/project/41027/history/903344"],
    ["no history id", "https://console.ncloud.com/project/41027"],
    ["history before project", "https://console.ncloud.com/history/903344/project/41027"],
    ["non-digit project", "https://console.ncloud.com/project/shop-api/history/903344"],
    ["non-digit history", "https://console.ncloud.com/project/41027/history/90334x"],
    ["negative id", "https://console.ncloud.com/project/-41027/history/903344"],
    ["21-digit id", "https://console.ncloud.com/project/41027/history/123456789012345678901"],
    ["400-digit id", `https://console.ncloud.com/project/41027/history/${"9".repeat(400)}`],
    ["percent-encoded slashes", "https://console.ncloud.com/project%2F41027%2Fhistory%2F903344"],
    ["encoded slash inside a segment", "https://console.ncloud.com/project/41027%2Fhistory/903344"],
    ["percent-encoded digits", "https://console.ncloud.com/project/%34%31/history/903344"],
    ["dot segments that climb out", "https://console.ncloud.com/project/41027/history/903344/../../../x"],
    ["encoded dot segments that climb out", "https://console.ncloud.com/project/41027/history/903344/%2e%2e/%2E%2E/%2e%2e"],
    ["dot segments in a fragment", "https://console.ncloud.com/#/project/41027/history/903344/../../x"],
    ["encoded slashes in a fragment", "https://console.ncloud.com/#%2Fproject%2F41027%2Fhistory%2F903344"],
    ["query with only one id", "https://console.ncloud.com/x?projectId=41027"],
    ["query with a non-digit id", "https://console.ncloud.com/x?projectId=41027&historyId=1%2F2"],
    ["query ids split over query and fragment", "https://console.ncloud.com/x?projectId=41027#historyId=903344"],
    ["history link nested in a query value", "https://evil.example/?next=https://console.ncloud.com/project/41027/history/903344"],
    ["embedded newline", "https://console.ncloud.com/pro\nject/41027/history/903344"],
    ["embedded tab", "https://console.ncloud.com/project/41027/\thistory/903344"],
    ["not a URL", "project/41027/history/903344"],
    ["empty", ""],
  ])("%s", (_name, url) => {
    expect(parseHistoryLink(url, options)).toBeUndefined();
  });

  it("follows the path a browser would fetch when `..` stays inside it", () => {
    expect(parseHistoryLink("https://console.ncloud.com/project/41027/x/../history/903344", options)).toEqual(ref);
  });

  it("ignores URLs longer than MAX_URL_LENGTH", () => {
    const url = `https://console.ncloud.com/project/41027/history/903344?pad=${"a".repeat(MAX_URL_LENGTH)}`;
    expect(parseHistoryLink(url, options)).toBeUndefined();
  });
});

describe("parseHistoryLink: extra patterns", () => {
  const { patterns } = parseLinkPatterns(
    JSON.stringify([
      "^https://deploy\\.example\\.com/d/(?<projectId>[^/]+)/(?<historyId>[^/?#]+)$",
      "^https://wiki\\.example\\.com/runs\\?p=(?<projectId>\\d+)&h=(?<historyId>\\d+)",
    ]),
  );
  const withExtras: LinkOptions = { ...options, extraPatterns: patterns };

  it("matches an operator pattern on any host", () => {
    expect(parseHistoryLink("https://deploy.example.com/d/41027/903344", withExtras)).toEqual(ref);
    expect(parseHistoryLink("https://wiki.example.com/runs?p=41027&h=903344", withExtras)).toEqual(ref);
  });

  it("is case-insensitive like the configured patterns", () => {
    expect(parseHistoryLink("HTTPS://DEPLOY.EXAMPLE.COM/d/41027/903344", withExtras)).toEqual(ref);
  });

  it("still requires digit ids of at most 20 digits", () => {
    expect(parseHistoryLink("https://deploy.example.com/d/abc/903344", withExtras)).toBeUndefined();
    expect(parseHistoryLink(`https://deploy.example.com/d/41027/${"1".repeat(21)}`, withExtras)).toBeUndefined();
  });

  it("never matches without an http(s) scheme", () => {
    const loose: LinkOptions = { ...options, extraPatterns: [/project\/(?<projectId>\d+)\/history\/(?<historyId>\d+)/i] };
    expect(parseHistoryLink("javascript:alert(1)//project/1/history/2", loose)).toBeUndefined();
    expect(parseHistoryLink("file:///project/1/history/2", loose)).toBeUndefined();
    expect(parseHistoryLink("https://anything.example/project/1/history/2", loose)).toEqual({ projectId: "1", historyId: "2" });
  });

  it("is not affected by a global pattern's lastIndex", () => {
    const global = /^https:\/\/g\.example\/(?<projectId>\d+)\/(?<historyId>\d+)/g;
    const opts: LinkOptions = { ...options, extraPatterns: [global] };
    for (let i = 0; i < 3; i++) {
      expect(parseHistoryLink("https://g.example/1/2", opts)).toEqual({ projectId: "1", historyId: "2" });
    }
  });

  it("is not needed for built-in hosts", () => {
    expect(parseHistoryLink("https://console.ncloud.com/project/41027/history/903344", withExtras)).toEqual(ref);
  });
});

describe("findHistoryLinks", () => {
  const url1 = "https://console.ncloud.com/project/41027/history/903344";
  const url2 = "https://vpcsourcedeploy.apigw.ntruss.com/api/v1/project/41100/history/77";

  it("finds Slack <url>, <url|label> and bare forms in order", () => {
    const text = `see <${url1}|deploy #903344> and ${url2} or <https://console.ncloud.com/project/1/history/2>`;
    expect(findHistoryLinks(text, options)).toEqual([
      { url: url1, ...ref },
      { url: url2, projectId: "41100", historyId: "77" },
      { url: "https://console.ncloud.com/project/1/history/2", projectId: "1", historyId: "2" },
    ]);
  });

  it("keeps labels with spaces out of the URL", () => {
    expect(findHistoryLinks(`<${url1}|the failed deploy on shop-api>`, options)).toEqual([{ url: url1, ...ref }]);
  });

  it("de-duplicates by URL, keeping the first occurrence", () => {
    const text = `${url2} <${url1}> <${url1}|again> ${url1} ${url2}`;
    expect(findHistoryLinks(text, options).map((l) => l.url)).toEqual([url2, url1]);
  });

  it("undoes Slack's &amp; escaping inside a link", () => {
    const text = "<https://console.ncloud.com/x?projectId=41027&amp;historyId=903344>";
    expect(findHistoryLinks(text, options)).toEqual([{ url: "https://console.ncloud.com/x?projectId=41027&historyId=903344", ...ref }]);
  });

  it("strips punctuation and brackets around a bare URL", () => {
    expect(findHistoryLinks(`(${url1}).`, options)).toEqual([{ url: url1, ...ref }]);
    expect(findHistoryLinks(`*${url1}*,`, options)).toEqual([{ url: url1, ...ref }]);
    expect(findHistoryLinks(`"${url1}"?`, options)).toEqual([{ url: url1, ...ref }]);
  });

  it("ignores mentions, channels, special mentions and non-history links", () => {
    const text = "<@U123|bot> <#C123|general> <!channel> <!here> <mailto:a@b.example|mail> <https://example.com/project/1/history/2>";
    expect(findHistoryLinks(text, options)).toEqual([]);
  });

  it("does not pull a history URL out of another URL or scheme", () => {
    expect(findHistoryLinks(`javascript:alert(1)//${url1}`, options)).toEqual([]);
    expect(findHistoryLinks(`<javascript:alert(1)//${url1}|click>`, options)).toEqual([]);
    expect(findHistoryLinks(`https://evil.example/?to=${url1}`, options)).toEqual([]);
    expect(findHistoryLinks(`x${url1}`, options)).toEqual([]);
  });

  it("handles unbalanced angle brackets", () => {
    expect(findHistoryLinks(`<<< ${url1} >>> <${url1}`, options)).toEqual([{ url: url1, ...ref }]);
    expect(findHistoryLinks("<".repeat(50) + ">".repeat(50), options)).toEqual([]);
  });

  it("returns nothing for empty text", () => {
    expect(findHistoryLinks("", options)).toEqual([]);
  });
});

describe("consoleUrl", () => {
  it("fills both placeholders, everywhere they occur", () => {
    expect(consoleUrl("https://console.ncloud.com/sd#/project/{projectId}/history/{historyId}?p={projectId}", ref)).toBe(
      "https://console.ncloud.com/sd#/project/41027/history/903344?p=41027",
    );
  });

  it("leaves a template without placeholders as it is", () => {
    expect(consoleUrl("https://console.ncloud.com/vpc-source-deploy", ref)).toBe("https://console.ncloud.com/vpc-source-deploy");
  });

  it("URL-encodes the values", () => {
    expect(consoleUrl("https://c.example/{projectId}/{historyId}", { projectId: "a/b", historyId: "c&d" })).toBe(
      "https://c.example/a%2Fb/c%26d",
    );
  });
});

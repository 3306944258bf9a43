import { describe, expect, it } from "vitest";
import {
  consoleUrl,
  decodeHistoryRef,
  decodeProjectRef,
  decodeTargetsPageRef,
  encodeHistoryRef,
  encodeProjectRef,
  encodeTargetsPageRef,
} from "../../src/render/index.js";

describe("button values", () => {
  it("are short `projectId:historyId` strings that round-trip", () => {
    expect(encodeHistoryRef({ projectId: "41027", historyId: "903344" })).toBe("41027:903344");
    expect(decodeHistoryRef("41027:903344")).toEqual({ projectId: "41027", historyId: "903344" });
    const odd = { projectId: "a:b", historyId: "%é" };
    expect(decodeHistoryRef(encodeHistoryRef(odd) ?? "")).toEqual(odd);
  });

  it("carry a 0-based page for the modal", () => {
    expect(encodeTargetsPageRef({ projectId: "1", historyId: "2", page: 3 })).toBe("1:2:3");
    expect(decodeTargetsPageRef("1:2:3")).toEqual({ projectId: "1", historyId: "2", page: 3 });
    expect(decodeTargetsPageRef("1:2:x")).toBeUndefined();
    expect(decodeTargetsPageRef("1:2")).toBeUndefined();
  });

  it("carry the project id alone for project buttons", () => {
    expect(decodeProjectRef(encodeProjectRef("41027") ?? "")).toBe("41027");
    expect(decodeProjectRef("1:2")).toBeUndefined();
  });

  it("are left out rather than exceed 2000 characters", () => {
    expect(encodeHistoryRef({ projectId: "1", historyId: "9".repeat(2000) })).toBeUndefined();
  });

  it("reject malformed values", () => {
    expect(decodeHistoryRef("41027")).toBeUndefined();
    expect(decodeHistoryRef("1:2:3")).toBeUndefined();
    expect(decodeHistoryRef(":2")).toBeUndefined();
    expect(decodeHistoryRef("%E0%A4%A:2")).toBeUndefined();
  });
});

describe("consoleUrl", () => {
  it("fills and encodes the placeholders", () => {
    expect(consoleUrl("https://c.example/p/{projectId}/h/{historyId}", { projectId: "1", historyId: "a b/c" })).toBe(
      "https://c.example/p/1/h/a%20b%2Fc",
    );
  });

  it("keeps a template without placeholders and refuses non-http URLs", () => {
    expect(consoleUrl("https://console.ncloud.com/vpc-source-deploy", { projectId: "1", historyId: "2" })).toBe(
      "https://console.ncloud.com/vpc-source-deploy",
    );
    expect(consoleUrl("javascript:alert(1)", { projectId: "1", historyId: "2" })).toBeUndefined();
    expect(consoleUrl("not a url", { projectId: "1", historyId: "2" })).toBeUndefined();
  });
});

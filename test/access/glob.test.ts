import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileGlob, type MatchMeter } from "../../src/access/glob.js";
import { decide, parseAccessPolicy } from "../../src/access/policy.js";

/** What the policy matched with before: `*` as `.*`, everything else literal, case-insensitive. */
function reference(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", ".*")}$`, "i");
}

describe("compileGlob", () => {
  it("matches * as any run of characters (also none), everything else literally and case-insensitively", () => {
    const shop = compileGlob("shop-*");
    expect(shop.test("shop-web")).toBe(true);
    expect(shop.test("SHOP-api")).toBe(true);
    expect(shop.test("shop-")).toBe(true);
    expect(shop.test("workshop-api")).toBe(false);
    expect(compileGlob("*-prod").test("shop-prod")).toBe(true);
    expect(compileGlob("*-prod").test("shop-prod-2")).toBe(false);
    expect(compileGlob("a*b*c").test("abc")).toBe(true);
    expect(compileGlob("a*b*c").test("acb")).toBe(false);
    expect(compileGlob("a.b*").test("a.b-1")).toBe(true);
    expect(compileGlob("a.b*").test("axb-1")).toBe(false);
    expect(compileGlob("exact").test("exact")).toBe(true);
    expect(compileGlob("exact").test("exactly")).toBe(false);
    expect(compileGlob("*").test("")).toBe(true);
    expect(compileGlob("ab*ba").test("aba")).toBe(false);
  });

  it("agrees with the regular expression it replaces", () => {
    const glob = fc.string({ unit: fc.constantFrom("a", "b", "-", "*", "."), maxLength: 8 });
    const name = fc.string({ unit: fc.constantFrom("a", "b", "A", "-", "."), maxLength: 12 });
    fc.assert(
      fc.property(glob, name, (g, n) => {
        expect(compileGlob(g).test(n)).toBe(reference(g).test(n));
      }),
      { seed: 20261127, numRuns: 2000 },
    );
  });

  it("finding 11: matching takes steps linear in the name and the pattern, even for *-*-*-*-prod", () => {
    const glob = "*-*-*-*-prod";
    for (const name of ["a-".repeat(200), "-".repeat(1000), `${"a-".repeat(500)}prod`, "x".repeat(1000)]) {
      const meter: MatchMeter = { steps: 0 };
      compileGlob(glob).test(name, meter);
      expect(meter.steps).toBeLessThanOrEqual(3 * (name.length + glob.length));
    }
  });
});

describe("access policy with a pathological name pattern", () => {
  it("finding 11: the glob *-*-*-*-prod against a 400-character name is decided (no backtracking)", () => {
    const policy = parseAccessPolicy({ rules: [{ users: ["U0X"], projects: ["*-*-*-*-prod"] }] });
    expect(decide(policy, { userId: "U0X" }, { id: "1", name: "a-".repeat(200) })).toBe("deny");
    expect(decide(policy, { userId: "U0X" }, { id: "1", name: "shop-api-kr-1-PROD" })).toBe("allow");
  });
});

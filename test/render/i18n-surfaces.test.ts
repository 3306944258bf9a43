/**
 * Every strings file under src/render/i18n/ holds Korean and English side by side: each exported
 * `Record<Locale, …>` has both languages, with the same keys at every depth (and lists of the same
 * length), so no surface can miss a translation. New files in the folder are covered as they come.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { LOCALES } from "../../src/config.js";
import { messages } from "../../src/render/i18n.js";

const FOLDER = fileURLToPath(new URL("../../src/render/i18n/", import.meta.url));
const FILES = readdirSync(FOLDER).filter((name) => name.endsWith(".ts"));

/** The paths of every leaf ("a.b.0"), so two languages compare key by key. */
function shapeOf(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return [`${path}[${value.length}]`, ...value.flatMap((item, i) => shapeOf(item, `${path}.${i}`))];
  if (value !== null && typeof value === "object") {
    return Object.entries(value)
      .sort(([a], [b]) => a.localeCompare(b))
      .flatMap(([key, item]) => shapeOf(item, path ? `${path}.${key}` : key));
  }
  return [`${path}:${typeof value}`];
}

function isCatalogue(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && LOCALES.some((locale) => locale in value);
}

describe("strings per surface", () => {
  it("splits the catalogue into several surface files", () => {
    expect(FILES).toEqual(expect.arrayContaining(["detail.ts", "lists.ts", "actions.ts", "subscriptions.ts", "errors.ts"]));
  });

  it.each(FILES)("%s has every key in both languages", async (file) => {
    const module = (await import(`${FOLDER}${file}`)) as Record<string, unknown>;
    const catalogues = Object.entries(module).filter(([, value]) => isCatalogue(value));
    expect(catalogues.length, `${file} exports no Record<Locale, …> of strings`).toBeGreaterThan(0);
    for (const [name, catalogue] of catalogues) {
      const byLocale = catalogue as Record<string, unknown>;
      for (const locale of LOCALES) expect(byLocale[locale], `${name}.${locale}`).toBeDefined();
      expect(shapeOf(byLocale.ko), `${name}: ko and en differ`).toEqual(shapeOf(byLocale.en));
    }
  });

  it("composes every surface into the one catalogue callers use", () => {
    for (const locale of LOCALES) {
      const catalogue = messages(locale);
      expect(catalogue.historyStatus.success).toBeTypeOf("string");
      expect(catalogue.audit).toBeDefined();
      expect(catalogue.subscriptions.help.length).toBeGreaterThan(0);
      expect(catalogue.error).toBeDefined();
      expect(catalogue.stats).toBeDefined();
    }
    expect(messages("ko").historyStatus.fail).toBe("배포 실패");
    expect(messages("en").historyStatus.fail).not.toBe("배포 실패");
  });
});

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  historyStatus,
  type LiveNote,
  messages,
  pageCount,
  type RenderOptions,
  renderHistory,
  renderTargetsModal,
  renderUnfurl,
  targetStatus,
} from "../../src/render/index.js";
import { settled } from "../../src/render/settle.js";
import { computeTimeline } from "../../src/render/timeline.js";
import {
  type DeploymentType,
  HISTORY_STATUSES,
  type History,
  type ServerTarget,
  STEP_STATUSES,
  type Step,
  type Steps,
  TARGET_STATUSES,
} from "../../src/sourcedeploy/model.js";
import { messageProblems, modalProblems, mrkdwnTexts, textObjects } from "../support/block-kit.js";
import { options } from "./helpers.js";

const SEED = 20261127;
const HOSTILE = [
  "<!channel>",
  "<!here>",
  "<@U123|x>",
  "<#C1|general>",
  "<https://evil.example|click>",
  "&amp;",
  "&",
  "<",
  ">",
  "*_~`",
  "\n",
  "👩‍👩‍👧‍👦",
  "\u{1F600}",
  "*bold*",
  "_italic_",
  "~strike~",
  "`code`",
  "```",
  "> quote",
  "＊＿｀＞",
  "web_release_v2",
  "https://evil.example/x",
  "www.evil.example",
  "@here",
  "#general",
  "\u202E",
  "\u2066",
  "\u200B",
  "\u200D",
  "\uFEFF",
  "\u00AD",
  "\u{E0041}",
  "❤️",
];

const text = (maxLength: number) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: "binary", minLength: Math.floor(maxLength / 2), maxLength, size: "max" }) },
    { weight: 2, arbitrary: fc.array(fc.constantFrom(...HOSTILE), { maxLength: 40 }).map((parts) => parts.join("")) },
  );

const status = (known: readonly string[]) =>
  fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...known) }, { weight: 1, arbitrary: text(60) });

const date = fc.option(
  fc.oneof(
    { weight: 9, arbitrary: fc.integer({ min: 0, max: 4_102_444_800_000 }).map((ms) => new Date(ms)) },
    { weight: 1, arbitrary: fc.constant(new Date(NaN)) },
  ),
  { nil: undefined },
);

const step: fc.Arbitrary<Step> = fc.record({ status: status(STEP_STATUSES), time: date }, { requiredKeys: [] });
const steps: fc.Arbitrary<Steps> = fc.record({ pre: step, deploy: step, post: step }, { requiredKeys: [] });

/** Names start with a unique marker so the test can find which targets were shown. */
function targets(small: boolean): fc.Arbitrary<ServerTarget[]> {
  const target = fc.record({
    name: small ? text(1000) : fc.oneof(fc.string({ maxLength: 30 }), text(200)),
    serverNo: fc.option(fc.oneof(fc.integer({ min: 1 }).map(String), text(40)), { nil: undefined }),
    status: status(TARGET_STATUSES),
    steps,
  });
  const list = small ? fc.array(target, { maxLength: 25 }) : fc.array(target, { minLength: 100, maxLength: 2000, size: "max" });
  return list.map((items) => items.map((t, i) => ({ ...t, name: `§${i}§${t.name}` })));
}

const ref = fc.record({ id: fc.oneof(fc.integer({ min: 1 }).map(String), text(30)), name: text(1000) });

const history: fc.Arbitrary<History> = fc
  .record({
    id: fc.oneof({ weight: 4, arbitrary: fc.bigInt({ min: 1n, max: 10n ** 20n }).map(String) }, { weight: 1, arbitrary: text(100) }),
    project: ref,
    stage: ref,
    scenario: ref,
    status: status(HISTORY_STATUSES),
    executor: fc.option(text(1000), { nil: undefined }),
    startTime: date,
    endTime: date,
    type: fc.constantFrom<DeploymentType>("Server", "AutoScalingGroup", "KubernetesService", "ObjectStorage", "Unknown"),
    rawType: fc.option(text(50), { nil: undefined }),
    config: fc.record(
      {
        strategy: text(100),
        file: fc.record({ name: text(1000), type: fc.option(text(50), { nil: undefined }) }),
        autoScalingGroup: fc.record({ no: text(30), name: text(300) }, { requiredKeys: [] }),
        backupFile: text(1000),
      },
      { requiredKeys: [] },
    ),
    targetShape: fc.constantFrom<"servers" | "single">("servers", "single"),
    targets: fc.oneof({ weight: 2, arbitrary: targets(true) }, { weight: 1, arbitrary: targets(false) }),
    steps: fc.option(steps, { nil: undefined }),
  })
  .map((h) => (h.targetShape === "single" ? { ...h, targets: [] } : h));

const liveNote: fc.Arbitrary<LiveNote> = fc.oneof(
  fc.constantFrom<LiveNote>({ kind: "live" }, { kind: "live_limited" }, { kind: "last_update" }, { kind: "expired" }),
  date.map((d): LiveNote => ({ kind: "stale", lastSuccessAt: d ?? new Date(NaN) })),
);

const renderOptions: fc.Arbitrary<RenderOptions> = fc
  .record(
    {
      locale: fc.constantFrom<"ko" | "en">("ko", "en"),
      demo: fc.boolean(),
      shareButton: fc.boolean(),
      writeButtons: fc.boolean(),
      timeZone: fc.constantFrom("Asia/Seoul", "UTC", "America/Los_Angeles"),
      relativeElapsed: fc.boolean(),
      live: liveNote,
    },
    { requiredKeys: ["locale", "timeZone"] },
  )
  .map((o) => options(o));

/** Every `<` we send in mrkdwn must open one of our own tokens. */
function strayAngles(texts: string[]): string[] {
  return texts.flatMap((t) =>
    [...t.matchAll(/</g)].filter((m) => !t.startsWith("<!date^", m.index) && !t.startsWith("<http", m.index)).map(() => t),
  );
}

const TIMELINE_HEADINGS = [messages("en").timeline.heading, messages("ko").timeline.heading].map((h) => `*${h}*\n`);

function isTimeline(text: string): boolean {
  return TIMELINE_HEADINGS.some((h) => text.startsWith(h));
}

const NOTE_STARTS = ["📡 ", "⏸ ", "⚠️ ", "💤 "];

/** Context lines at the bottom that say how the message stays current. */
function noteCount(texts: string[]): number {
  return texts.filter((t) => NOTE_STARTS.some((start) => t.startsWith(start)) && !t.includes("§")).length;
}

function expectsNote(h: History, o: RenderOptions): boolean {
  if (o.live === undefined) return false;
  return !historyStatus(h.status).terminal || o.live.kind === "stale" || o.live.kind === "expired";
}

/** Finished, with server targets of which one took markedly longer than the median: the timeline always fits. */
function expectsTimeline(h: History): boolean {
  return historyStatus(h.status).terminal && computeTimeline(h).slowest;
}

/** 0 failed (or unfinished), 1 running, 2 the rest: the order targets are listed in. */
function group(t: ServerTarget): number {
  return Math.min(targetStatus(t.status).rank, 2);
}

function shownMarkers(texts: string[]): number[] {
  return [...texts.join("\n").matchAll(/§(\d+)§/g)].map((m) => Number(m[1]));
}

function leftOutCounts(texts: string[]): { total: number; sum: number } | undefined {
  const match = /(?:(\d+) more targets?:|그 밖의 배포 타겟 (\d+)개:) ((?:\d+ \S+ ?)+)$/m.exec(texts.join("\n"));
  if (!match) return undefined;
  const sum = [...(match[3] ?? "").matchAll(/(\d+) /g)].reduce((n, m) => n + Number(m[1]), 0);
  return { total: Number(match[1] ?? match[2]), sum };
}

const params = { seed: SEED, numRuns: 150, endOnFailure: true };

describe("rendering any history", () => {
  it("stays within every Slack limit, escapes all data, and accounts for every target", () => {
    fc.assert(
      fc.property(history, renderOptions, (h, o) => {
        const detail = renderHistory(h, o);
        expect(messageProblems(detail)).toEqual([]);
        const allTexts = mrkdwnTexts(detail.blocks);
        expect(strayAngles([detail.text, ...allTexts])).toEqual([]);
        const timeline = allTexts.filter(isTimeline);
        expect(timeline.length).toBeLessThanOrEqual(1);
        if (timeline[0] !== undefined) {
          expect(historyStatus(h.status).terminal).toBe(true);
          expect(timeline[0].split("\n").length).toBeLessThanOrEqual(7);
        }
        expect(timeline).toHaveLength(expectsTimeline(h) ? 1 : 0);
        expect(noteCount(allTexts)).toBe(expectsNote(h, o) ? 1 : 0);
        const texts = allTexts.filter((t) => !isTimeline(t));

        const shown = shownMarkers(texts);
        expect(new Set(shown).size).toBe(shown.length);
        const leftOut = leftOutCounts(texts);
        expect(shown.length + (leftOut?.sum ?? 0)).toBe(h.targets.length);
        const final = settled(h).targets;
        expect(shown.map((i) => group(final[i]!))).toEqual(shown.map((i) => group(final[i]!)).sort());
        if (leftOut) {
          expect(leftOut.total).toBe(leftOut.sum);
          const urgent = final.flatMap((t, i) => (group(t) <= 1 ? [i] : []));
          const shownSet = new Set(shown);
          if (shown.some((i) => group(final[i]!) > 1)) expect(urgent.every((i) => shownSet.has(i))).toBe(true);
        }

        const unfurl = renderUnfurl(h, o);
        expect(messageProblems(unfurl)).toEqual([]);
        expect(unfurl.blocks.length).toBeLessThanOrEqual(8);
        const unfurlTexts = mrkdwnTexts(unfurl.blocks);
        expect(strayAngles([unfurl.text, ...unfurlTexts])).toEqual([]);
        expect(unfurlTexts.some(isTimeline)).toBe(false);
        expect(noteCount(unfurlTexts)).toBe(expectsNote(h, o) ? 1 : 0);
      }),
      params,
    );
  });

  it("pages every target into modals exactly once, each page within limits", () => {
    fc.assert(
      fc.property(history, renderOptions, (h, o) => {
        const seen: number[] = [];
        const pages = pageCount(h);
        for (let page = 0; page < pages; page++) {
          const view = renderTargetsModal(h, page, o);
          expect(modalProblems(view)).toEqual([]);
          expect(JSON.parse(view.private_metadata)).toMatchObject({ page });
          const texts = mrkdwnTexts(view.blocks);
          expect(strayAngles(texts)).toEqual([]);
          seen.push(...shownMarkers(texts));
        }
        const final = settled(h).targets;
        const failureFirst = final.map((_, i) => i).sort((a, b) => group(final[a]!) - group(final[b]!) || a - b);
        expect(seen).toEqual(failureFirst);
      }),
      { ...params, numRuns: 60 },
    );
  });

  it("finding 10: no rendered text carries an invisible character, an auto-link, a quote or formatting from data", () => {
    fc.assert(
      fc.property(history, renderOptions, (h, o) => {
        const twin = withMarkers(h);
        const renders = [
          [renderHistory(h, o), renderHistory(twin, o)],
          [renderUnfurl(h, o), renderUnfurl(twin, o)],
          [renderTargetsModal(h, 0, o), renderTargetsModal(twin, 0, o)],
        ] as const;
        for (const [rendered, marked] of renders) {
          const texts = renderedTexts(rendered);
          const markedTexts = renderedTexts(marked);
          expect(markedTexts.map((t) => t.text.length)).toEqual(texts.map((t) => t.text.length));
          for (const [i, t] of texts.entries()) {
            expect(invisibleLeft(t.text)).toEqual([]);
            if (t.type === "plain_text") continue;
            expect(t.verbatim).toBe(true);
            expect(t.text.split("\n").filter((line) => /^\s*(>|&gt;|＞)/.test(line))).toEqual([]);
            expect(formattingFromData(t.text, markedTexts[i]?.text ?? "")).toEqual([]);
          }
        }
      }),
      params,
    );
  });
});

const MARKUP = /[*_~`＊＿｀]/gu;
const MARKER = "\uE000";

const VOCABULARY: ReadonlySet<string> = new Set([...HISTORY_STATUSES, ...TARGET_STATUSES, ...STEP_STATUSES]);

/** The same history with every markup character of its data (not of known statuses) replaced by a marker of the same length. */
function withMarkers<T>(value: T): T {
  if (typeof value === "string") return (VOCABULARY.has(value) ? value : value.replace(MARKUP, MARKER)) as T;
  if (Array.isArray(value)) return value.map(withMarkers) as T;
  if (value instanceof Date || typeof value !== "object" || value === null) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withMarkers(v)])) as T;
}

interface RenderedText {
  type: "plain_text" | "mrkdwn";
  text: string;
  verbatim?: boolean;
}

/** Every text object, plus the message's notification text (mrkdwn without a text object). */
function renderedTexts(rendered: { text?: string; blocks: unknown[] }): RenderedText[] {
  const objects = textObjects(rendered) as RenderedText[];
  return rendered.text === undefined ? objects : [...objects, { type: "mrkdwn", text: rendered.text, verbatim: true }];
}

const EXPLICITLY_FORBIDDEN = /[\u061C\u200B\u200C\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/u;
const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?)\u200D(?=\p{Extended_Pictographic})/gu;
const PRESENTATION_SELECTOR = /(?<=[^\s\p{Cf}\p{DI}])[\uFE0E\uFE0F]/gu;

/** Invisible characters left in a text: none but a joiner inside an emoji and one presentation selector after a character. */
function invisibleLeft(text: string): string[] {
  const found = [...text.matchAll(/[\p{Cf}\p{DI}]/gu)].map((m) => m[0]);
  const allowed = text.replace(EMOJI_JOINER, "").replace(PRESENTATION_SELECTOR, "");
  const stray = [...allowed.matchAll(/[\p{Cf}\p{DI}]/gu)].map((m) => m[0]);
  return EXPLICITLY_FORBIDDEN.test(text) ? found : stray;
}

/** Markup characters that came from data (the marker is at their place in the twin) and could format: not inside an ASCII word. */
function formattingFromData(text: string, marked: string): string[] {
  const word = (c: string | undefined) => c !== undefined && /[A-Za-z0-9]/.test(c);
  const found: string[] = [];
  for (let i = 0; i < text.length; i++) {
    if (marked[i] !== MARKER || !/[*_~`＊＿｀]/.test(text[i] ?? "")) continue;
    if (!/[*_~]/.test(text[i] ?? "") || !word(text[i - 1]) || !word(text[i + 1])) found.push(text.slice(Math.max(0, i - 5), i + 6));
  }
  return found;
}

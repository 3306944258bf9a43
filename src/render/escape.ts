/**
 * The one place where API strings become Slack text. Data is untrusted (a name is whatever someone
 * typed into the console), so every string from the API goes through `mrkdwn` or `plain`, which:
 *
 * - drop invisible characters (`visible`): bidi controls such as U+202E can make `exe.txt` read as
 *   `txt.exe`, zero-width characters hide text or make two names look alike;
 * - turn newlines and other control characters into spaces (one-line layouts);
 * - in mrkdwn, escape `&`, `<` and `>` (so `<!channel>` pings nobody, `<https://x|y>` links nowhere)
 *   and neutralise markup (`neutraliseMarkup`): Slack has no escape for `*_~` and backticks, so where
 *   they could format they are replaced by look-alikes;
 * - shorten, grapheme-aware: a surrogate pair or an emoji sequence is never split.
 *
 * Bare URLs, `#channel` and `@here` in data stay text because every mrkdwn object we send has
 * `verbatim: true` (blocks.ts): Slack then auto-links nothing and parses only the `<…>` tokens we
 * write ourselves. plain_text is never formatted, so it needs no markup escape.
 */

const ELLIPSIS = "…";
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
// Control characters (newlines included) would break one-line layouts; they carry no meaning here.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const MRKDWN_SPECIAL = /[&<>]/g;
const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

/**
 * Format characters (Unicode Cf: bidi embeddings, overrides, isolates and marks, zero-width space and
 * non-joiner, word joiner, BOM, soft hyphen, tag characters) and the other default-ignorable code
 * points (variation selectors, Hangul fillers). Two are kept where emoji need them, as neither can
 * reorder or hide text: a zero-width joiner between pictographs (👩‍💻, 🏳️‍🌈) and one presentation
 * selector right after a visible character (❤️). The first two alternatives keep, the captured third strips.
 */
const INVISIBLE =
  /(?<=\p{Extended_Pictographic}(?:\uFE0F|\p{Emoji_Modifier})?)\u200D(?=\p{Extended_Pictographic})|(?<=[^\s\p{Cf}\p{DI}])[\uFE0E\uFE0F]|([\p{Cf}\p{DI}])/gu;

/**
 * Slack's markup characters and the look-alikes that replace them in data (the approach of jsx-slack's
 * `<Escape>`). Slack opens and closes formatting only at word boundaries (`Super*cali*fragilistic`
 * stays plain), so `*`, `_` and `~` between two ASCII letters or digits (`web_release_v2`) are kept
 * and a name can still be copied into a command; elsewhere, and always for backticks and the
 * full-width forms Slack also reads as markup, the look-alike is used. Since every opener from data
 * is replaced, a kept character can at most close formatting that data never opened.
 */
const LOOK_ALIKE: Record<string, string> = {
  "*": "\u2217", // ∗ asterisk operator
  _: "\u02CD", // ˍ modifier letter low macron
  "~": "\u223C", // ∼ tilde operator
  "`": "\u02CB", // ˋ modifier letter grave accent
  "\uFF0A": "\uFE61", // ＊ → ﹡ small asterisk
  "\uFF3F": "\u2E0F", // ＿ → ⸏ paragraphos
  "\uFF40": "\u02CB", // ｀ → ˋ
};
const MARKUP = /[`\uFF0A\uFF3F\uFF40]|(?<![A-Za-z0-9])[*_~]|[*_~](?![A-Za-z0-9])/g;
/** A `>` (`&gt;` once escaped) or `＞` that starts a line quotes it; data may start a line, so there it becomes `˃`. */
const QUOTE_START = /^(\s*)(?:&gt;|\uFF1E)/;
const QUOTE_LOOK_ALIKE = "\u02C3"; // ˃ modifier letter right arrowhead

/** Printable ASCII holds no invisible character: most names skip the Unicode-property scan. */
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** `raw` without invisible characters (but with the joiners and selectors emoji need). */
export function visible(raw: string): string {
  if (PRINTABLE_ASCII.test(raw)) return raw;
  return raw.replace(INVISIBLE, (char: string, strip: string | undefined) => (strip === undefined ? char : ""));
}

/** True when `raw` shows nothing: empty, blank, or only invisible characters. */
export function isBlank(raw: string): boolean {
  return visible(raw).trim() === "";
}

/**
 * Replaces markup characters that Slack could read as formatting or a quote by look-alikes, in one
 * escaped, shortened data value: after shortening, because a cut can put a kept `_` next to the
 * ellipsis. Entities (`&lt;`) start and end with non-word characters, as the characters they stand
 * for do, so the word test gives the same answer on escaped text.
 */
function neutraliseMarkup(escaped: string): string {
  return escaped.replace(QUOTE_START, `$1${QUOTE_LOOK_ALIKE}`).replace(MARKUP, (c) => LOOK_ALIKE[c] ?? c);
}

export function escapeMrkdwn(raw: string): string {
  return raw.replace(MRKDWN_SPECIAL, (c) => ENTITY[c] ?? c);
}

export function singleLine(raw: string): string {
  return raw.replace(CONTROL, " ");
}

/**
 * Shortens `text` so that `measure(result) <= max`, cutting only between graphemes and ending with
 * an ellipsis when something was dropped. `measure` maps one grapheme to its output length.
 */
function shorten(text: string, max: number, measure: (grapheme: string) => string): string {
  const whole = measure(text);
  if (whole.length <= max) return whole;
  if (max < ELLIPSIS.length) return "";
  let out = "";
  for (const { segment } of graphemes.segment(text)) {
    const piece = measure(segment);
    if (out.length + piece.length + ELLIPSIS.length > max) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/** Visible, one-line plain text (header, button, modal title) of at most `max` UTF-16 units. */
export function plain(raw: string, max: number): string {
  return shorten(singleLine(visible(raw)), max, (s) => s);
}

/** Visible, one-line, neutralised and escaped mrkdwn whose escaped form has at most `max` UTF-16 units. */
export function mrkdwn(raw: string, max: number): string {
  return neutraliseMarkup(shorten(singleLine(visible(raw)), max, escapeMrkdwn));
}

/** Shortens already-safe mrkdwn (our own composition) without splitting an entity or a grapheme. */
export function clampMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = shorten(text, max, (s) => s);
  // A cut inside `&amp;`-style entities or `<…>` tokens would leave broken markup; drop the tail.
  const amp = cut.lastIndexOf("&");
  const lt = cut.lastIndexOf("<");
  const openEntity = amp >= 0 && cut.indexOf(";", amp) < 0 ? amp : -1;
  const openToken = lt >= 0 && cut.indexOf(">", lt) < 0 ? lt : -1;
  const at = Math.max(openEntity, openToken);
  return at >= 0 ? cut.slice(0, at) + ELLIPSIS : cut;
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,30}$/;

/** Slack's mention token for a user id (`<@U…>`: the channel sees who did it); anything else is escaped text. */
export function userMention(userId: string): string {
  return SLACK_USER_ID.test(userId) ? `<@${userId}>` : mrkdwn(userId, 40);
}

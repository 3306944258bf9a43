/**
 * The one place where API strings become Slack text. mrkdwn needs `&`, `<` and `>` escaped (a name
 * like `<!channel>` must stay text); plain_text does not, but every text has a length limit, so
 * shortening is grapheme-aware: a surrogate pair or an emoji sequence is never split.
 */

const ELLIPSIS = "…";
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" });
// Control characters (newlines included) would break one-line layouts; they carry no meaning here.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const MRKDWN_SPECIAL = /[&<>]/g;
const ENTITY: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;" };

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

/** Plain text (header, button, modal title) of at most `max` UTF-16 units. */
export function plain(raw: string, max: number): string {
  return shorten(singleLine(raw), max, (s) => s);
}

/** mrkdwn-escaped, one-line text whose escaped form has at most `max` UTF-16 units. */
export function mrkdwn(raw: string, max: number): string {
  return shorten(singleLine(raw), max, escapeMrkdwn);
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

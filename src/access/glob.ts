/**
 * Project-name patterns of ACCESS_POLICY (`projects: ["shop-*"]`): `*` matches any run of characters
 * (also none), everything else matches itself, case-insensitively.
 *
 * No regular expression: `*-*-*-*-prod` as `^.*-.*-.*-.*-prod$` backtracks polynomially (3.3 s against
 * a 400-character name). Here the pieces between the stars are found left to right, each as early as
 * possible (which is always right for `*`-only patterns), with Knuth–Morris–Pratt so no character of
 * the name is compared more than twice: the work is linear in the name plus the pattern.
 */

/** Counts comparison steps, for tests that bound the work. */
export interface MatchMeter {
  steps: number;
}

export interface NamePattern {
  test(name: string, meter?: MatchMeter): boolean;
}

interface Piece {
  text: string;
  /** KMP failure table: the length of the longest proper border of `text[0..i]`. */
  border: number[];
}

function piece(text: string): Piece {
  const border = new Array<number>(text.length).fill(0);
  for (let i = 1, k = 0; i < text.length; i++) {
    while (k > 0 && text[i] !== text[k]) k = border[k - 1] ?? 0;
    if (text[i] === text[k]) k++;
    border[i] = k;
  }
  return { text, border };
}

/** Where `p` first occurs in `name[from..to)`, or -1; at most 2·(to − from) steps. */
function find(p: Piece, name: string, from: number, to: number, meter: MatchMeter): number {
  if (p.text.length === 0) return from;
  for (let i = from, k = 0; i < to; i++) {
    meter.steps++;
    while (k > 0 && name[i] !== p.text[k]) {
      meter.steps++;
      k = p.border[k - 1] ?? 0;
    }
    if (name[i] === p.text[k]) k++;
    if (k === p.text.length) return i - k + 1;
  }
  return -1;
}

export function compileGlob(glob: string): NamePattern {
  const [first = "", ...rest] = glob.toLowerCase().split("*");
  const last = rest.pop();
  const middle = rest.map(piece);
  return {
    test(rawName, meter = { steps: 0 }) {
      const name = rawName.toLowerCase();
      meter.steps += first.length + (last?.length ?? 0);
      if (last === undefined) return name === first;
      if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
      const end = name.length - last.length;
      let at = first.length;
      for (const p of middle) {
        const found = find(p, name, at, end, meter);
        if (found < 0) return false;
        at = found + p.text.length;
      }
      return true;
    },
  };
}

/** "Did you mean …?": the closest known word by edit distance (fastest-levenshtein), when it is close enough. Pure. */
import { distance } from "fastest-levenshtein";

/** A suggestion differs by at most a third of the word's letters (at least 1, at most 3 edits). */
function tolerance(word: string): number {
  return Math.min(3, Math.max(1, Math.floor([...word].length / 3)));
}

export function closestWord(word: string, candidates: readonly string[]): string | undefined {
  const typed = word.normalize("NFC").toLowerCase();
  let best: { candidate: string; score: number } | undefined;
  for (const candidate of candidates) {
    const score = distance(typed, candidate.normalize("NFC").toLowerCase());
    if (score > 0 && score <= tolerance(typed) && (best === undefined || score < best.score)) best = { candidate, score };
  }
  return best?.candidate;
}

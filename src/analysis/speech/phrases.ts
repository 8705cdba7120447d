/** Which configured phrases a recognizer's text holds. Pure. */
import { normalizePhrase } from '../../voicebot/index.js';

export interface PhraseMatcher {
  /** The configured phrases whose words occur, in order and adjacent, in `text`. */
  match(text: string): string[];
}

export function phraseMatcher(phrases: readonly string[]): PhraseMatcher {
  const wanted = [...new Set(phrases)].map((p) => ({ phrase: p, words: normalizePhrase(p) })).filter((p) => p.words.length > 0);
  return {
    match(text) {
      const heard = normalizePhrase(text);
      return wanted.filter((p) => containsRun(heard, p.words)).map((p) => p.phrase);
    },
  };
}

function containsRun(heard: readonly string[], words: readonly string[]): boolean {
  for (let i = 0; i + words.length <= heard.length; i++) {
    if (words.every((w, k) => heard[i + k] === w)) return true;
  }
  return false;
}

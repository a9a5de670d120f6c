// Is an evaluation line in the training data, or a close paraphrase of a line there? Content words (function words
// left out) after stemming, per locale: a pair whose stem sets share at least half of their union (Jaccard >= 0.5) is a
// close paraphrase; a line of fewer than two content words can only be an exact copy (one shared word is no paraphrase).

import { Analyser } from '../../src/objections/text/analyser.js';
import { cleanText } from '../../src/objections/text/clean.js';
import type { LanguageData } from '../../src/objections/text/language-data.js';

export const PARAPHRASE_SHARE = 0.5;

export interface Overlap {
  line: number;
  kind: 'exact' | 'paraphrase';
  share: number;
}

export function overlaps(lines: readonly { line: number; text: string }[], training: readonly string[], language: LanguageData): Overlap[] {
  const analyser = new Analyser({ ...language, concepts: {} }, new Set());
  const normal = (text: string) => analyser.tokenise(cleanText(text)).join(' ');
  const stems = (text: string) => new Set(analyser.tokenise(cleanText(text)).filter((word) => !analyser.isFunctionWord(word)).map((word) => analyser.stem(word)));
  const exact = new Set(training.map(normal));
  const trained = training.map(stems).filter((set) => set.size >= 2);
  const byStem = new Map<string, Set<string>[]>();
  for (const set of trained) for (const stem of set) byStem.set(stem, [...(byStem.get(stem) ?? []), set]);
  const out: Overlap[] = [];
  for (const { line, text } of lines) {
    if (exact.has(normal(text))) {
      out.push({ line, kind: 'exact', share: 1 });
      continue;
    }
    const mine = stems(text);
    if (mine.size < 2) continue;
    let best = 0;
    for (const stem of mine) {
      for (const other of byStem.get(stem) ?? []) {
        let shared = 0;
        for (const s of mine) if (other.has(s)) shared += 1;
        best = Math.max(best, shared / (mine.size + other.size - shared));
      }
    }
    if (best >= PARAPHRASE_SHARE) out.push({ line, kind: 'paraphrase', share: Math.round(best * 100) / 100 });
  }
  return out;
}

// Meaning for words the training examples never used, from a language's word-vector table (English: GloVe, see
// models/README.md): an unknown word close in meaning to a known one is read as that word, and counts as partly known.

import { WordSet, type WordVectors } from '../word-vectors.js';
import { rememberWord } from '../text/word-memo.js';
import { vectorForm } from './features.js';

/**
 * The thousand most frequent words say nothing about a topic ("yet", "ever", "around"), and their vectors sit close to
 * each other: such a word is never credited as related, nor used as a known word to be close to.
 */
const GENERIC_RANK = 1000;

/** Words remembered with their nearest known word (the same unknown words come back, in clauses and messages). */
const MEMO_SIZE = 20_000;

/** The known words' less common ones as a WordSet, built on the first unknown word (most messages have none). */
export class RelatedWords {
  private set: WordSet | undefined;
  private readonly memo = new Map<string, { word: string | undefined; closeness: number }>();

  constructor(
    private readonly table: WordVectors,
    private readonly words: readonly string[],
  ) {}

  /** The known word closest in meaning (none for a common word, which sits close to everything). */
  nearest(word: string): { word: string | undefined; closeness: number } {
    const known = this.memo.get(word);
    if (known) return known;
    const found = this.search(word);
    rememberWord(this.memo, word, found, MEMO_SIZE);
    return found;
  }

  /** A scan of the set: about 0.2 ms a word on the build machine, hence the memo and the caller's cap. */
  private search(word: string): { word: string | undefined; closeness: number } {
    const specific = (form: string) => (this.table.rank(form) ?? 0) >= GENERIC_RANK;
    this.set ??= new WordSet(this.table, this.words.filter(specific));
    const form = vectorForm(this.table, word);
    return specific(form) ? this.set.nearest(form) : { word: undefined, closeness: 0 };
  }
}

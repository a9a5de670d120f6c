// Words and concepts of a cleaned message in one language: tokens (contractions spelled out), stems, the lexicon's
// concepts, and how much of it the coach knows. Everything language-specific comes from LanguageData.

import type { LanguageData } from './language-data.js';

/** What the model reads of a message. */
export interface Analysis {
  /** Lower-case words, contractions spelled out. */
  words: string[];
  stems: string[];
  /** Lexicon concepts named, as `zz<concept>` tokens (they can never collide with a word). */
  concepts: string[];
  /** How many words carry meaning (function words and numbers left out). */
  contentWords: number;
  /** The content words the coach does not know (not in the catalog's vocabulary nor in the lexicon), as written. */
  unknownContent: string[];
  /** Asked as a question: a question mark, or a first word (after lead-ins such as "ok", "so") that opens a question. */
  question: boolean;
}

interface Term {
  concept: string;
  forms: string[];
}

/** One per language and vocabulary: the lexicon index is built once, analysis is a few map look-ups per word. */
export class Analyser {
  private readonly terms = new Map<string, Term[]>();
  private readonly lexiconStems = new Set<string>();

  /** `vocabulary`: stems of the words in the training examples. */
  constructor(
    readonly language: LanguageData,
    private readonly vocabulary: ReadonlySet<string>,
  ) {
    const terms = Object.entries(language.concepts)
      .flatMap(([concept, phrases]) => phrases.map((phrase) => ({ concept: `zz${concept.replace(/-/g, '')}`, forms: this.tokenise(phrase).map(lexiconForm) })))
      .sort((a, b) => b.forms.length - a.forms.length);
    for (const term of terms) {
      const first = term.forms[0];
      if (first === undefined) continue;
      const list = this.terms.get(first) ?? [];
      list.push(term);
      this.terms.set(first, list);
    }
    for (const phrases of Object.values(language.concepts)) for (const phrase of phrases) for (const word of this.tokenise(phrase)) this.lexiconStems.add(this.stem(word));
  }

  stem(word: string): string {
    return this.language.stemming.stem(word);
  }

  isFunctionWord(word: string): boolean {
    return this.language.functionWords.has(word) || /^\p{N}+$/u.test(word);
  }

  /** A content word the coach knows: in the training vocabulary or the lexicon. */
  knows(word: string): boolean {
    const stem = this.stem(word);
    return this.vocabulary.has(stem) || this.lexiconStems.has(stem);
  }

  /** `synonyms`: unknown words to read as a known word close in meaning (model/meaning.ts). */
  analyse(text: string, synonyms?: ReadonlyMap<string, string>): Analysis {
    const words = this.tokenise(text).map((word) => synonyms?.get(word) ?? word);
    const stems = words.map((word) => this.stem(word));
    const concepts = this.concepts(words.map(lexiconForm));
    const content = words.filter((word) => !this.isFunctionWord(word));
    return { words, stems, concepts, contentWords: content.length, unknownContent: content.filter((word) => !this.knows(word)), question: this.isQuestion(text, words) };
  }

  /** "am I done?", "did it work", "so what if I say no": asked, not told ("I did it", "no"). */
  isQuestion(text: string, words: readonly string[]): boolean {
    if (text.includes('?')) return true;
    const { leadIns, questionOpeners } = this.language;
    const first = words.find((word) => !leadIns.has(word));
    return first !== undefined && questionOpeners.has(first);
  }

  /**
   * Words of cleaned text, lower case, contractions spelled out (with or without the apostrophe, as people type in
   * chat), an elision split into its two words, an apostrophe's ending replaced by its word. A word in the data's `capitalised` list means something else
   * in capitals ("IT", the department), unless the whole message is shouted.
   */
  tokenise(text: string): string[] {
    const { contractions, apostropheEndings, capitalised, elisions } = this.language;
    const shouted = text === text.toUpperCase();
    const words: string[] = [];
    for (const match of text.matchAll(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu)) {
      const apostrophe = match[0].indexOf("'");
      let base = apostrophe > 0 ? match[0].slice(0, apostrophe) : match[0];
      let suffix = apostrophe > 0 ? match[0].slice(apostrophe).toLowerCase() : '';
      const special = shouted ? undefined : capitalised[base];
      base = base.toLowerCase();
      // An elision ("l'appli", "qu'il", "d'accès") is two words: the elided one spelled out, then the word after it.
      if (suffix && elisions.has(base)) {
        const next = suffix.slice(1);
        words.push(...(contractions[base] ?? [base]), ...(contractions[next] ?? [next]));
        continue;
      }
      // English "n't" is written on the verb ("can't", "won't"): the ending starts one letter earlier, and the verb's
      // remains ("ca", "wo") are contractions of their own.
      if (suffix === "'t" && base.endsWith('n') && apostropheEndings["n't"]) {
        suffix = "n't";
        base = base.slice(0, -1);
      }
      const expanded = special === undefined ? contractions[base] : [special];
      if (expanded) words.push(...expanded);
      else if (base.length > 0) words.push(base);
      if (suffix) words.push(...(apostropheEndings[suffix] ?? []));
    }
    return words;
  }

  /** The longest lexicon phrase at each position wins; a phrase several concepts list names all of them. */
  private concepts(forms: readonly string[]): string[] {
    const concepts: string[] = [];
    for (let i = 0; i < forms.length; ) {
      const matching = this.terms.get(forms[i]!)?.filter((term) => term.forms.every((form, k) => forms[i + k] === form)) ?? [];
      const length = matching[0]?.forms.length ?? 0;
      for (const concept of new Set(matching.filter((term) => term.forms.length === length).map((term) => term.concept))) concepts.push(concept);
      i += Math.max(1, length);
    }
    return concepts;
  }
}

/**
 * How a word is matched against the lexicon: the word itself or a plural's singular. Not the stem, which folds words of
 * different meaning together ("personal" and "person", "organ" and "organisation").
 */
export function lexiconForm(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) return word.slice(0, -1);
  return word;
}

// The stemmers and stop words of NLP.js's language packages (@nlpjs/lang-xx, Snowball stemmers), found by convention:
// a catalog's words.json names a language code, and its stemmer is `@nlpjs/lang-<code>-min/src/stemmer-<code>.js` or
// `@nlpjs/lang-<code>/src/stemmer-<code>.js` (its stop words beside it when the package has them). A new language is
// data (and, for a stemmer NLP.js has but this package does not yet depend on, `npm install @nlpjs/lang-<code>`);
// "none" stems nothing, for a language no Snowball stemmer serves. Only the stemmer and stop-word files are loaded, on
// first use of a language: the packages' other parts (sentiment, number recognisers) are not needed.

import { createRequire } from 'node:module';
import { AppError } from '../../errors/app-error.js';
import { rememberWord } from './word-memo.js';

/** A language code with an NLP.js stemmer (en, de, it, pt, sv…), or "none". */
export type StemmerId = string;
export const NO_STEMMER = 'none';

export interface Stemming {
  stem(word: string): string;
  stopWords: readonly string[];
}

interface NlpStemmer {
  stemWord(word: string): string;
}
type StemmerClass = new () => NlpStemmer;
type StopwordsClass = new () => { dictionary: Record<string, unknown> };

const require = createRequire(import.meta.url);

/** The first of `paths` that resolves, or undefined. */
function firstResolvable(paths: readonly string[]): string | undefined {
  for (const candidate of paths) {
    try {
      return require.resolve(candidate);
    } catch {
      // not installed: the next candidate
    }
  }
  return undefined;
}

/** Where the stemmer and stop words of `id` live; a clear error when no package provides them. */
function filesOf(id: StemmerId): { stemmer: string; stopWords: string | undefined } {
  if (!/^[a-z]{2,3}$/.test(id)) throw new AppError('config.invalid', `stemmer "${id}" is not a language code (two or three letters) or "${NO_STEMMER}"`, { userFault: true });
  const packages = [`@nlpjs/lang-${id}-min`, `@nlpjs/lang-${id}`];
  const stemmer = firstResolvable(packages.map((name) => `${name}/src/stemmer-${id}.js`));
  if (!stemmer) {
    throw new AppError('config.invalid', `no stemmer for "${id}": install it with \`npm install @nlpjs/lang-${id}\`, or set "stemmer": "${NO_STEMMER}" in the language's words.json`, { userFault: true });
  }
  return { stemmer, stopWords: firstResolvable(packages.map((name) => `${name}/src/stopwords-${id}.js`)) };
}

/** Words this short are left as they are: stemming them only folds unrelated words together. */
const MIN_STEMMED_LENGTH = 4;
const MEMO_SIZE = 50_000;

const loaded = new Map<StemmerId, Stemming>();

export function stemmerFor(id: StemmerId): Stemming {
  const known = loaded.get(id);
  if (known) return known;
  if (id === NO_STEMMER) {
    const unstemmed: Stemming = { stem: (word) => word, stopWords: [] };
    loaded.set(id, unstemmed);
    return unstemmed;
  }
  const files = filesOf(id);
  const Stemmer = require(files.stemmer) as StemmerClass;
  const stemmer = new Stemmer();
  const memo = new Map<string, string>();
  const stemming: Stemming = {
    // Memoised: the same few thousand words come back in every example and message.
    stem(word) {
      if (word.length < MIN_STEMMED_LENGTH) return word;
      let stemmed = memo.get(word);
      if (stemmed === undefined) {
        stemmed = stemmer.stemWord(word);
        rememberWord(memo, word, stemmed, MEMO_SIZE);
      }
      return stemmed;
    },
    // NLP.js lists stop words for a few languages only; the others list theirs in words.json.
    stopWords: files.stopWords ? Object.keys(new (require(files.stopWords) as StopwordsClass)().dictionary) : [],
  };
  loaded.set(id, stemming);
  return stemming;
}

// The stemmers and stop words of NLP.js's language packages (@nlpjs/lang-xx, Snowball stemmers), one per language the
// coach can learn. Only the stemmer and stop-word files are loaded, on first use of a language: the packages' other
// parts (sentiment, number recognisers) are not needed, and a language nobody writes in costs nothing. NLP.js ships a
// stop-word list for English only; other languages list theirs in catalog/<locale>/language/words.json.

import { createRequire } from 'node:module';

export type StemmerId = 'en' | 'de' | 'fr' | 'es' | 'nl';

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

/** Module paths inside the packages (each exports its class): the stemmer, then the stop words. */
const FILES: Record<StemmerId, [string, string]> = {
  en: ['@nlpjs/lang-en-min/src/stemmer-en.js', '@nlpjs/lang-en-min/src/stopwords-en.js'],
  de: ['@nlpjs/lang-de/src/stemmer-de.js', '@nlpjs/lang-de/src/stopwords-de.js'],
  fr: ['@nlpjs/lang-fr/src/stemmer-fr.js', '@nlpjs/lang-fr/src/stopwords-fr.js'],
  es: ['@nlpjs/lang-es/src/stemmer-es.js', '@nlpjs/lang-es/src/stopwords-es.js'],
  nl: ['@nlpjs/lang-nl/src/stemmer-nl.js', '@nlpjs/lang-nl/src/stopwords-nl.js'],
};

/** Words this short are left as they are: stemming them only folds unrelated words together. */
const MIN_STEMMED_LENGTH = 4;
const MEMO_SIZE = 50_000;

const loaded = new Map<StemmerId, Stemming>();

export function stemmerFor(id: StemmerId): Stemming {
  const known = loaded.get(id);
  if (known) return known;
  const [stemmerFile, stopFile] = FILES[id];
  const Stemmer = require(stemmerFile) as StemmerClass;
  const Stopwords = require(stopFile) as StopwordsClass;
  const stemmer = new Stemmer();
  const memo = new Map<string, string>();
  const stemming: Stemming = {
    // Memoised: the same few thousand words come back in every example and message.
    stem(word) {
      if (word.length < MIN_STEMMED_LENGTH) return word;
      let stemmed = memo.get(word);
      if (stemmed === undefined) {
        stemmed = stemmer.stemWord(word);
        if (memo.size < MEMO_SIZE) memo.set(word, stemmed);
      }
      return stemmed;
    },
    stopWords: Object.keys(new Stopwords().dictionary),
  };
  loaded.set(id, stemming);
  return stemming;
}

// What the matcher knows of one language, as data: catalog/<locale>/language/*.json, read once per locale.
//
// Why there: adding a language is a new catalog/<locale>/ folder plus `npm run build`, no code, so everything that is
// about a language (how people write it in chat, the domain's synonyms, the words that ask for a command) sits beside
// the intents of that language. An admin's CATALOG_DIR replaces answers, not this: it stays with the shipped catalog.
// - words.json: the stemmer to use (NLP.js's Snowball stemmers, @nlpjs/lang-xx), contractions, elisions, words with no
//   topic, words whose capitals change their meaning, the words that join two concerns, the words that open a question,
//   and an optional word-vector table;
// - lexicon.json: concepts (boss, supervisor, HR all name `employer`);
// - commands.json: how people ask for a command in words (trained as classes beside the intents).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../../errors/app-error.js';
import { packageRoot } from '../../shared/package-root.js';
import { stemmerFor, type Stemming } from './stemmers.js';

export const COMMANDS = ['status', 'setup', 'help'] as const;
export type CommandName = (typeof COMMANDS)[number];

const wordList = z.array(z.string().min(1).max(80));

const wordsSchema = z.object({
  /** A language code whose NLP.js stemmer to use (@nlpjs/lang-<code>), or "none". */
  stemmer: z.string().regex(/^([a-z]{2,3}|none)$/, 'a language code of two or three letters, or "none"'),
  contractions: z.record(z.string(), wordList).default({}),
  apostropheEndings: z.record(z.string(), z.array(z.string())).default({}),
  /** Elided words after which an apostrophe starts the next word: French l', d', j', qu' ("l'appli" is "le appli"). */
  elisions: wordList.default([]),
  functionWords: wordList.default([]),
  capitalised: z.record(z.string(), z.string()).default({}),
  clauseBreaks: wordList.default([]),
  questionOpeners: wordList.default([]),
  leadIns: wordList.default([]),
  /** A word-vector table (scripts/build-embeddings.mjs) relative to the package root; absent for most languages. */
  wordVectors: z.string().optional(),
});

const lexiconSchema = z.object({ concepts: z.record(z.string().regex(/^[a-z-]+$/), wordList.min(1)) });
const commandsSchema = z.object({ examples: z.object({ status: wordList.min(5), setup: wordList.min(5), help: wordList.min(5) }) });

export interface LanguageData {
  locale: string;
  stemming: Stemming;
  contractions: Readonly<Record<string, readonly string[]>>;
  apostropheEndings: Readonly<Record<string, readonly string[]>>;
  elisions: ReadonlySet<string>;
  /** Stop words of the stemmer package plus the file's own: words that carry no topic. */
  functionWords: ReadonlySet<string>;
  capitalised: Readonly<Record<string, string>>;
  clauseBreaks: readonly string[];
  /** Words that open a question ("am", "did", "what"), and words a message may start with before it ("ok", "so"). */
  questionOpeners: ReadonlySet<string>;
  leadIns: ReadonlySet<string>;
  /** Absolute path of the word-vector table, if the language has one. */
  wordVectorsFile: string | undefined;
  concepts: Readonly<Record<string, readonly string[]>>;
  commands: Readonly<Record<CommandName, readonly string[]>>;
  /** Changes whenever any of the files changes: a model trained with other language data is retrained. */
  fingerprint: string;
}

const cache = new Map<string, LanguageData>();

/** The language data of `locale` from `dir` (default catalog/<locale>/language); throws a clear error when broken. */
export function languageData(locale: string, dir: string = path.join(packageRoot(), 'catalog', locale, 'language')): LanguageData {
  const key = `${locale}\n${dir}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const texts: string[] = [];
  const read = <T>(name: string, schema: z.ZodType<T, z.ZodTypeDef, unknown>): T => {
    const file = path.join(dir, name);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new AppError('config.invalid', `the ${locale} language data has no ${name} (looked in ${dir})`, { cause: error, userFault: true });
    }
    texts.push(text);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new AppError('config.invalid', `${file} is not valid JSON`, { cause: error, userFault: true });
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) throw new AppError('config.invalid', `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, { userFault: true });
    return parsed.data;
  };
  const words = read('words.json', wordsSchema);
  const { concepts } = read('lexicon.json', lexiconSchema);
  const { examples } = read('commands.json', commandsSchema);
  const stemming = stemmerFor(words.stemmer);
  const data: LanguageData = {
    locale,
    stemming,
    contractions: words.contractions,
    apostropheEndings: words.apostropheEndings,
    elisions: new Set(words.elisions.map((word) => word.toLowerCase())),
    functionWords: new Set([...stemming.stopWords, ...words.functionWords]),
    capitalised: words.capitalised,
    clauseBreaks: words.clauseBreaks,
    questionOpeners: new Set(words.questionOpeners),
    leadIns: new Set(words.leadIns),
    wordVectorsFile: words.wordVectors === undefined ? undefined : path.join(packageRoot(), words.wordVectors),
    concepts,
    commands: examples,
    fingerprint: fingerprint(texts),
  };
  cache.set(key, data);
  return data;
}

/** FNV-1a over the files' text: cheap, stable, enough to tell one version of the data from another. */
function fingerprint(texts: readonly string[]): string {
  let hash = 0x811c9dc5;
  for (const text of texts) {
    for (let i = 0; i < text.length; i += 1) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
    hash = Math.imul(hash ^ 0x0a, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

// Tells which objection a free-text message raises: NLP.js's neural classifier plus an example-similarity signal,
// behind guards that send empty, foreign, off-topic or ambiguous text to `out-of-scope` instead of a confident guess.
//
// Why two signals: NLP.js's classifier learns one weight per stemmed word, so on phrasing it has never seen a single
// strong word ("done", "why", "locate") can carry a whole sentence to the wrong intent, and its scores are relative
// (they sum to 1), so off-topic text that shares one word with an intent still looks certain. The similarity signal
// compares the message with every catalog example (IDF-weighted stems plus character n-grams, which tolerate typos):
// many words must agree, and its absolute value says how close the message is to anything the coach knows.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
// @ts-expect-error NLP.js ships no type declarations; the few members used are typed by NlpModule below.
import nlpjsNlp from '@nlpjs/nlp';
// @ts-expect-error NLP.js ships no type declarations; the few members used are typed by LangEnModule below.
import nlpjsLangEn from '@nlpjs/lang-en-min';
import { AppError } from '../errors/app-error.js';
import type { Catalog } from './catalog-loader.js';
import { INTENT_IDS, type IntentId } from './catalog-schema.js';

// ---- NLP.js, typed for what is used ----------------------------------------------------------------------------

interface NlpClassification {
  intent: string;
  score: number;
}
interface NlpEngine {
  use(plugin: unknown): void;
  addDocument(locale: string, utterance: string, intent: string): void;
  train(): Promise<unknown>;
  classify(locale: string, utterance: string): Promise<{ classifications?: NlpClassification[] }>;
  export(minified?: boolean): string;
  import(data: string): void;
}
interface NlpSettings {
  languages: string[];
  autoSave: boolean;
  autoLoad: boolean;
  threshold: number;
  calculateSentiment: boolean;
  nlu: { log: boolean; useNoneFeature: boolean };
}
interface NlpModule {
  Nlp: new (settings: NlpSettings) => NlpEngine;
}
interface StemmerEn {
  stemWord(word: string): string;
}
interface LangEnModule {
  LangEn: unknown;
  StemmerEn: new () => StemmerEn;
  StopwordsEn: new () => { dictionary: Record<string, number> };
}
const { Nlp } = nlpjsNlp as NlpModule;
const { LangEn, StemmerEn, StopwordsEn } = nlpjsLangEn as LangEnModule;

// ---- Public API ---------------------------------------------------------------------------------------------------

/**
 * The combined score the winner needs (config OBJECTION_CONFIDENCE_THRESHOLD). The score blends three distributions
 * over 17 intents, so right answers often score 0.3-0.5: on the dev set and 5-fold cross-validation, thresholds above
 * ~0.3 only turn right answers into fallbacks (the unknown-word evidence and the fallback intent catch off-topic text).
 */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.25;

/** Why a message ended where it did; logged and shown by the evaluation, never to the employee. */
export type MatchReason = 'matched' | 'empty' | 'too-long' | 'not-english' | 'unknown-words' | 'off-topic' | 'ambiguous' | 'below-threshold';

export interface IntentCandidate {
  intent: IntentId;
  score: number;
}

export interface IntentMatch {
  intent: IntentId;
  /** The winner's combined score in [0, 1]; for a guard's fallback, how sure the guard is (1 for empty text). */
  confidence: number;
  /** The best intents by combined score, best first (at most 5), before the guards decided. */
  candidates: IntentCandidate[];
  reason: MatchReason;
}

/**
 * Knobs of the matcher. The defaults were chosen with scripts/eval-objections.mjs on 5-fold cross-validation over the
 * catalog's own examples and on the dev set, preferring settings that hold on both (numbers in that script's output).
 */
export interface MatcherTuning {
  /** Share of NLP.js's neural classifier in the combined score. */
  neuralWeight: number;
  /** Share of the softmax regression; the rest (1 - neural - linear) is example similarity. */
  linearWeight: number;
  /** Unknown content words are evidence for the fallback: this much per share of them is added to its score. */
  unknownWordsWeight: number;
  /** Softmax temperature that turns similarities into a distribution. */
  similarityTemperature: number;
  /** How many nearest examples of an intent are averaged into its similarity. */
  neighbours: number;
  /** Below this cosine to the nearest example, the message is off-topic whatever the classifiers say. */
  minSimilarity: number;
  /** The winner must beat the runner-up by this much of the combined score (0: off; measured to cost accuracy). */
  minMargin: number;
  /** Share of a message's content words the coach must know (catalog or lexicon); below it, another language or topic. */
  minKnownShare: number;
}

export const DEFAULT_TUNING: MatcherTuning = {
  neuralWeight: 0.2,
  linearWeight: 0.5,
  unknownWordsWeight: 1.3,
  similarityTemperature: 0.05,
  neighbours: 3,
  minSimilarity: 0.15,
  minMargin: 0,
  minKnownShare: 0.34,
};

export interface MatcherOptions {
  /** Combined score the winner needs; below it the answer is `out-of-scope`. Config: OBJECTION_CONFIDENCE_THRESHOLD. */
  threshold?: number;
  tuning?: Partial<MatcherTuning>;
}

export interface LoadMatcherOptions extends MatcherOptions {
  catalog: Catalog;
  /** Folder for `intent-model-<catalog hash>.json`; created if missing. */
  cacheDir: string;
  /** A model trained at build time (trainAndSave); used when it was trained on this very catalog. */
  prebuiltFile?: string;
}

/** Where a loaded matcher's model came from: lets callers (and tests) see that a cache hit did not retrain. */
export type ModelSource = 'cache' | 'prebuilt' | 'trained';

/** Text longer than this (raw, or after clean-up) is not one question: it goes to the fallback, which offers a person. */
export const MAX_RAW_CHARS = 4000;
export const MAX_TEXT_CHARS = 1000;
/** Longer messages are classified on their first this-many characters. */
export const CLASSIFIED_CHARS = 500;

const MODEL_FORMAT = 'passkey-coach/intent-model@2';
const FALLBACK: IntentId = 'out-of-scope';

export class IntentMatcher {
  readonly threshold: number;
  readonly tuning: MatcherTuning;
  readonly source: ModelSource;
  private readonly analyzer: Analyzer;
  private readonly index: ExampleIndex;

  private constructor(
    private readonly models: TrainedModels,
    private readonly catalog: Catalog,
    source: ModelSource,
    options: MatcherOptions,
    prepared: PreparedCatalog = prepareCatalog(catalog),
  ) {
    this.threshold = options.threshold ?? DEFAULT_CONFIDENCE_THRESHOLD;
    if (!(this.threshold > 0 && this.threshold < 1)) throw new AppError('config.invalid', `intent matcher: the confidence threshold must be between 0 and 1 (got ${this.threshold})`, { userFault: true });
    this.tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.source = source;
    this.analyzer = prepared.analyzer;
    this.index = new ExampleIndex(prepared.training, this.tuning.neighbours);
  }

  /** The same trained model with other options (the evaluation compares guards without retraining). */
  withOptions(options: MatcherOptions): IntentMatcher {
    return new IntentMatcher(this.models, this.catalog, this.source, options);
  }

  /** Trains from the catalog's examples, in memory. */
  static async train(catalog: Catalog, options: MatcherOptions = {}): Promise<IntentMatcher> {
    const prepared = prepareCatalog(catalog);
    return new IntentMatcher(await trainModels(prepared), catalog, 'trained', options, prepared);
  }

  /** The bot's start-up path: a cached model for this catalog if there is one, else the build's model, else train and cache. */
  static async load(options: LoadMatcherOptions): Promise<IntentMatcher> {
    const { catalog, cacheDir } = options;
    const cacheFile = modelFileFor(cacheDir, catalog);
    const cached = readModel(cacheFile, catalog);
    if (cached) return new IntentMatcher(cached, catalog, 'cache', options);
    if (options.prebuiltFile) {
      const prebuilt = readModel(options.prebuiltFile, catalog);
      if (prebuilt) return new IntentMatcher(prebuilt, catalog, 'prebuilt', options);
    }
    const prepared = prepareCatalog(catalog);
    const models = await trainModels(prepared);
    writeModel(cacheFile, catalog, models);
    return new IntentMatcher(models, catalog, 'trained', options, prepared);
  }

  async classify(raw: string): Promise<IntentMatch> {
    const signals = await this.measure(raw);
    return 'rejected' in signals ? fallback(signals.rejected, 1, []) : decide(signals, this.threshold, this.tuning);
  }

  /** The raw signals behind a decision (for the evaluation and for explaining a surprising answer). */
  async measure(raw: string): Promise<Signals | { rejected: MatchReason }> {
    const prepared = prepareInput(raw);
    if (prepared.rejected) return { rejected: prepared.rejected };
    const analysis = this.analyzer.analyse(prepared.text);
    if (analysis.words.length === 0) return { rejected: 'empty' };
    const vector = this.index.vectorize(analysis);
    const similarity = this.index.similarity(vector);
    return {
      linear: this.models.linear.predict(vector),
      words: analysis.words,
      concepts: analysis.concepts,
      knownShare: analysis.knownShare,
      contentKnownShare: analysis.contentKnownShare,
      neural: await this.neuralScores(neuralText(analysis)),
      similarity: similarity.byIntent,
      bestSimilarity: similarity.best,
    };
  }

  private async neuralScores(text: string): Promise<Map<IntentId, number>> {
    const result = await this.models.nlp.classify('en', text);
    const scores = new Map<IntentId, number>();
    for (const { intent, score } of result.classifications ?? []) {
      if (isIntentId(intent) && Number.isFinite(score)) scores.set(intent, score);
    }
    return scores;
  }
}

/** Trains on the catalog and writes the model to `file` (the build ships one so the first start needs no training). */
export async function trainAndSave(catalog: Catalog, file: string): Promise<void> {
  writeModel(file, catalog, await trainModels(prepareCatalog(catalog)));
}

export function modelFileFor(cacheDir: string, catalog: Catalog): string {
  return path.join(cacheDir, `intent-model-${catalog.hash}.json`);
}

export interface Signals {
  words: string[];
  concepts: string[];
  knownShare: number;
  contentKnownShare: number;
  /** NLP.js's neural classifier: a distribution over intents. */
  neural: Map<IntentId, number>;
  /** A regularised softmax regression on the same features as the similarity: a distribution over intents. */
  linear: Map<IntentId, number>;
  /** Mean cosine of the nearest examples of each intent. */
  similarity: Map<IntentId, number>;
  /** Cosine of the single nearest example, whatever its intent. */
  bestSimilarity: number;
}

/** The guards, in order: unknown words, nothing similar, the fallback intent winning, too unsure, too close a call. */
export function decide(signals: Signals, threshold: number, tuning: MatcherTuning): IntentMatch {
  const combined = combine(signals, tuning);
  const candidates = combined.slice(0, 5);
  const [best, second] = combined;
  if (!best) return fallback('off-topic', 1, candidates);
  if (signals.contentKnownShare < tuning.minKnownShare) return fallback('unknown-words', 1 - signals.contentKnownShare, candidates);
  if (signals.bestSimilarity < tuning.minSimilarity) return fallback('off-topic', 1 - signals.bestSimilarity, candidates);
  if (best.intent === FALLBACK) return { intent: FALLBACK, confidence: best.score, candidates, reason: 'matched' };
  if (best.score < threshold) return fallback('below-threshold', 1 - best.score, candidates);
  if (second && best.score - second.score < tuning.minMargin) return fallback('ambiguous', 1 - (best.score - second.score), candidates);
  return { intent: best.intent, confidence: best.score, candidates, reason: 'matched' };
}

function fallback(reason: MatchReason, confidence: number, candidates: IntentCandidate[]): IntentMatch {
  return { intent: FALLBACK, confidence: clamp01(confidence), candidates, reason };
}

// ---- Training and the model file ----------------------------------------------------------------------------------

function newEngine(): NlpEngine {
  const nlp = new Nlp({
    languages: ['en'],
    autoSave: false,
    autoLoad: false,
    threshold: 0,
    calculateSentiment: false,
    nlu: { log: false, useNoneFeature: true },
  });
  nlp.use(LangEn);
  return nlp;
}

/** What training produces and the model file keeps: NLP.js's network and the regression's weights. */
interface TrainedModels {
  nlp: NlpEngine;
  linear: LinearModel;
}

/**
 * Both models go through their saved form before use, so a freshly trained matcher and one loaded from the cache give
 * exactly the same answers (NLP.js's import also drops the "None" class that its training keeps).
 */
async function trainModels(prepared: PreparedCatalog): Promise<TrainedModels> {
  const nlp = newEngine();
  for (const { intent, analysis } of prepared.training) {
    if (analysis.words.length > 0) nlp.addDocument('en', neuralText(analysis), intent);
  }
  await nlp.train();
  const linear = LinearModel.train(new ExampleIndex(prepared.training, DEFAULT_TUNING.neighbours).examples);
  return { nlp: importEngine(nlp.export(true)), linear: LinearModel.fromJSON(linear.toJSON())! };
}

function importEngine(data: string): NlpEngine {
  const nlp = newEngine();
  nlp.import(data);
  return nlp;
}

/** The classifier reads the words and the concepts they name, as one text. */
function neuralText({ words, concepts }: Analysis): string {
  return [...words, ...concepts].join(' ');
}

interface PreparedCatalog {
  analyzer: Analyzer;
  training: { intent: IntentId; analysis: Analysis }[];
}

function prepareCatalog(catalog: Catalog): PreparedCatalog {
  const analyzer = new Analyzer([...catalog.intents.values()].flatMap((intent) => intent.examples));
  const training = [...catalog.intents].flatMap(([intent, { examples }]) => examples.map((example) => ({ intent, analysis: analyzer.analyse(cleanText(example)) })));
  return { analyzer, training };
}

interface ModelFile {
  format: string;
  /** Fingerprint of what shapes the classifier's input (lexicon, contractions): a model from older code is retrained. */
  pipeline: string;
  catalogHash: string;
  nlp: string;
  linear: LinearModelJson;
}

let pipelineKey: string | undefined;
function pipelineFingerprint(): string {
  pipelineKey ??= createHash('sha256')
    .update(JSON.stringify([MODEL_FORMAT, LEXICON, CONTRACTIONS, SUFFIXES]))
    .digest('hex')
    .slice(0, 16);
  return pipelineKey;
}

/** A model for exactly this catalog, or undefined (missing, stale or unreadable files are retrained, never trusted). */
function readModel(file: string, catalog: Catalog): TrainedModels | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('internal', `intent matcher: cannot read the model file ${file}`, { cause: error });
  }
  let model: Partial<ModelFile>;
  try {
    model = JSON.parse(text) as Partial<ModelFile>;
  } catch {
    return undefined; // A torn or foreign file: retraining overwrites it.
  }
  if (model.format !== MODEL_FORMAT || model.pipeline !== pipelineFingerprint() || model.catalogHash !== catalog.hash || typeof model.nlp !== 'string') return undefined;
  const linear = LinearModel.fromJSON(model.linear);
  return linear ? { nlp: importEngine(model.nlp), linear } : undefined;
}

/** Temp file + rename: a reader never sees half a model, and two processes training at once both end with a whole one. */
function writeModel(file: string, catalog: Catalog, models: TrainedModels): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const model: ModelFile = { format: MODEL_FORMAT, pipeline: pipelineFingerprint(), catalogHash: catalog.hash, nlp: models.nlp.export(true), linear: models.linear.toJSON() };
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(model));
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new AppError('internal', `intent matcher: cannot write the model file ${file}`, { cause: error });
  }
}

// ---- Input clean-up -----------------------------------------------------------------------------------------------

type PreparedInput = { rejected: MatchReason; text?: undefined } | { rejected?: undefined; text: string };

/** Clean-up, then the cheap refusals that need no model: nothing to read, too long, or not in a Latin script. */
export function prepareInput(raw: string): PreparedInput {
  if (raw.length > MAX_RAW_CHARS) return { rejected: 'too-long' };
  const text = cleanText(raw);
  if (text.length > MAX_TEXT_CHARS) return { rejected: 'too-long' };
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return { rejected: 'empty' };
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  if (latin / letters < 0.5) return { rejected: 'not-english' };
  return { text: cutAtWord(text, CLASSIFIED_CHARS) };
}

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** NFKC, markup and emoji removed, one space between words (case is kept: tokenize() needs it for "IT"). */
export function cleanText(raw: string): string {
  return (
    raw
      .normalize('NFKC')
      // Script and style bodies are code, not words; then any tag (bounded, so a flood of '<' stays linear).
      .replace(/<(script|style)\b[^>]{0,200}>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<\/?[a-z!][^<>]{0,500}>/gi, ' ')
      .replace(/&(#39|[a-z]{2,6});/gi, (entity, name: string) => HTML_ENTITIES[name.toLowerCase()] ?? entity)
      // Markdown: links and images keep their text, URLs and formatting marks go.
      .replace(/!?\[([^\]]{0,300})\]\([^)]{0,500}\)/g, ' $1 ')
      .replace(/\b(?:https?|ftp|javascript|data):\S*/gi, ' ')
      .replace(/[*_~`#>|\\]+/g, ' ')
      .replace(/\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u{FE0F}|\u{FE0E}|\u{200D}|\u{20E3}/gu, ' ')
      .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu, ' ')
      .replace(/[\u2018\u2019\u02BC`´]/g, "'")
      .replace(/\s+/g, ' ')
      .trim()
  );
}

function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return space > max * 0.8 ? cut.slice(0, space) : cut;
}

// ---- Words --------------------------------------------------------------------------------------------------------

/** Contractions typed with or without the apostrophe, as people do in chat. */
const CONTRACTIONS: Record<string, string[]> = {
  dont: ['do', 'not'],
  doesnt: ['does', 'not'],
  didnt: ['did', 'not'],
  cant: ['can', 'not'],
  cannot: ['can', 'not'],
  wont: ['will', 'not'],
  isnt: ['is', 'not'],
  arent: ['are', 'not'],
  wasnt: ['was', 'not'],
  werent: ['were', 'not'],
  havent: ['have', 'not'],
  hasnt: ['has', 'not'],
  hadnt: ['had', 'not'],
  shouldnt: ['should', 'not'],
  wouldnt: ['would', 'not'],
  couldnt: ['could', 'not'],
  mustnt: ['must', 'not'],
  aint: ['is', 'not'],
  im: ['i', 'am'],
  ive: ['i', 'have'],
  youre: ['you', 'are'],
  theyre: ['they', 'are'],
  gonna: ['going', 'to'],
  wanna: ['want', 'to'],
  gotta: ['got', 'to'],
  u: ['you'],
  r: ['are'],
  pls: ['please'],
  plz: ['please'],
};
const SUFFIXES: Record<string, string[]> = { "n't": ['not'], "'ll": ['will'], "'re": ['are'], "'ve": ['have'], "'m": ['am'], "'d": ['would'], "'s": [] };

/**
 * Words of cleaned text, lower case, contractions spelled out, possessive 's dropped. "IT" in capitals is the IT
 * department (token `itdept`), not the pronoun, unless the whole message is shouted.
 */
export function tokenize(text: string): string[] {
  const shouted = text === text.toUpperCase();
  const words: string[] = [];
  for (const match of text.matchAll(/[\p{L}\p{N}]+(?:'[\p{L}]+)?/gu)) {
    if (match[0] === 'IT' && !shouted) {
      words.push('itdept');
      continue;
    }
    let word = match[0].toLowerCase();
    const tail: string[] = [];
    const apostrophe = word.indexOf("'");
    if (apostrophe > 0) {
      let suffix = word.slice(apostrophe);
      let base = word.slice(0, apostrophe);
      if (suffix === "'t" && base.endsWith('n')) {
        suffix = "n't";
        base = base.slice(0, -1);
        if (base === 'ca') base = 'can';
        if (base === 'wo') base = 'will';
      }
      tail.push(...(SUFFIXES[suffix] ?? []));
      word = base;
    }
    const expanded = CONTRACTIONS[word];
    if (expanded) words.push(...expanded);
    else if (word.length > 0) words.push(word);
    words.push(...tail);
  }
  return words;
}

const stemmer = new StemmerEn();
const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  ...Object.keys(new StopwordsEn().dictionary),
  ...['i', 'me', 'my', 'mine', 'you', 'your', 'we', 'our', 'they', 'them', 'their', 'it', 'its', 'this', 'that', 'not', 'no', 'yes'],
  ...['ok', 'okay', 'please', 'thanks', 'thank', 'hi', 'hello', 'hey', 'so', 'just', 'really', 'even', 'still', 'also', 'would', 'could', 'should', 'will', 'can', 'may', 'might', 'must', 'shall'],
]);

const stems = new Map<string, string>();
/** Porter stems, memoised: the same few thousand words come back in every example and message. */
function stem(word: string): string {
  if (word.length <= 3) return word;
  let stemmed = stems.get(word);
  if (stemmed === undefined) {
    stemmed = stemmer.stemWord(word);
    if (stems.size < 50_000) stems.set(word, stemmed);
  }
  return stemmed;
}

/**
 * How a word is matched against the lexicon: the word itself, a plural's singular. Not the Porter stem, which folds
 * words of different meaning together ("personal" and "person", "organ" and "organisation").
 */
function lexiconForm(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us') && !word.endsWith('is')) return word.slice(0, -1);
  return word;
}

/** What the matcher reads from a message: its words (typos fixed against the catalog's words) and the concepts named. */
interface Analysis {
  words: string[];
  concepts: string[];
  /** Share of the words the coach recognises: catalog vocabulary, lexicon terms, English function words, numbers. */
  knownShare: number;
  /** The same, over the words that carry meaning (function words left out); 1 when there are none. */
  contentKnownShare: number;
}

class Analyzer {
  /** Stems of every word in the catalog's examples and in the lexicon. */
  private readonly vocabulary = new Set<string>();
  /** Lexicon phrases by their first word, longest first. */
  private readonly terms = new Map<string, { concept: string; forms: string[] }[]>();

  constructor(examples: Iterable<string>) {
    const terms = Object.entries(LEXICON)
      .flatMap(([concept, phrases]) => phrases.split('|').map((phrase) => ({ concept: `zz${concept.replace(/-/g, '')}`, forms: tokenize(phrase).map(lexiconForm) })))
      .sort((a, b) => b.forms.length - a.forms.length);
    for (const term of terms) {
      const first = term.forms[0];
      if (first === undefined) continue;
      const list = this.terms.get(first) ?? [];
      list.push(term);
      this.terms.set(first, list);
    }
    for (const phrases of Object.values(LEXICON)) for (const word of tokenize(phrases)) this.vocabulary.add(stem(word));
    for (const example of examples) for (const word of tokenize(cleanText(example))) this.vocabulary.add(stem(word));
  }

  analyse(text: string): Analysis {
    const words = tokenize(text);
    const stems = words.map(stem);
    const forms = words.map(lexiconForm);
    const concepts: string[] = [];
    for (let i = 0; i < forms.length; ) {
      const term = this.terms.get(forms[i]!)?.find((candidate) => candidate.forms.every((form, k) => forms[i + k] === form));
      if (term) concepts.push(term.concept);
      i += term ? term.forms.length : 1;
    }
    const neutral = (word: string) => FUNCTION_WORDS.has(word) || /^\p{N}+$/u.test(word);
    const isKnown = (word: string, i: number) => neutral(word) || this.vocabulary.has(stems[i]!);
    const content = words.map((word, i) => [word, i] as const).filter(([word]) => !neutral(word));
    return {
      words,
      concepts,
      knownShare: words.length === 0 ? 0 : words.filter(isKnown).length / words.length,
      contentKnownShare: content.length === 0 ? 1 : content.filter(([word, i]) => isKnown(word, i)).length / content.length,
    };
  }
}

// ---- The similarity signal ----------------------------------------------------------------------------------------

type SparseVector = Map<string, number>;

interface Scored {
  byIntent: Map<IntentId, number>;
  /** The best similarity to any single example, in [0, 1]. */
  best: number;
}

/** Character n-grams carry half as much as whole stems: they rescue typos without outvoting real words. */
const NGRAM_WEIGHT = 0.5;

function similarityFeatures({ words, concepts }: Analysis): Map<string, number> {
  const features = new Map<string, number>();
  const add = (key: string, weight: number) => features.set(key, (features.get(key) ?? 0) + weight);
  for (const word of words) {
    add(`w:${stem(word)}`, 1);
    if (word.length < 4 || FUNCTION_WORDS.has(word)) continue;
    const padded = `<${word}>`;
    for (let i = 0; i + 4 <= padded.length; i += 1) add(`c:${padded.slice(i, i + 4)}`, NGRAM_WEIGHT);
  }
  for (const concept of concepts) add(`k:${concept}`, 1);
  return features;
}

class ExampleIndex {
  private readonly idf = new Map<string, number>();
  readonly examples: { intent: IntentId; vector: SparseVector }[] = [];
  private readonly postings = new Map<string, { example: number; weight: number }[]>();

  constructor(
    training: readonly { intent: IntentId; analysis: Analysis }[],
    private readonly neighbours: number,
  ) {
    const raw = training.map(({ intent, analysis }) => ({ intent, features: similarityFeatures(analysis) }));
    const documentFrequency = new Map<string, number>();
    for (const { features } of raw) for (const key of features.keys()) documentFrequency.set(key, (documentFrequency.get(key) ?? 0) + 1);
    for (const [key, count] of documentFrequency) this.idf.set(key, Math.log((1 + raw.length) / (1 + count)) + 1);
    for (const { intent, features } of raw) {
      const vector = this.weigh(features);
      const example = this.examples.push({ intent, vector }) - 1;
      for (const [key, weight] of vector) {
        const list = this.postings.get(key) ?? [];
        list.push({ example, weight });
        this.postings.set(key, list);
      }
    }
  }

  vectorize(analysis: Analysis): SparseVector {
    return this.weigh(similarityFeatures(analysis));
  }

  similarity(query: SparseVector): Scored {
    const dots = new Float64Array(this.examples.length);
    for (const [key, weight] of query) {
      for (const posting of this.postings.get(key) ?? []) dots[posting.example] = (dots[posting.example] ?? 0) + weight * posting.weight;
    }
    const perIntent = new Map<IntentId, number[]>();
    let best = 0;
    dots.forEach((dot, i) => {
      const intent = this.examples[i]!.intent;
      const list = perIntent.get(intent) ?? [];
      list.push(dot);
      perIntent.set(intent, list);
      if (dot > best) best = dot;
    });
    const byIntent = new Map<IntentId, number>();
    for (const [intent, list] of perIntent) {
      const top = list.sort((a, b) => b - a).slice(0, this.neighbours);
      byIntent.set(intent, top.reduce((sum, value) => sum + value, 0) / top.length);
    }
    return { byIntent, best };
  }

  /** TF-IDF, features never seen in training dropped, L2-normalised so that a dot product is a cosine. */
  private weigh(features: Map<string, number>): SparseVector {
    const vector: SparseVector = new Map();
    let norm = 0;
    for (const [key, count] of features) {
      const idf = this.idf.get(key);
      if (idf === undefined) continue;
      const weight = (1 + Math.log(count)) * idf;
      vector.set(key, weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    if (norm > 0) for (const [key, weight] of vector) vector.set(key, weight / norm);
    return vector;
  }
}

// ---- Combining ----------------------------------------------------------------------------------------------------

/** The blend of the three distributions, plus the unknown-word evidence for the fallback, renormalised to sum to 1. */
function combine(signals: Signals, tuning: MatcherTuning): IntentCandidate[] {
  const similarity = softmax(signals.similarity, tuning.similarityTemperature);
  const neural = normalise(signals.neural);
  const linear = normalise(signals.linear);
  const similarityWeight = Math.max(0, 1 - tuning.neuralWeight - tuning.linearWeight);
  const unknown = tuning.unknownWordsWeight * (1 - signals.contentKnownShare);
  const total = tuning.neuralWeight + tuning.linearWeight + similarityWeight + unknown;
  const out: IntentCandidate[] = [];
  for (const intent of INTENT_IDS) {
    let score = tuning.neuralWeight * (neural.get(intent) ?? 0) + tuning.linearWeight * (linear.get(intent) ?? 0) + similarityWeight * (similarity.get(intent) ?? 0);
    if (intent === FALLBACK) score += unknown;
    if (score > 0) out.push({ intent, score: round(score / total, 4) });
  }
  return out.sort((a, b) => b.score - a.score);
}

function softmax(values: Map<IntentId, number>, temperature: number): Map<IntentId, number> {
  const top = Math.max(0, ...values.values());
  const exps = new Map<IntentId, number>();
  let total = 0;
  for (const [intent, value] of values) {
    const e = Math.exp((value - top) / temperature);
    exps.set(intent, e);
    total += e;
  }
  for (const [intent, e] of exps) exps.set(intent, e / total);
  return exps;
}

/** Rescales to a distribution over intents. */
function normalise(values: Map<IntentId, number>): Map<IntentId, number> {
  const total = [...values.values()].reduce((sum, value) => sum + Math.max(0, value), 0);
  return new Map([...values].map(([intent, value]) => [intent, total > 0 ? Math.max(0, value) / total : 0]));
}

// ---- The linear model ---------------------------------------------------------------------------------------------

/**
 * Multinomial logistic regression trained by SGD on the TF-IDF vectors, with L2 decay so that no single feature can
 * carry a class (the "one strong word" failure of an unregularised perceptron). Deterministic: fixed shuffle seed.
 * Features are numbered once and weights kept in one flat array: training takes tens of milliseconds, at every start.
 */
interface LinearModelJson {
  classes: string[];
  features: string[];
  /** Float32 weights, feature-major, base64: a tenth of the JSON size and parsed in a millisecond. */
  weights: string;
  bias: number[];
}

class LinearModel {
  private constructor(
    private readonly classes: IntentId[],
    private readonly featureIndex: Map<string, number>,
    private readonly weights: Float32Array | Float64Array,
    private readonly bias: Float64Array,
  ) {}

  static train(examples: readonly { intent: IntentId; vector: SparseVector }[], epochs = 30, rate = 0.5, decay = 0.001): LinearModel {
    const classes = INTENT_IDS.filter((id) => examples.some((example) => example.intent === id));
    const featureIndex = new Map<string, number>();
    for (const { vector } of examples) for (const key of vector.keys()) if (!featureIndex.has(key)) featureIndex.set(key, featureIndex.size);
    const classCount = classes.length;
    const model = new LinearModel(classes, featureIndex, new Float64Array(featureIndex.size * classCount), new Float64Array(classCount));
    const data = examples.map((example) => ({ target: classes.indexOf(example.intent), ...model.encode(example.vector) }));
    const { weights, bias } = model;
    const probabilities = new Float64Array(classCount);
    const order = data.map((_, i) => i);
    let seed = 12345;
    for (let epoch = 0; epoch < epochs; epoch += 1) {
      for (let i = order.length - 1; i > 0; i -= 1) {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        const j = seed % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      const step = rate / (1 + epoch * 0.1);
      const keep = 1 - step * decay;
      for (const index of order) {
        const { target, features, values } = data[index]!;
        model.probabilities(features, values, probabilities);
        for (let c = 0; c < classCount; c += 1) {
          const gradient = probabilities[c]! - (c === target ? 1 : 0);
          bias[c] = bias[c]! - step * gradient;
          for (let k = 0; k < features.length; k += 1) {
            const w = features[k]! * classCount + c;
            weights[w] = weights[w]! * keep - step * gradient * values[k]!;
          }
        }
      }
    }
    return model;
  }

  /** The saved model, or undefined when the data does not have the right shape (the caller retrains). */
  static fromJSON(json: LinearModelJson | undefined): LinearModel | undefined {
    if (!json || !Array.isArray(json.classes) || !Array.isArray(json.features) || typeof json.weights !== 'string' || !Array.isArray(json.bias)) return undefined;
    if (!json.classes.every(isIntentId) || json.bias.length !== json.classes.length) return undefined;
    const bytes = Buffer.from(json.weights, 'base64');
    if (bytes.length !== json.features.length * json.classes.length * 4) return undefined;
    const weights = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
    return new LinearModel(json.classes, new Map(json.features.map((key, i) => [key, i])), weights, Float64Array.from(json.bias));
  }

  toJSON(): LinearModelJson {
    return {
      classes: [...this.classes],
      features: [...this.featureIndex.keys()],
      weights: Buffer.from(Float32Array.from(this.weights).buffer).toString('base64'),
      bias: [...this.bias],
    };
  }

  predict(vector: SparseVector): Map<IntentId, number> {
    const { features, values } = this.encode(vector);
    const probabilities = this.probabilities(features, values, new Float64Array(this.classes.length));
    return new Map(this.classes.map((id, c) => [id, probabilities[c]!]));
  }

  /** Feature numbers and values; features never seen in training are dropped (they have no weights). */
  private encode(vector: SparseVector): { features: Int32Array; values: Float64Array } {
    const features: number[] = [];
    const values: number[] = [];
    for (const [key, value] of vector) {
      const index = this.featureIndex.get(key);
      if (index === undefined) continue;
      features.push(index);
      values.push(value);
    }
    return { features: Int32Array.from(features), values: Float64Array.from(values) };
  }

  private probabilities(features: Int32Array, values: Float64Array, out: Float64Array): Float64Array {
    const classCount = this.classes.length;
    out.set(this.bias);
    for (let k = 0; k < features.length; k += 1) {
      const base = features[k]! * classCount;
      const value = values[k]!;
      for (let c = 0; c < classCount; c += 1) out[c] = out[c]! + this.weights[base + c]! * value;
    }
    let top = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classCount; c += 1) top = Math.max(top, out[c]!);
    let total = 0;
    for (let c = 0; c < classCount; c += 1) {
      out[c] = Math.exp(out[c]! - top);
      total += out[c]!;
    }
    for (let c = 0; c < classCount; c += 1) out[c] = out[c]! / total;
    return out;
  }
}

function isIntentId(value: string): value is IntentId {
  return (INTENT_IDS as readonly string[]).includes(value);
}

function clamp01(value: number): number {
  return Math.min(1, Math.max(0, value));
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

// ---- The domain lexicon -------------------------------------------------------------------------------------------

/**
 * Words people use for the same idea, grouped into concepts the classifier can learn once: "supervisor" teaches
 * nothing if only "boss" was in the examples, but both name `employer`. General English for this domain, stemmed
 * before matching (so "tracking" matches "track"); longest phrase wins ("app store" is not "store"). Concepts are a
 * hint beside the words, never a rule: the catalog's examples decide which intent a concept points to.
 */
const LEXICON: Record<string, string> = {
  employer:
    'employer|employers|company|companies|firm|corporation|corporate|organisation|organization|org|business|enterprise|workplace|' +
    'boss|bosses|manager|managers|management|supervisor|line manager|team lead|higher ups|leadership|executives|hr|human resources|' +
    'personnel|admin|admins|administrator|administrators|itdept|it department|it dept|it team|it guys|it folks|it people|it staff|' +
    'it admins|tech team|security team|security department|my job|the office|head office|headquarters|my work|work|colleagues',
  surveillance:
    'spy|spying|spies|spied|spyware|snoop|snooping|snooped|monitor|monitoring|monitored|surveillance|surveil|watch|watching|' +
    'watched|keep tabs|keep an eye|big brother|backdoor|back door|control|controlling|controlled|take over|take control|' +
    'in charge|power over|powers|remote access|remotely|remote control|wipe|wiped|wiping|erase|erased|delete everything|' +
    'factory reset|mdm|device management|management profile|work profile|trojan|malware|stalk|stalking|peek|pry|prying|intrusive|' +
    'invasion|invade|lock me out|lock my phone|brick|admin rights|root access|keylogger|eavesdrop|eavesdropping|see everything|' +
    'access to my phone|access my phone|into my phone|on my phone',
  location:
    'location|locations|gps|whereabouts|geolocate|geolocation|geo|position|coordinates|track|tracking|tracker|trace|locate|' +
    'pinpoint|map|maps|country|city|town|abroad|movements|move around|where i am|where i go|where i live|where i have been|' +
    'where i travel|follow me|follow my|location services|address|home address|satellite|nearby|distance|route|trips',
  places:
    'travel|travelling|traveling|trip|vacation|holiday|holidays|weekend|weekends|gym|doctor|hospital|pub|bar|restaurant|' +
    'home|house|commute|commuting|visit|visiting|sick leave|remote work|working from home|wfh|outside work|after hours|night',
  'lost-device':
    'lose|lost|losing|loose|misplace|misplaced|stolen|steal|stole|theft|thief|robbed|robbery|nicked|pinched|snatched|mugged|' +
    'break|breaks|broke|broken|smashed|cracked|shattered|dropped|died|dies|dead|damaged|damage|water damage|drowned|fell|' +
    'repair|repaired|repairs|fix my phone|can not find|can not locate|where is my phone|missing phone|new phone|new iphone|' +
    'new android|new device|new mobile|replacement|replace|replaced|switch phones|switching phones|change phones|' +
    'changing phones|upgrade my phone|upgrading|upgraded|trade in|traded in|gone|disappeared|vanished|locked out|recovery|' +
    'recover|restore|reset|wiped|forgot my phone|left my phone|without my phone|no longer have',
  'private-content':
    'photo|photos|picture|pictures|pic|pics|pix|image|images|gallery|camera roll|selfie|selfies|video|videos|foto|fotos|' +
    'contacts|contact list|address book|phone book|browsing|browser|history|search history|files|documents|notes|calendar|' +
    'my apps|other apps|installed apps|what apps|which apps|banking|bank app|social media|instagram|tiktok|facebook|snapchat|twitter|reddit|youtube|spotify|netflix|games|' +
    'dating|tinder|personal stuff|private stuff|personal life|private life|personal data|private data|email|emails|gmail|' +
    'mail|inbox|call log|call history|who i call|who i text|message|messages|texts|text messages|chat|chats|whatsapp|' +
    'signal|telegram|imessage|messenger|conversations|dms|memes|music|health data|medical|passwords saved|downloads|' +
    'screen|screenshots|everything on my phone|what is on my phone',
  biometric:
    'fingerprint|fingerprints|finger print|finger|fingers|thumb|thumbprint|face|faces|facial|face id|faceid|touch id|touchid|' +
    'face unlock|face scan|face recognition|biometric|biometrics|retina|iris|eye scan|my eyes|body|windows hello face|' +
    'fingerprint reader|fingerprint sensor',
  'unlock-method': 'pin|pin code|passcode|lock screen|screen lock|unlock|unlock code|pattern|phone code',
  money:
    'pay|paid|paying|payment|money|cash|reimburse|reimbursed|reimbursement|compensate|compensated|compensation|stipend|' +
    'allowance|refund|refunded|expense|expenses|bill|bills|cost|costs|costly|fee|fees|salary|wage|wages|bonus|financial|' +
    'financially|for free|free of charge|chip in|contribute|contribution|data plan|phone plan|contract|subsidy|subsidise|' +
    'subsidize|funding|budget|euros|dollars|pounds|price|charge me|compensate me|in it for me|rent my phone|my data',
  'own-device':
    'personal phone|private phone|own phone|my own|own device|personal device|private device|personal mobile|private mobile|' +
    'personal cell|personal handset|personal smartphone|private smartphone|byod|bring your own|belongs to me|my property|' +
    'private property|i paid for|i bought|bought it myself|paid for it|mine|my phone not|not a work phone|not company',
  'work-phone':
    'company phone|work phone|work mobile|business phone|corporate phone|company device|work device|company mobile|' +
    'work cell|company smartphone|work smartphone|provide a phone|give me a phone|issue me a phone|provide the hardware|' +
    'company issued|work issued|second phone for work|separate phone',
  'basic-phone':
    'flip phone|flip|dumbphone|dumb phone|feature phone|basic phone|simple phone|basic model|nokia|landline|brick phone|' +
    'candybar|button phone|phone with buttons|keypad|calls and texts|text and call|calls only|only calls|light phone|old school phone|' +
    'no smartphone|no smart phone|without a smartphone|no mobile|no phone|no cell|not own a phone|not have a phone|' +
    'not have a smartphone|not own a smartphone|no apps|can not install apps|no internet|no data|not smart',
  'lack-of': 'do not have|do not own|have no|without|never had|never owned|got rid|lack|not carry|none|no such',
  'old-device':
    'old|older|ancient|outdated|out of date|obsolete|too old|aging|support|supported|unsupported|compatible|incompatible|' +
    'compatibility|requirements|requirement|minimum|update|updates|updated|software update|operating system|os|ios|' +
    'android version|version|versions|google play|play store|app store|huawei|second hand|secondhand|years old|slow|' +
    'end of life|no longer receives|latest|enough|new enough',
  'stored-data':
    'data|stored|store|storage|kept|saved|save|collect|collects|collected|collection|log|logs|logged|logging|record|recorded|' +
    'records|transmit|transmitted|sent|send|sends|upload|uploaded|uploads|server|servers|cloud|telemetry|information|info|' +
    'ip|ip address|metadata|gdpr|privacy policy|retention|processed|processing|leaves my phone|sign in logs|details|' +
    'what they see|receive|receives|received|get from|shared with|share with|copy of|database|device name|model|' +
    'os version|software version|phone name|encrypted|encryption|compliance|sign in times|audit',
  'password-manager':
    'icloud|keychain|icloud keychain|1password|1pass|bitwarden|dashlane|keepass|keepassxc|lastpass|proton pass|nordpass|' +
    'enpass|roboform|samsung pass|google password manager|password manager|password managers|passwords app|' +
    'apple passwords|chrome|google account|apple id|vault',
  sync:
    'sync|synced|syncing|synchronise|synchronize|synchronised|synchronized|backup|back up|backed up|export|exported|copy|' +
    'across devices|multiple devices|other devices|all my devices|second phone|second device|device bound|bound|' +
    'attestation|share|transfer|move|laptop|computer|pc|desktop|tablet|ipad|mac|macbook|both devices|everywhere',
  'how-to':
    'set up|setup|set it up|install|installed|installing|configure|enable|turn on|activate|steps|step|instructions|guide|' +
    'walk me through|how do i|how to|show me how|tutorial|procedure|process|what now|next|get started|start|begin|' +
    'add my account|add account|where do i|where is the|option|setting|settings|button|menu',
  problem:
    'error|errors|fail|failed|fails|failing|failure|not working|does not work|will not work|stuck|blocked|bug|went wrong|' +
    'timing out|timed out|will not accept|denied|missing|greyed out|problem|issue|issues|crash|crashes|loop|' +
    'frozen|freezes|nothing happens|does nothing|can not see|not showing|does not show|not appear|invalid|verification',
  done:
    'done|did it|finished|finish|complete|completed|all set|all good|sorted|enrolled|registered|created|worked|ready|' +
    'success|successful|successfully|accomplished|already have|already did|already set|taken care|took care|got it working|' +
    'set up now|up and running|works now|it is set up|finally|just did',
  'fed-up': 'done with|done talking|had enough|fed up|sick of|tired of|enough of|over it',
  refuse:
    'refuse|refusing|refusal|decline|declined|declining|will not|not doing|not going to|not gonna|opt out|opting out|' +
    'leave me|forget it|no way|no thanks|hard pass|not interested|stop asking|stop messaging|stop bugging|count me out|' +
    'no means no|absolutely not|not participating|not participate|not signing up|not installing|never|not happening|' +
    'pass on|reject|rejecting|say no|saying no|not for me|do not want to|not do it|not going along|boycott|object|' +
    'not comply|go away|message me again|bother me|harass',
  human:
    'person|human|someone|somebody|anybody|anyone|agent|colleague|technician|real person|service desk|helpdesk|help desk|' +
    'support|it support|call me|ring me|phone me|give me a ring|talk to|speak to|speak with|talk with|chat with|contact|' +
    'ticket|escalate|in person|face to face|operator|representative|staff member|people|meeting|appointment|visit me',
  why:
    'why|reason|reasons|reasoning|point|pointless|purpose|necessary|unnecessary|need this|mandatory|required|compulsory|' +
    'obligatory|forced|forcing|force|have to|obliged|deadline|benefit|benefits|what for|justify|justification|rationale|' +
    'convince|makes sense|overkill|worth it|fuss|sudden|change|changing|new rule|policy',
  'legacy-auth':
    'password|passwords|sms|text code|text message code|texted code|codes|mfa|2fa|two factor|multi factor|otp|one time code|' +
    'phone call|voice call|authenticator code|old way|current method|what we have|verification code|security questions',
  security:
    'hackers|hacker|phishing|hack|hacked|hacking|breach|breaches|secure|security|safer|safe|safety|attack|attacks|scam|' +
    'scammers|protect|protection|threat|threats|risk|criminals|fraud|ransomware|cyber',
  'security-key': 'security key|yubikey|hardware key|fido|fido2|usb key|token|key fob|windows hello',
  phone:
    'phone|phones|mobile|mobiles|cell|cellphone|cell phone|handy|handset|smartphone|smart phone|iphone|android|samsung|' +
    'pixel|fone|device|devices|galaxy|xiaomi|oneplus|motorola',
};

// One language's trained model: what it learned from that language's catalog and command examples, and the signals it
// reads from a message. Which parts exist is a measured choice (ModelParts; the ablation is in the README).

import type { Catalog } from '../catalog-loader.js';
import { Analyser, type Analysis } from '../text/analyser.js';
import type { LanguageData } from '../text/language-data.js';
import { wordVectors, type WordVectors } from '../word-vectors.js';
import { type IndexedExample, ExampleIndex } from './example-index.js';
import { type Encoded, FeatureSpace, regressionInput, sparseFeatures, vectorForm } from './features.js';
import { LinearModel } from './linear-model.js';
import { RelatedWords } from './meaning.js';
import { NeuralModel } from './neural.js';

/** The parts a model is built with; each can be turned off to measure what it earns. */
export interface ModelParts {
  /** The lexicon's concepts as features and as known words. */
  lexicon: boolean;
  /** The word-vector table: sentence vector, synonyms, related-word credit (only where the language has a table). */
  vectors: boolean;
  /** Softmax regression (L2-regularised) on the features. */
  regression: boolean;
  /** NLP.js's neural network on the features. */
  neural: boolean;
  /** Mean cosine of the nearest examples of each class. */
  similarity: boolean;
  /** The lexicon's concepts of a question, also as asked concepts (asked or told: status or enrolled). */
  questions: boolean;
  /** Pairs of neighbouring stems as features. */
  bigrams: boolean;
}

export const DEFAULT_PARTS: ModelParts = { lexicon: true, vectors: true, regression: true, neural: true, similarity: true, questions: true, bigrams: true };

/** Class names: the catalog's intent ids, then `command:status|setup|help`. */
export const commandClass = (command: string) => `command:${command}`;

/** How many nearest examples of a class are averaged into its similarity. */
const NEIGHBOURS = 3;
/**
 * At most this many unknown words of a message are looked up in the word-vector table (the rest count as unrelated):
 * a message with more is not in the coach's language or topic however close each word is, and each look-up costs.
 */
const MAX_LOOKUPS = 6;
/** An unknown word this close (cosine) to a known word is read as that word (cross-validation is flat from 0.6 to 0.8). */
export const SYNONYM_FROM = 0.8;

export interface Signals {
  analysis: Analysis;
  /** Per unknown content word, its highest cosine to a known word (0 without a table). */
  unknownCloseness: number[];
  /** How many unknown content words are no word of the language's table (typing noise, another language); all without a table. */
  unknownNonWords: number;
  /** Distributions over the classes, one per scorer that is on. */
  regression?: Float64Array;
  neural?: Float64Array;
  similarity?: Float64Array;
  /** Cosine of the single nearest example. */
  bestSimilarity: number;
}

/** Everything derived from training, as the model file stores it. */
export interface Learned {
  classes: string[];
  /** Stems of the training words. */
  vocabulary: string[];
  /** The training examples' content words as written, for how close an unknown word comes to them. */
  words: string[];
  space: FeatureSpace;
  examples: IndexedExample[];
  linear: LinearModel | undefined;
  neural: NeuralModel | undefined;
}

export class LocaleModel {
  readonly analyser: Analyser;
  readonly table: WordVectors | undefined;
  private readonly related: RelatedWords | undefined;
  private readonly index: ExampleIndex | undefined;

  constructor(
    readonly language: LanguageData,
    readonly parts: ModelParts,
    readonly learned: Learned,
  ) {
    this.analyser = new Analyser(parts.lexicon ? language : { ...language, concepts: {} }, new Set(learned.vocabulary));
    this.table = tableOf(language, parts);
    this.related = this.table ? new RelatedWords(this.table, learned.words) : undefined;
    this.index = parts.similarity ? new ExampleIndex(learned.examples, learned.space.size, learned.classes.length, NEIGHBOURS) : undefined;
  }

  get locale(): string {
    return this.language.locale;
  }

  get classes(): readonly string[] {
    return this.learned.classes;
  }

  /** Trains on the catalog's examples and the language's command examples. */
  static train(catalog: Catalog, language: LanguageData, parts: ModelParts = DEFAULT_PARTS): LocaleModel {
    const table = tableOf(language, parts);
    const documents = [
      ...[...catalog.intents].flatMap(([intent, { examples }]) => examples.map((text) => ({ label: intent as string, text }))),
      ...Object.entries(language.commands).flatMap(([command, examples]) => examples.map((text) => ({ label: commandClass(command), text }))),
    ];
    const classes = [...new Set(documents.map(({ label }) => label))];
    const bare = new Analyser(parts.lexicon ? language : { ...language, concepts: {} }, new Set());
    const tokens = documents.map(({ text }) => bare.tokenise(text));
    const vocabulary = new Set(tokens.flat().map((word) => bare.stem(word)));
    const words = [...new Set(tokens.flat().filter((word) => !bare.isFunctionWord(word)))];
    const analyser = new Analyser(bare.language, vocabulary);
    const analyses = documents.map(({ text }) => analyser.analyse(text));
    const raw = analyses.map((analysis) => sparseFeatures(analysis, parts));
    const space = FeatureSpace.fromDocuments(raw);
    const examples = documents.map(({ label }, i) => ({ label: classes.indexOf(label), vector: space.encode(raw[i]!) }));
    const inputs = examples.map(({ label, vector }, i) => ({ label, vector: regressionInput(vector, analyses[i]!.words, space.size, table) }));
    const inputSize = space.size + (table?.dims ?? 0);
    const learned: Learned = {
      classes,
      vocabulary: [...vocabulary],
      words,
      space,
      examples,
      linear: parts.regression ? LinearModel.train(inputs, inputSize, classes.length) : undefined,
      neural: parts.neural ? NeuralModel.train(examples, classes.length) : undefined,
    };
    return new LocaleModel(language, parts, learned);
  }

  /** The signals for one cleaned text. */
  measure(text: string): Signals {
    let analysis = this.analyser.analyse(text);
    const nearest = this.related ? analysis.unknownContent.map((word, i) => (i < MAX_LOOKUPS ? this.related!.nearest(word) : { word: undefined, closeness: 0 })) : [];
    const synonyms = new Map<string, string>();
    analysis.unknownContent.forEach((word, i) => {
      const near = nearest[i];
      if (near?.word !== undefined && near.closeness >= SYNONYM_FROM) synonyms.set(word, near.word);
    });
    // The classifiers read a near synonym as the known word; the unknown-word evidence still sees the words as written.
    if (synonyms.size > 0) analysis = { ...this.analyser.analyse(text, synonyms), contentWords: analysis.contentWords, unknownContent: analysis.unknownContent };
    const vector = this.learned.space.encode(sparseFeatures(analysis, this.parts));
    const input: Encoded = regressionInput(vector, analysis.words, this.learned.space.size, this.table);
    const similarity = this.index?.similarity(vector);
    return {
      analysis,
      unknownCloseness: nearest.map((near) => near.closeness),
      unknownNonWords: analysis.unknownContent.filter((word) => !this.table?.has(vectorForm(this.table, word))).length,
      regression: this.learned.linear?.predict(input),
      neural: this.learned.neural?.predict(vector),
      similarity: similarity?.byClass,
      bestSimilarity: similarity?.best ?? 1,
    };
  }
}

function tableOf(language: LanguageData, parts: ModelParts): WordVectors | undefined {
  return parts.vectors && language.wordVectorsFile ? wordVectors(language.wordVectorsFile) : undefined;
}

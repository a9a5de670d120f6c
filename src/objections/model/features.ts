// What the model reads of an analysed message: sparse features (stems, pairs of neighbouring stems, lexicon concepts,
// and the concepts of a question as asked ones) weighted by TF-IDF, and, where the language has a word-vector table,
// the sentence's mean word vector. Character 4-grams of content words and a single "this is a question" feature were
// measured too and left out (no gain beyond noise on CV and dev; README).

import type { Analysis } from '../text/analyser.js';
import type { WordVectors } from '../word-vectors.js';
import { lexiconForm } from '../text/analyser.js';

/** A sparse vector: feature numbers and their values. */
export interface Encoded {
  ids: Int32Array;
  values: Float64Array;
}

/** Which optional parts of the features are on (the evaluation's ablation turns them off one at a time). */
export interface FeatureParts {
  /** Lexicon concepts as features. */
  lexicon: boolean;
  /** Each concept of a question also as an asked concept. */
  questions: boolean;
  /** Pairs of neighbouring stems. */
  bigrams: boolean;
}

/** A lexicon concept counts a bit more than one word: it stands for every word that names it (chosen by cross-validation). */
const CONCEPT_WEIGHT = 1.5;
/**
 * Weight of a pair of neighbouring stems beside a single stem: 3x5-fold CV (commands held out too) 0.803 without pairs,
 * 0.807 at 0.5 and at 1; dev 0.923, 0.929, 0.921.
 */
const BIGRAM_WEIGHT = 0.5;
/** Weight of a concept asked in a question, beside the concept itself. */
const QUESTION_WEIGHT = 1;
/**
 * Weight of the sentence's mean word vector (unit length) beside the L2-normalised sparse features: the regression learns
 * which directions of meaning point to which intent, so a synonym the catalog never used still pulls the right way.
 */
export const WORD_VECTOR_WEIGHT = 3;

export function sparseFeatures(analysis: Analysis, parts: FeatureParts): Map<string, number> {
  const features = new Map<string, number>();
  const add = (key: string, weight: number) => features.set(key, (features.get(key) ?? 0) + weight);
  for (const stem of analysis.stems) add(`w:${stem}`, 1);
  // Word pairs keep a little of the order a bag of words loses ("say no", "new phone", "lock screen").
  if (parts.bigrams) for (let i = 1; i < analysis.stems.length; i += 1) add(`b:${analysis.stems[i - 1]} ${analysis.stems[i]}`, BIGRAM_WEIGHT);
  if (parts.lexicon) for (const concept of analysis.concepts) add(`k:${concept}`, CONCEPT_WEIGHT);
  // Asked or told: "am I done?" asks for the status, "I'm done" tells it; "what if I say no?" asks about consequences,
  // "no, I won't" refuses. A bag of words cannot tell them apart; the concept as asked can.
  if (parts.lexicon && parts.questions && analysis.question) for (const concept of analysis.concepts) add(`q:${concept}`, QUESTION_WEIGHT);
  return features;
}

/** The features seen in training, numbered, with their inverse document frequency. */
export class FeatureSpace {
  private readonly index: Map<string, number>;

  constructor(
    readonly keys: readonly string[],
    readonly idf: Float32Array | Float64Array,
  ) {
    this.index = new Map(keys.map((key, i) => [key, i]));
  }

  static fromDocuments(documents: readonly Map<string, number>[]): FeatureSpace {
    const frequency = new Map<string, number>();
    for (const document of documents) for (const key of document.keys()) frequency.set(key, (frequency.get(key) ?? 0) + 1);
    const keys = [...frequency.keys()];
    return new FeatureSpace(keys, Float64Array.from(keys, (key) => Math.log((1 + documents.length) / (1 + frequency.get(key)!)) + 1));
  }

  get size(): number {
    return this.keys.length;
  }

  /** TF-IDF, features never seen in training dropped, L2-normalised so that a dot product is a cosine. */
  encode(features: Map<string, number>): Encoded {
    const ids: number[] = [];
    const values: number[] = [];
    let norm = 0;
    for (const [key, count] of features) {
      const id = this.index.get(key);
      if (id === undefined) continue;
      const weight = (1 + Math.log(count)) * this.idf[id]!;
      ids.push(id);
      values.push(weight);
      norm += weight * weight;
    }
    norm = Math.sqrt(norm);
    return { ids: Int32Array.from(ids), values: Float64Array.from(values, (value) => (norm > 0 ? value / norm : 0)) };
  }
}

/** The regression's input: the sparse features, then (with a table) the sentence vector as features numbered after them. */
export function regressionInput(vector: Encoded, words: readonly string[], featureCount: number, table: WordVectors | undefined): Encoded {
  if (!table) return vector;
  const meaning = table.sentenceVector(words.map((word) => vectorForm(table, word)));
  const ids = new Int32Array(vector.ids.length + table.dims);
  const values = new Float64Array(ids.length);
  ids.set(vector.ids);
  values.set(vector.values);
  for (let d = 0; d < table.dims; d += 1) {
    ids[vector.ids.length + d] = featureCount + d;
    values[vector.ids.length + d] = WORD_VECTOR_WEIGHT * meaning[d]!;
  }
  return { ids, values };
}

/** The form of a word the table has: the word itself, else its singular ("passkeys" -> "passkey"). */
export function vectorForm(table: WordVectors, word: string): string {
  return table.has(word) ? word : lexiconForm(word);
}

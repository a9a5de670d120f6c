// From signals to a decision: the scorers' distributions blended, the unknown-word evidence added to the off-topic
// class, and the guards that send a message to the not-understood fallback.

import type { Signals } from './locale-model.js';

/** The class that stands for "understood, but about something else". */
export const OFF_TOPIC = 'out-of-scope';

export interface Tuning {
  /** Shares of the scorers in the blend (a scorer the model lacks gives its share to the others). */
  regressionWeight: number;
  neuralWeight: number;
  similarityWeight: number;
  /** Softmax temperature that turns similarities into a distribution. */
  similarityTemperature: number;
  /**
   * Unknown content words are evidence for the off-topic class: this much per share of them. 3x5-fold CV 0.802 at 1.6,
   * 0.810 at 0.8, flat from 0.4 to 1.0; dev 0.916-0.918 throughout; other languages' dev lines not understood by the
   * English model 97.7% at 1.6, 96.3% at 0.8.
   */
  unknownWordsWeight: number;
  /** An unknown word this close (cosine) to a known word starts to count as known, fully at relatedFull. */
  relatedFrom: number;
  relatedFull: number;
  /** Below this cosine to the nearest example, nothing in the message is understood. */
  minSimilarity: number;
  /** Share of content words the coach must know (related words in part); below it, another language or topic. */
  minKnownShare: number;
  /** The blended score the winner needs; below it, the message is not understood (config OBJECTION_CONFIDENCE_THRESHOLD). */
  threshold: number;
}

export const DEFAULT_TUNING: Tuning = {
  regressionWeight: 0.6,
  neuralWeight: 0.2,
  similarityWeight: 0.2,
  similarityTemperature: 0.05,
  unknownWordsWeight: 0.8,
  relatedFrom: 0.6,
  relatedFull: 0.9,
  minSimilarity: 0.15,
  minKnownShare: 0.34,
  threshold: 0.25,
};

/**
 * Why a message ended where it did; logged and shown by the evaluation, never to the employee. `other-topic`: words of
 * the language that the coach does not know (understood, about something else); `no-content`, `not-words` (noise,
 * another language), `nothing-similar` and `below-threshold`: not understood.
 */
export type Verdict = 'matched' | 'other-topic' | 'no-content' | 'not-words' | 'nothing-similar' | 'below-threshold';

export interface Scored {
  name: string;
  score: number;
}

export interface Decision {
  /** Every class with a score, best first. */
  ranked: Scored[];
  verdict: Verdict;
}

export function decide(signals: Signals, classes: readonly string[], tuning: Tuning): Decision {
  const ranked = blend(signals, classes, tuning);
  const best = ranked[0];
  const { analysis } = signals;
  if (!best) return { ranked, verdict: 'no-content' };
  // A command is often all function words ("what can you do"); anything else, and any one word ("ok"), needs a word
  // that means something.
  const wordyCommand = best.name.startsWith('command:') && best.score >= tuning.threshold && analysis.words.length >= 2;
  if (analysis.contentWords === 0 && analysis.concepts.length === 0 && !wordyCommand) return { ranked, verdict: 'no-content' };
  const mostlyNonWords = signals.unknownNonWords * 2 > analysis.unknownContent.length;
  if (relatedShare(signals, tuning) < tuning.minKnownShare) return { ranked, verdict: mostlyNonWords ? 'not-words' : 'other-topic' };
  if (signals.bestSimilarity < tuning.minSimilarity) return { ranked, verdict: mostlyNonWords ? 'not-words' : 'nothing-similar' };
  if (best.name !== OFF_TOPIC && best.score < tuning.threshold) return { ranked, verdict: 'below-threshold' };
  return { ranked, verdict: 'matched' };
}

/** The blend of the scorers' distributions plus the unknown-word evidence, renormalised to sum to 1. */
export function blend(signals: Signals, classes: readonly string[], tuning: Tuning): Scored[] {
  const parts: [number, Float64Array][] = [];
  if (signals.regression) parts.push([tuning.regressionWeight, signals.regression]);
  if (signals.neural) parts.push([tuning.neuralWeight, signals.neural]);
  if (signals.similarity) parts.push([tuning.similarityWeight, softmax(signals.similarity, tuning.similarityTemperature)]);
  const unknown = tuning.unknownWordsWeight * (1 - relatedShare(signals, tuning));
  const total = parts.reduce((sum, [weight]) => sum + weight, 0) + unknown;
  if (total <= 0) return [];
  const out: Scored[] = [];
  classes.forEach((name, c) => {
    let score = parts.reduce((sum, [weight, distribution]) => sum + weight * distribution[c]!, 0);
    if (name === OFF_TOPIC) score += unknown;
    if (score > 0) out.push({ name, score: Math.round((score / total) * 10_000) / 10_000 });
  });
  return out.sort((a, b) => b.score - a.score);
}

/** The share of content words known, where an unknown word close in meaning to a known word counts in part. */
export function relatedShare({ analysis, unknownCloseness }: Signals, tuning: Tuning): number {
  if (analysis.contentWords === 0) return 1;
  const span = Math.max(1e-6, tuning.relatedFull - tuning.relatedFrom);
  const credit = unknownCloseness.reduce((sum, closeness) => sum + Math.min(1, Math.max(0, (closeness - tuning.relatedFrom) / span)), 0);
  return Math.min(1, 1 - analysis.unknownContent.length / analysis.contentWords + credit / analysis.contentWords);
}

function softmax(values: Float64Array, temperature: number): Float64Array {
  let top = 0;
  for (const value of values) top = Math.max(top, value);
  const out = values.map((value) => Math.exp((value - top) / temperature));
  const total = out.reduce((sum, value) => sum + value, 0);
  return out.map((value) => value / total);
}

// Nearest training examples: the mean cosine of the closest few examples of each class, through an inverted index
// (feature -> examples), so a message costs a pass over the examples that share a feature with it.

import type { Encoded } from './features.js';

export interface IndexedExample {
  /** Index of the class in the model's class list. */
  label: number;
  vector: Encoded;
}

export interface Similarity {
  /** Per class, the mean cosine of its `neighbours` nearest examples. */
  byClass: Float64Array;
  /** The cosine of the single nearest example, whatever its class. */
  best: number;
}

export class ExampleIndex {
  private readonly starts: Int32Array;
  private readonly postingExamples: Int32Array;
  private readonly postingValues: Float64Array;

  constructor(
    private readonly examples: readonly IndexedExample[],
    featureCount: number,
    private readonly classCount: number,
    private readonly neighbours: number,
  ) {
    const counts = new Int32Array(featureCount + 1);
    for (const { vector } of examples) for (const id of vector.ids) counts[id + 1] = counts[id + 1]! + 1;
    for (let i = 1; i <= featureCount; i += 1) counts[i] = counts[i]! + counts[i - 1]!;
    this.starts = counts.slice();
    this.postingExamples = new Int32Array(counts[featureCount]!);
    this.postingValues = new Float64Array(counts[featureCount]!);
    examples.forEach(({ vector }, example) => {
      vector.ids.forEach((id, k) => {
        const at = counts[id]!;
        this.postingExamples[at] = example;
        this.postingValues[at] = vector.values[k]!;
        counts[id] = at + 1;
      });
    });
  }

  similarity(query: Encoded): Similarity {
    const dots = new Float64Array(this.examples.length);
    query.ids.forEach((id, k) => {
      const weight = query.values[k]!;
      for (let at = this.starts[id]!; at < this.starts[id + 1]!; at += 1) {
        const example = this.postingExamples[at]!;
        dots[example] = dots[example]! + weight * this.postingValues[at]!;
      }
    });
    // The `neighbours` best dots of each class, kept sorted in place in one pass (no per-class arrays to sort).
    const k = this.neighbours;
    const top = new Float64Array(this.classCount * k).fill(-1);
    const counts = new Int32Array(this.classCount);
    let best = 0;
    for (let i = 0; i < dots.length; i += 1) {
      const dot = dots[i]!;
      if (dot > best) best = dot;
      const label = this.examples[i]!.label;
      counts[label] = counts[label]! + 1;
      const base = label * k;
      if (dot <= top[base + k - 1]!) continue;
      let at = base + k - 1;
      while (at > base && top[at - 1]! < dot) {
        top[at] = top[at - 1]!;
        at -= 1;
      }
      top[at] = dot;
    }
    const byClass = new Float64Array(this.classCount);
    for (let c = 0; c < this.classCount; c += 1) {
      const n = Math.min(k, counts[c]!);
      let sum = 0;
      for (let j = 0; j < n; j += 1) sum += top[c * k + j]!;
      byClass[c] = n === 0 ? 0 : sum / n;
    }
    return { byClass, best };
  }
}

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
  /** How many examples each class has. */
  private readonly classSizes: Int32Array;
  /** Scratch for one query (similarity is synchronous): each example's dot, and the examples it reached. */
  private readonly dots: Float64Array;
  private readonly seen: Uint8Array;
  private readonly reached: Int32Array;

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
    this.classSizes = new Int32Array(classCount);
    for (const { label } of examples) this.classSizes[label] = this.classSizes[label]! + 1;
    this.dots = new Float64Array(examples.length);
    this.seen = new Uint8Array(examples.length);
    this.reached = new Int32Array(examples.length);
  }

  similarity(query: Encoded): Similarity {
    // Only the examples sharing a feature with the query are visited; every other example's dot is exactly 0.
    const { dots, seen, reached } = this;
    let reachedCount = 0;
    for (let q = 0; q < query.ids.length; q += 1) {
      const id = query.ids[q]!;
      const weight = query.values[q]!;
      for (let at = this.starts[id]!; at < this.starts[id + 1]!; at += 1) {
        const example = this.postingExamples[at]!;
        if (seen[example] === 0) {
          seen[example] = 1;
          reached[reachedCount++] = example;
        }
        dots[example] = dots[example]! + weight * this.postingValues[at]!;
      }
    }
    // The `neighbours` best dots of each class, kept sorted in place (no per-class arrays to sort): first the examples
    // reached, then as many zeros as the class has examples left unreached (up to `neighbours`).
    const k = this.neighbours;
    const top = new Float64Array(this.classCount * k).fill(-1);
    const reachedOf = new Int32Array(this.classCount);
    let best = 0;
    for (let i = 0; i < reachedCount; i += 1) {
      const example = reached[i]!;
      const dot = dots[example]!;
      dots[example] = 0;
      seen[example] = 0;
      if (dot > best) best = dot;
      const label = this.examples[example]!.label;
      reachedOf[label] = reachedOf[label]! + 1;
      keepBest(top, label * k, k, dot);
    }
    const byClass = new Float64Array(this.classCount);
    for (let c = 0; c < this.classCount; c += 1) {
      const size = this.classSizes[c]!;
      for (let zeros = Math.min(k, size - reachedOf[c]!); zeros > 0; zeros -= 1) keepBest(top, c * k, k, 0);
      const n = Math.min(k, size);
      let sum = 0;
      for (let j = 0; j < n; j += 1) sum += top[c * k + j]!;
      byClass[c] = n === 0 ? 0 : sum / n;
    }
    return { byClass, best };
  }
}

/** Puts `value` among the `k` best values kept sorted (largest first) at top[base..base+k), if it is one of them. */
function keepBest(top: Float64Array, base: number, k: number, value: number): void {
  if (value <= top[base + k - 1]!) return;
  let at = base + k - 1;
  while (at > base && top[at - 1]! < value) {
    top[at] = top[at - 1]!;
    at -= 1;
  }
  top[at] = value;
}

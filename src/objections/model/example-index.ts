// Nearest training examples: the mean cosine of the closest few examples of each class, through an inverted index
// (feature -> examples): a message costs its features' postings and one scan of the examples' dots. Common features
// (concepts, frequent stems) reach most examples, so a typical English message walks 1 000-5 000 postings over the
// 2 063 examples; the dots live in one array reused by every message (no 16 KB allocated per message).

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
  /** The examples as runs of one class (a catalog lists each intent's examples together, so one run per class): run r is examples runStarts[r] to runStarts[r + 1] - 1, of class runLabels[r]. */
  private readonly runStarts: Int32Array;
  private readonly runLabels: Int32Array;
  /** Scratch for one query (similarity is synchronous): each example's dot. */
  private readonly dots: Float64Array;

  constructor(
    examples: readonly IndexedExample[],
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
    const starts: number[] = [];
    examples.forEach(({ label }, i) => {
      if (i === 0 || examples[i - 1]!.label !== label) starts.push(i);
    });
    this.runLabels = Int32Array.from(starts, (start) => examples[start]!.label);
    this.runStarts = Int32Array.from([...starts, examples.length]);
    this.dots = new Float64Array(examples.length);
  }

  similarity(query: Encoded): Similarity {
    const { dots, starts, postingExamples, postingValues } = this;
    dots.fill(0);
    const { ids, values } = query;
    for (let q = 0; q < ids.length; q += 1) {
      const id = ids[q]!;
      const weight = values[q]!;
      const end = starts[id + 1]!;
      for (let at = starts[id]!; at < end; at += 1) {
        const example = postingExamples[at]!;
        dots[example] = dots[example]! + weight * postingValues[at]!;
      }
    }
    // The `neighbours` best dots of each class, kept sorted in place in one pass (no per-class arrays to sort), run by
    // run of examples of one class: the class's current k-th best stays in a local, and most dots fall below it.
    const k = this.neighbours;
    const top = new Float64Array(this.classCount * k).fill(-1);
    const { runStarts, runLabels } = this;
    let best = 0;
    for (let run = 0; run < runLabels.length; run += 1) {
      const base = runLabels[run]! * k;
      const last = base + k - 1;
      let floor = top[last]!;
      const end = runStarts[run + 1]!;
      for (let i = runStarts[run]!; i < end; i += 1) {
        const dot = dots[i]!;
        // A dot at or below the class's k-th best is not among its best, nor above `best` (which is at least that).
        if (dot <= floor) continue;
        if (dot > best) best = dot;
        insertAmongBest(top, base, k, dot);
        floor = top[last]!;
      }
    }
    const byClass = new Float64Array(this.classCount);
    for (let c = 0; c < this.classCount; c += 1) {
      const n = Math.min(k, this.classSizes[c]!);
      let sum = 0;
      for (let j = 0; j < n; j += 1) sum += top[c * k + j]!;
      byClass[c] = n === 0 ? 0 : sum / n;
    }
    return { byClass, best };
  }
}

/** Puts `value`, larger than the k-th, among the `k` best values kept sorted (largest first) at top[base..base+k). */
function insertAmongBest(top: Float64Array, base: number, k: number, value: number): void {
  let at = base + k - 1;
  while (at > base && top[at - 1]! < value) {
    top[at] = top[at - 1]!;
    at -= 1;
  }
  top[at] = value;
}

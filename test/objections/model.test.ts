// The model's parts on small hand-made data: features, the nearest-example index, the two classifiers and their
// saved forms, and the guards that turn signals into a decision.

import { describe, expect, it } from 'vitest';
import type { Analysis } from '../../src/objections/text/analyser.js';
import { decide, DEFAULT_TUNING } from '../../src/objections/model/decide.js';
import { ExampleIndex } from '../../src/objections/model/example-index.js';
import { type Encoded, FeatureSpace } from '../../src/objections/model/features.js';
import { LinearModel } from '../../src/objections/model/linear-model.js';
import type { Signals } from '../../src/objections/model/locale-model.js';
import { NeuralModel } from '../../src/objections/model/neural.js';

const space = FeatureSpace.fromDocuments([new Map([['w:pay', 1], ['w:money', 1]]), new Map([['w:photo', 1], ['w:boss', 1]]), new Map([['w:photo', 1], ['w:gallery', 1]])]);
const encode = (...keys: string[]) => space.encode(new Map(keys.map((key) => [key, 1])));
const training: { label: number; vector: Encoded }[] = [
  { label: 0, vector: encode('w:pay', 'w:money') },
  { label: 0, vector: encode('w:pay') },
  { label: 1, vector: encode('w:photo', 'w:boss') },
  { label: 1, vector: encode('w:photo', 'w:gallery') },
];

describe('FeatureSpace', () => {
  it('drops features never seen, weights rare ones higher and normalises to unit length', () => {
    const vector = encode('w:photo', 'w:money', 'w:unseen');
    expect(vector.ids).toHaveLength(2);
    expect(Math.hypot(...vector.values)).toBeCloseTo(1, 10);
    const [photo, money] = [...vector.values];
    expect(money!).toBeGreaterThan(photo!);
  });
});

describe('ExampleIndex', () => {
  it('gives each class the mean cosine of its nearest examples, and the best single cosine', () => {
    const index = new ExampleIndex(training, space.size, 2, 1);
    const query = encode('w:photo', 'w:boss');
    const { byClass, best } = index.similarity(query);
    expect(best).toBeCloseTo(1, 10);
    expect(byClass[1]).toBeCloseTo(1, 10);
    expect(byClass[0]).toBe(0);
    const two = new ExampleIndex(training, space.size, 2, 2).similarity(query);
    const dot = (a: Encoded, b: Encoded) => [...a.ids].reduce((sum, id, k) => sum + a.values[k]! * (b.values[[...b.ids].indexOf(id)] ?? 0), 0);
    expect(two.byClass[1]).toBeCloseTo((dot(query, training[2]!.vector) + dot(query, training[3]!.vector)) / 2, 10);
  });
});

describe.each([
  ['LinearModel', (data: typeof training) => LinearModel.train(data, space.size, 2)],
  ['NeuralModel (NLP.js)', (data: typeof training) => NeuralModel.train(data, 2)],
])('%s', (_name, train) => {
  it('learns a separable toy problem, and its saved form predicts exactly the same', () => {
    const model = train(training);
    const money = model.predict(encode('w:money'));
    expect(money[0]).toBeGreaterThan(0.5);
    expect(model.predict(encode('w:gallery'))[1]).toBeGreaterThan(0.5);
    const json = JSON.parse(JSON.stringify(model.toJson()));
    const again = model instanceof LinearModel ? LinearModel.fromJson(json, space.size, 2) : NeuralModel.fromJson(json, 2);
    expect([...again!.predict(encode('w:money'))].map((p) => p.toFixed(5))).toEqual([...money].map((p) => p.toFixed(5)));
  });
});

it('a saved form of the wrong shape is refused, not trusted', () => {
  const linear = LinearModel.train(training, space.size, 2).toJson();
  expect(LinearModel.fromJson(linear, space.size + 1, 2)).toBeUndefined();
  expect(LinearModel.fromJson({ ...linear, bias: [Number.NaN, 0] }, space.size, 2)).toBeUndefined();
  const neural = NeuralModel.train(training, 2).toJson();
  expect(NeuralModel.fromJson({ ...neural, perceptrons: neural.perceptrons.slice(1) }, 2)).toBeUndefined();
  expect(NeuralModel.fromJson(neural, 1)).toBeUndefined();
});

/** Random sparse unit vectors over `features` features (mulberry32, so every run sees the same data). */
function randomData(seed: number, count: number, features: number, classes: number): { label: number; vector: Encoded }[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const ids = [...new Set(Array.from({ length: 1 + Math.floor(random() * 8) }, () => Math.floor(random() * features)))];
    const values = ids.map(() => 0.1 + random());
    const norm = Math.hypot(...values);
    return { label: Math.floor(random() * classes), vector: { ids: Int32Array.from(ids), values: Float64Array.from(values, (value) => value / norm) } };
  });
}

it('the neural forward pass gives NLP.js\'s own numbers to the last bit, for features it never saw too', () => {
  const model = NeuralModel.train(randomData(1, 300, 200, 6), 6);
  const again = NeuralModel.fromJson(JSON.parse(JSON.stringify(model.toJson())), 6)!;
  // Queries reach past the trained features (ids 200-259 were never seen) and come in any order.
  for (const { vector } of randomData(2, 400, 260, 1)) {
    expect([...model.predict(vector)]).toEqual([...model.predictThroughLibrary(vector)]);
    expect([...again.predict(vector)]).toEqual([...again.predictThroughLibrary(vector)]);
  }
});

it.each([
  ['in any order', false],
  ['listed class by class, as a catalog lists them', true],
])('the example index gives what comparing the query with every example gives, for any number of neighbours: examples %s', (_order, byClassOrder) => {
  const classes = 7;
  const shuffled = randomData(3, 500, 120, classes);
  const examples = byClassOrder ? [...shuffled].sort((a, b) => a.label - b.label) : shuffled;
  // The reference: every example's dot, then the k best of each class (zeros included) averaged.
  const everyExample = (query: Encoded, k: number) => {
    const dots = examples.map(({ vector }) => [...query.ids].reduce((sum, id, q) => sum + query.values[q]! * (vector.values[[...vector.ids].indexOf(id)] ?? 0), 0));
    const byClass = Array.from({ length: classes }, (_, c) => {
      const best = dots.filter((_dot, i) => examples[i]!.label === c).sort((a, b) => b - a).slice(0, k);
      return best.length === 0 ? 0 : best.reduce((sum, dot) => sum + dot, 0) / best.length;
    });
    return { byClass, best: Math.max(0, ...dots) };
  };
  for (const k of [1, 3, 200]) {
    const index = new ExampleIndex(examples, 120, classes + 1, k);
    for (const { vector: query } of randomData(4, 60, 120, 1)) {
      const { byClass, best } = index.similarity(query);
      const expected = everyExample(query, k);
      expect(best).toBeCloseTo(expected.best, 12);
      for (const [c, value] of expected.byClass.entries()) expect(byClass[c]).toBeCloseTo(value, 12);
      expect(byClass[classes]).toBe(0); // a class without examples
    }
  }
});

describe('decide', () => {
  const classes = ['compensation', 'out-of-scope', 'command:help'];
  const analysis = (overrides: Partial<Analysis>): Analysis => ({ words: ['pay', 'me'], stems: ['pay', 'me'], concepts: [], contentWords: 1, unknownContent: [], question: false, ...overrides });
  const signals = (regression: number[], overrides: Partial<Signals> = {}): Signals => ({ analysis: analysis({}), unknownCloseness: [], unknownNonWords: 0, regression: Float64Array.from(regression), bestSimilarity: 1, ...overrides });

  it('matches a confident winner', () => {
    expect(decide(signals([0.9, 0.05, 0.05]), classes, DEFAULT_TUNING)).toMatchObject({ verdict: 'matched', ranked: [{ name: 'compensation' }, {}, {}] });
  });

  it('tells words it does not know (another topic) from noise or another language', () => {
    const unknown = (nonWords: number) => signals([0.9, 0.05, 0.05], { analysis: analysis({ contentWords: 2, unknownContent: ['quantum', 'physics'] }), unknownCloseness: [0, 0], unknownNonWords: nonWords });
    expect(decide(unknown(0), classes, DEFAULT_TUNING).verdict).toBe('other-topic');
    expect(decide(unknown(2), classes, DEFAULT_TUNING).verdict).toBe('not-words');
  });

  it('needs a word that means something, except for a command of two words or more', () => {
    const none = analysis({ words: ['what', 'can', 'you', 'do'], contentWords: 0 });
    expect(decide(signals([0.1, 0.1, 0.8], { analysis: none }), classes, DEFAULT_TUNING).verdict).toBe('matched');
    expect(decide(signals([0.8, 0.1, 0.1], { analysis: none }), classes, DEFAULT_TUNING).verdict).toBe('no-content');
    expect(decide(signals([0.1, 0.1, 0.8], { analysis: analysis({ words: ['ok'], contentWords: 0 }) }), classes, DEFAULT_TUNING).verdict).toBe('no-content');
  });

  it('sends an unsure winner and a message like no example to the not-understood fallback', () => {
    expect(decide(signals([0.4, 0.3, 0.3]), classes, { ...DEFAULT_TUNING, threshold: 0.5 }).verdict).toBe('below-threshold');
    expect(decide(signals([0.9, 0.05, 0.05], { bestSimilarity: 0.01 }), classes, DEFAULT_TUNING).verdict).toBe('nothing-similar');
  });
});

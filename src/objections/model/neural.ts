// NLP.js's neural network (@nlpjs/neural: one perceptron per class, trained by gradient descent with momentum), fed
// with this matcher's features instead of NLP.js's own bag of words: the library trains and runs the network, the
// features bring what NLP.js's tokeniser lacks (lexicon concepts, character n-grams, word vectors).

// @ts-expect-error NLP.js ships no type declarations; the few members used are typed by NeuralModule below.
import nlpjsNeural from '@nlpjs/neural';
import type { Encoded } from './features.js';
import { fromBase64, toBase64 } from './linear-model.js';

interface NlpNetwork {
  train(corpus: { input: Record<string, number>; output: Record<string, number> }[]): unknown;
  run(input: Record<string, number>): Record<string, number> | undefined;
  toJSON(): { settings: object; features: string[]; intents: string[]; perceptrons: number[][] };
  fromJSON(json: { settings: object; features: string[]; intents: string[]; perceptrons: ArrayLike<number>[] }): void;
}
const { NeuralNetwork } = nlpjsNeural as { NeuralNetwork: new (settings?: object) => NlpNetwork };

/** NLP.js's defaults but 100 iterations instead of 20 000: 3x5-fold CV 0.802 at 100, 200 and 500, dev 0.916, 0.913, 0.913. */
const SETTINGS = { iterations: 100, log: false };

export interface NeuralJson {
  features: string[];
  intents: string[];
  /** Float32 per class: its weights then its bias, base64. */
  perceptrons: string[];
}

/** The trained network's weights laid out for the forward pass (see NeuralModel.predict). */
interface ForwardPass {
  /** Our feature id -> the network's input index, -1 for a feature it never saw. */
  inputOf: Int32Array;
  /** Per perceptron: its class, its bias and its weights (the network's Float32 weights, by input index). */
  classes: Int32Array;
  biases: Float64Array;
  weights: Float32Array[];
  /** NLP.js's output scale (its `alpha`). */
  alpha: number;
}

export class NeuralModel {
  readonly #forward: ForwardPass;

  private constructor(
    private readonly network: NlpNetwork,
    private readonly classCount: number,
  ) {
    this.#forward = forwardPassOf(network);
  }

  static train(examples: readonly { label: number; vector: Encoded }[], classCount: number): NeuralModel {
    const network = new NeuralNetwork(SETTINGS);
    network.train(examples.map(({ label, vector }) => ({ input: asInput(vector), output: { [String(label)]: 1 } })));
    return new NeuralModel(network, classCount);
  }

  static fromJson(json: NeuralJson | undefined, classCount: number): NeuralModel | undefined {
    if (!json || !Array.isArray(json.features) || !Array.isArray(json.intents) || !Array.isArray(json.perceptrons)) return undefined;
    if (json.perceptrons.length !== json.intents.length || json.intents.some((name) => !(Number(name) >= 0 && Number(name) < classCount))) return undefined;
    const perceptrons = json.perceptrons.map((text) => fromBase64(text, Float32Array, json.features.length + 1));
    if (perceptrons.some((weights) => weights === undefined)) return undefined;
    const network = new NeuralNetwork(SETTINGS);
    network.fromJSON({ settings: SETTINGS, features: json.features, intents: json.intents, perceptrons: perceptrons as Float32Array[] });
    return new NeuralModel(network, classCount);
  }

  toJson(): NeuralJson {
    const { features, intents, perceptrons } = this.network.toJSON();
    return { features, intents, perceptrons: perceptrons.map((weights) => toBase64(Float32Array.from(weights))) };
  }

  /**
   * The network's outputs rescaled to a distribution over the classes (all zero when nothing fired). The forward pass
   * is NLP.js's (`run`): per perceptron, its bias plus input × weight over the features it knows in ascending feature
   * order, 0 when not positive else × alpha; the same sums in the same order, so the same numbers to the last bit, but
   * without the two dictionaries NLP.js builds for every message.
   */
  predict(vector: Encoded): Float64Array {
    const out = new Float64Array(this.classCount);
    const { inputOf, classes, biases, weights, alpha } = this.#forward;
    if (classes.length === 0) return out;
    // The message's features the network knows, in ascending feature order: found once, read by every perceptron.
    const order = ascending(vector.ids);
    const inputs = new Int32Array(order.length);
    const values = new Float64Array(order.length);
    let known = 0;
    for (const at of order) {
      const input = inputOf[vector.ids[at]!] ?? -1;
      if (input < 0) continue;
      inputs[known] = input;
      values[known] = vector.values[at]!;
      known += 1;
    }
    for (let p = 0; p < classes.length; p += 1) {
      const row = weights[p]!;
      let sum = biases[p]!;
      for (let k = 0; k < known; k += 1) sum += values[k]! * row[inputs[k]!]!;
      const score = sum <= 0 ? 0 : alpha * sum;
      if (score > 0) out[classes[p]!] = score;
    }
    // Summed in ascending class order, as the scores object NLP.js returns is iterated.
    let total = 0;
    for (let c = 0; c < out.length; c += 1) if (out[c]! > 0) total += out[c]!;
    if (total > 0) for (let c = 0; c < out.length; c += 1) out[c] = out[c]! / total;
    return out;
  }

  /** NLP.js's own forward pass, for the test that the one above gives the same numbers. */
  predictThroughLibrary(vector: Encoded): Float64Array {
    const out = new Float64Array(this.classCount);
    const scores = this.network.run(asInput(vector)) ?? {};
    let total = 0;
    for (const [name, score] of Object.entries(scores)) {
      if (!(score > 0)) continue;
      out[Number(name)] = score;
      total += score;
    }
    if (total > 0) for (let c = 0; c < out.length; c += 1) out[c] = out[c]! / total;
    return out;
  }
}

/** The positions of `ids` in ascending id order. */
function ascending(ids: Int32Array): Int32Array {
  const order = new Int32Array(ids.length);
  for (let i = 0; i < order.length; i += 1) order[i] = i;
  return order.sort((a, b) => ids[a]! - ids[b]!);
}

function forwardPassOf(network: NlpNetwork): ForwardPass {
  const { features = [], intents = [], perceptrons = [] } = network.toJSON() as Partial<ReturnType<NlpNetwork['toJSON']>>;
  // Our feature ids, as the network names its inputs; a name that is not one can never match a message (NLP.js's
  // own lookup would not find it either).
  const known = features.map((name) => {
    const id = Number(name);
    return Number.isSafeInteger(id) && id >= 0 && String(id) === name ? id : -1;
  });
  const inputOf = new Int32Array(known.reduce((most, id) => Math.max(most, id + 1), 0)).fill(-1);
  known.forEach((id, input) => {
    if (id >= 0 && inputOf[id] === -1) inputOf[id] = input;
  });
  return {
    inputOf,
    classes: Int32Array.from(intents, Number),
    biases: Float64Array.from(perceptrons, (row) => row[row.length - 1]!),
    weights: perceptrons.map((row) => Float32Array.from(row.slice(0, features.length))),
    alpha: (network as unknown as { settings: { alpha: number } }).settings.alpha,
  };
}

function asInput({ ids, values }: Encoded): Record<string, number> {
  const input: Record<string, number> = {};
  ids.forEach((id, k) => {
    input[id] = values[k]!;
  });
  return input;
}

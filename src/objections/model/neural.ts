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

export class NeuralModel {
  private constructor(
    private readonly network: NlpNetwork,
    private readonly classCount: number,
  ) {}

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

  /** The network's outputs rescaled to a distribution over the classes (all zero when nothing fired). */
  predict(vector: Encoded): Float64Array {
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

function asInput({ ids, values }: Encoded): Record<string, number> {
  const input: Record<string, number> = {};
  ids.forEach((id, k) => {
    input[id] = values[k]!;
  });
  return input;
}

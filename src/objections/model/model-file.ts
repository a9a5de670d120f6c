// The model file: a trained LocaleModel as JSON, built by `npm run build` (dist/intent-model-<locale>.json) and cached
// by catalog hash (intent-model-<locale>-<hash>.json), so a start reads one file and never trains. Numbers travel as
// base64 typed arrays (small, parsed in a millisecond). A trained model is always rebuilt from this form too, so
// training and the cache give exactly the same answers.

import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../errors/app-error.js';
import type { Catalog } from '../catalog-loader.js';
import type { LanguageData } from '../text/language-data.js';
import { wordVectors } from '../word-vectors.js';
import { FeatureSpace } from './features.js';
import { fromBase64, type LinearJson, LinearModel, toBase64 } from './linear-model.js';
import { type Learned, LocaleModel, type ModelParts } from './locale-model.js';
import { type NeuralJson, NeuralModel } from './neural.js';

/** Bump when the code that shapes a model's input changes: older files are retrained, never trusted. */
const MODEL_FORMAT = 'passkey-coach/intent-model@7';

interface ModelFile {
  format: string;
  /** The language data's and the word table's fingerprint, and the parts: a model built from other ones is retrained. */
  pipeline: string;
  catalogHash: string;
  locale: string;
  parts: ModelParts;
  classes: string[];
  vocabulary: string[];
  words: string[];
  features: string[];
  /** Float32 per feature. */
  idf: string;
  /** Per example: its class and how many of the flat feature/value entries are its own. */
  exampleLabels: number[];
  exampleSizes: number[];
  /** Int32 feature numbers and Float32 values of every example, one after the other. */
  exampleFeatures: string;
  exampleValues: string;
  linear?: LinearJson;
  neural?: NeuralJson;
}

export function modelFileFor(cacheDir: string, catalog: Catalog): string {
  return path.join(cacheDir, `intent-model-${catalog.locale}-${catalog.hash}.json`);
}

export function pipelineOf(language: LanguageData, parts: ModelParts): string {
  const table = parts.vectors && language.wordVectorsFile ? wordVectors(language.wordVectorsFile).id : 'none';
  return `${language.fingerprint}:${table}`;
}

export function toModelFile(model: LocaleModel, catalog: Catalog): ModelFile {
  const { learned, parts, language } = model;
  return {
    format: MODEL_FORMAT,
    pipeline: pipelineOf(language, parts),
    catalogHash: catalog.hash,
    locale: catalog.locale,
    parts,
    classes: learned.classes,
    vocabulary: learned.vocabulary,
    words: learned.words,
    features: [...learned.space.keys],
    idf: toBase64(Float32Array.from(learned.space.idf)),
    exampleLabels: learned.examples.map(({ label }) => label),
    exampleSizes: learned.examples.map(({ vector }) => vector.ids.length),
    exampleFeatures: toBase64(Int32Array.from(learned.examples.flatMap(({ vector }) => [...vector.ids]))),
    exampleValues: toBase64(Float32Array.from(learned.examples.flatMap(({ vector }) => [...vector.values]))),
    ...(learned.linear ? { linear: learned.linear.toJson() } : {}),
    ...(learned.neural ? { neural: learned.neural.toJson() } : {}),
  };
}

/** The model in a file's JSON, or undefined when it is for another catalog or pipeline, or anything has the wrong shape. */
export function fromModelFile(file: Partial<ModelFile>, catalog: Catalog, language: LanguageData): LocaleModel | undefined {
  const { parts, classes, vocabulary, words, features, exampleLabels, exampleSizes } = file;
  if (file.format !== MODEL_FORMAT || file.catalogHash !== catalog.hash || file.locale !== catalog.locale || !parts || typeof parts !== 'object') return undefined;
  if (file.pipeline !== pipelineOf(language, parts)) return undefined;
  if (!isStrings(classes) || !isStrings(vocabulary) || !isStrings(words) || !isStrings(features)) return undefined;
  if (!isIndexes(exampleLabels, classes.length) || !isIndexes(exampleSizes, features.length + 1) || exampleSizes.length !== exampleLabels.length) return undefined;
  const total = exampleSizes.reduce((sum, size) => sum + size, 0);
  const idf = fromBase64(file.idf, Float32Array, features.length);
  const flatFeatures = fromBase64(file.exampleFeatures, Int32Array, total);
  const flatValues = fromBase64(file.exampleValues, Float32Array, total);
  if (!idf || !flatFeatures || !flatValues || flatFeatures.some((id) => id < 0 || id >= features.length)) return undefined;
  const inputSize = features.length + (parts.vectors && language.wordVectorsFile ? wordVectors(language.wordVectorsFile).dims : 0);
  const linear = parts.regression ? LinearModel.fromJson(file.linear, inputSize, classes.length) : undefined;
  const neural = parts.neural ? NeuralModel.fromJson(file.neural, classes.length) : undefined;
  if ((parts.regression && !linear) || (parts.neural && !neural)) return undefined;
  let offset = 0;
  const examples = exampleLabels.map((label, i) => {
    const size = exampleSizes[i]!;
    const vector = { ids: flatFeatures.subarray(offset, offset + size), values: Float64Array.from(flatValues.subarray(offset, offset + size)) };
    offset += size;
    return { label, vector };
  });
  const learned: Learned = { classes, vocabulary, words, space: new FeatureSpace(features, idf), examples, linear, neural };
  return new LocaleModel(language, parts, learned);
}

/** A model for exactly this catalog from `file`, or undefined (missing, stale or unreadable files are retrained). */
export function readModel(file: string, catalog: Catalog, language: LanguageData): LocaleModel | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AppError('internal', `intent matcher: cannot read the model file ${file}`, { cause: error });
  }
  let json: Partial<ModelFile>;
  try {
    json = JSON.parse(text) as Partial<ModelFile>;
  } catch {
    return undefined; // A torn or foreign file: retraining overwrites it.
  }
  return fromModelFile(json, catalog, language);
}

/** Temp file + rename: a reader never sees half a model, and two processes training at once both end with a whole one. */
export function writeModel(file: string, model: ModelFile): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    writeFileSync(temp, JSON.stringify(model));
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new AppError('internal', `intent matcher: cannot write the model file ${file}`, { cause: error });
  }
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isIndexes(value: unknown, limit: number): value is number[] {
  return Array.isArray(value) && value.every((item) => Number.isInteger(item) && item >= 0 && item < limit);
}

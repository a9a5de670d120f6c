// Pre-trained word vectors (GloVe, 100 dimensions, int8) from models/word-vectors.bin: meaning for words the catalog never used.
//
// The table is built by scripts/build-embeddings.mjs (its header says where the vectors come from and how to rebuild
// them). It is read once per process, on first use, with one readFileSync; words are found by binary search in the
// file's own sorted word list and their vectors dequantised on demand, so loading builds no Map, splits no string and
// never expands the int8 table into floats.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors/app-error.js';
import { packageRoot } from '../shared/package-root.js';
import { rememberWord } from './text/word-memo.js';

const MAGIC = 'PKWV';
const VERSION = 1;
const HEADER_BYTES = 48;

export class WordVectors {
  /** Identifies the table's content (the SHA-256 its builder wrote): models trained with other vectors are retrained. */
  readonly id: string;
  readonly dims: number;
  readonly size: number;
  private readonly rows = new Map<string, number>();

  private constructor(
    id: string,
    dims: number,
    private readonly ranks: Uint32Array,
    private readonly scales: Float32Array,
    private readonly starts: Uint32Array,
    private readonly values: Int8Array,
    /** The sorted word list, each word followed by a newline. */
    private readonly list: Uint8Array,
  ) {
    this.id = id;
    this.dims = dims;
    this.size = ranks.length;
  }

  /** Parses a table built by scripts/build-embeddings.mjs; throws an AppError naming the file if it is not one. */
  static fromBuffer(file: string, bytes: Buffer): WordVectors {
    const broken = (why: string) =>
      new AppError('internal', `word vectors: ${file} is ${why}; rebuild it with scripts/build-embeddings.mjs (see its header)`, { details: { file } });
    if (bytes.length < HEADER_BYTES || bytes.toString('latin1', 0, 4) !== MAGIC) throw broken('not a word-vector table');
    if (bytes.readUInt32LE(4) !== VERSION) throw broken(`version ${bytes.readUInt32LE(4)}, not ${VERSION}`);
    const count = bytes.readUInt32LE(8);
    const dims = bytes.readUInt32LE(12);
    const vectorsAt = HEADER_BYTES + count * 12 + 4;
    const listAt = vectorsAt + count * dims;
    if (count === 0 || dims === 0 || listAt > bytes.length) throw broken('truncated');
    // Typed-array views need aligned offsets; a buffer from a shared pool may not be, so it is copied once then.
    const buffer = bytes.byteOffset % 4 === 0 ? bytes.buffer : Uint8Array.from(bytes).buffer;
    const at = bytes.byteOffset % 4 === 0 ? bytes.byteOffset : 0;
    const starts = new Uint32Array(buffer, at + HEADER_BYTES + count * 8, count + 1);
    if (starts[count] !== bytes.length - listAt) throw broken('inconsistent (word list length)');
    return new WordVectors(
      bytes.toString('hex', 16, HEADER_BYTES),
      dims,
      new Uint32Array(buffer, at + HEADER_BYTES, count),
      new Float32Array(buffer, at + HEADER_BYTES + count * 4, count),
      starts,
      new Int8Array(buffer, at + vectorsAt, count * dims),
      new Uint8Array(buffer, at + listAt, bytes.length - listAt),
    );
  }

  has(word: string): boolean {
    return this.find(word) >= 0;
  }

  /** Adds `weight` times the word's unit vector to `into`; false (and nothing added) for a word without a vector. */
  addTo(into: Float64Array, word: string, weight: number): boolean {
    const i = this.find(word);
    if (i < 0) return false;
    const scale = this.scales[i]! * weight;
    const base = i * this.dims;
    for (let d = 0; d < this.dims; d += 1) into[d] = into[d]! + this.values[base + d]! * scale;
    return true;
  }

  /** The word's unit vector, or undefined. */
  vector(word: string): Float64Array | undefined {
    const out = new Float64Array(this.dims);
    return this.addTo(out, word, 1) ? out : undefined;
  }

  /** The word's rank in the source's frequency order (0 = most frequent), or undefined for a word without a vector. */
  rank(word: string): number | undefined {
    const i = this.find(word);
    return i < 0 ? undefined : this.ranks[i];
  }

  /**
   * How much a word says about a sentence's topic: a/(a + p(word)) with p estimated from the word's frequency rank
   * (Zipf's law), as in the smooth inverse frequency weighting of Arora et al. (2017). "the" weighs ~0.01,
   * a word ranked 1000th ~0.9; undefined for a word without a vector.
   */
  weight(word: string): number | undefined {
    const i = this.find(word);
    if (i < 0) return undefined;
    const probability = 1 / ((this.ranks[i]! + 1) * ZIPF_HARMONIC);
    return SIF_A / (SIF_A + probability);
  }

  /**
   * The sentence's meaning as one unit vector: the mean of its words' vectors weighted by weight() (so "the", "is" and
   * "my" hardly count), as in Arora et al.'s SIF baseline. Words without a vector (typos, names) add nothing; all zeros
   * when none has one.
   */
  sentenceVector(words: readonly string[]): Float64Array {
    const sum = new Float64Array(this.dims);
    for (const word of words) {
      const weight = this.weight(word);
      if (weight !== undefined) this.addTo(sum, word, weight);
    }
    let norm = 0;
    for (const value of sum) norm += value * value;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let d = 0; d < this.dims; d += 1) sum[d] = sum[d]! / norm;
    return sum;
  }

  /**
   * The word's row, -1 if absent (the table holds only a-z words of at most 40 letters). A message asks for each of its
   * words three times (its form, its weight, its vector), and the same words come back message after message: each is
   * searched once, then remembered (see word-memo.ts: up to ROW_MEMO_SIZE words, then searched every time).
   */
  private find(word: string): number {
    const known = this.rows.get(word);
    if (known !== undefined) return known;
    const row = this.search(word);
    // Over-long words are not kept (rememberWord): only words of real length fill the memo, at most its size.
    rememberWord(this.rows, word, row, ROW_MEMO_SIZE);
    return row;
  }

  /** Binary search over the sorted list; the shape check runs only here, for words not yet remembered. */
  private search(word: string): number {
    if (word.length === 0 || word.length > MAX_WORD_LENGTH || !/^[a-z]+$/.test(word)) return -1;
    let low = 0;
    let high = this.size - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const order = this.compare(word, middle);
      if (order === 0) return middle;
      if (order < 0) high = middle - 1;
      else low = middle + 1;
    }
    return -1;
  }

  private compare(word: string, row: number): number {
    const start = this.starts[row]!;
    const length = this.starts[row + 1]! - 1 - start;
    const shared = Math.min(word.length, length);
    for (let k = 0; k < shared; k += 1) {
      const difference = word.charCodeAt(k) - this.list[start + k]!;
      if (difference !== 0) return difference;
    }
    return word.length - length;
  }
}

/** Words whose row find() remembers: the catalogs' vocabulary and what people write fit many times over. */
const ROW_MEMO_SIZE = 20_000;
/** Longer words are not looked up (the shipped table's longest has 22 letters). */
const MAX_WORD_LENGTH = 40;

/** Harmonic number of the source's ~340 000 words: Zipf's law p(rank) = 1 / (rank * H). */
const ZIPF_HARMONIC = 13.3;
const SIF_A = 1e-3;

export function wordVectorsFile(): string {
  return path.join(packageRoot(), 'models', 'word-vectors.bin');
}

const loaded = new Map<string, WordVectors>();
/** A table (default: the shipped English one), read on first use and kept for the life of the process. */
export function wordVectors(file = wordVectorsFile()): WordVectors {
  const known = loaded.get(file);
  if (known) return known;
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (error) {
    throw new AppError('internal', `word vectors: cannot read ${file}; it ships with the package (rebuild it with scripts/build-embeddings.mjs)`, { cause: error });
  }
  const table = WordVectors.fromBuffer(file, bytes);
  loaded.set(file, table);
  return table;
}

/** A fixed set of words (the catalog's), asked how close in meaning another word comes to any of them. */
export class WordSet {
  private readonly vectors: Float32Array;
  private readonly count: number;
  private readonly words: string[] = [];

  constructor(
    private readonly table: WordVectors,
    words: Iterable<string>,
  ) {
    const rows: Float64Array[] = [];
    for (const word of new Set(words)) {
      const vector = table.vector(word);
      if (vector) {
        rows.push(vector);
        this.words.push(word);
      }
    }
    this.count = rows.length;
    this.vectors = new Float32Array(rows.length * table.dims);
    rows.forEach((row, i) => {
      this.vectors.set(row, i * table.dims);
    });
  }

  /** The highest cosine between the word and a word of the set (0 for a word without a vector). */
  closeness(word: string): number {
    return this.nearest(word).closeness;
  }

  /** The word of the set closest in meaning to `word`, and its cosine (undefined and 0 for a word without a vector). */
  nearest(word: string): { word: string | undefined; closeness: number } {
    const vector = this.table.vector(word);
    if (!vector) return { word: undefined, closeness: 0 };
    const dims = this.table.dims;
    let best = 0;
    let at = -1;
    for (let i = 0; i < this.count; i += 1) {
      let dot = 0;
      const base = i * dims;
      for (let d = 0; d < dims; d += 1) dot += vector[d]! * this.vectors[base + d]!;
      if (dot > best) {
        best = dot;
        at = i;
      }
    }
    return { word: at < 0 ? undefined : this.words[at], closeness: best };
  }
}

// The shipped word-vector table (models/word-vectors.bin): what it knows, how close words come, and broken files.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WordSet, WordVectors, wordVectors, wordVectorsFile } from '../../src/objections/word-vectors.js';

const cosine = (a: Float64Array, b: Float64Array) => a.reduce((sum, value, d) => sum + value * b[d]!, 0);

describe('the shipped word-vector table', () => {
  const table = wordVectors();

  it('holds tens of thousands of 100-dimensional words, read once per process', () => {
    expect(table.dims).toBe(100);
    expect(table.size).toBeGreaterThan(30_000);
    expect(wordVectors()).toBe(table);
    expect(table.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('has the catalog and lexicon words people use, and nothing for typos, other scripts or upper case', () => {
    for (const word of ['boss', 'supervisor', 'fingerprint', 'whereabouts', 'reimburse', 'stolen', 'biometrics']) expect(table.has(word), word).toBe(true);
    for (const word of ['smartfone', 'фото', 'Boss', '', 'a'.repeat(60)]) expect(table.has(word), word).toBe(false);
    expect(table.vector('smartfone')).toBeUndefined();
  });

  it('gives unit vectors in which related words are closer than unrelated ones', () => {
    const boss = table.vector('boss')!;
    expect(cosine(boss, boss)).toBeCloseTo(1, 2);
    expect(cosine(boss, table.vector('manager')!)).toBeGreaterThan(cosine(boss, table.vector('banana')!) + 0.3);
    expect(cosine(table.vector('photos')!, table.vector('pictures')!)).toBeGreaterThan(0.6);
  });

  it('weighs frequent words down in a sentence vector, and gives zeros when no word has a vector', () => {
    expect(table.weight('the')!).toBeLessThan(0.05);
    expect(table.weight('fingerprint')!).toBeGreaterThan(0.9);
    const sentence = table.sentenceVector(['will', 'my', 'boss', 'see', 'my', 'photos']);
    expect(cosine(sentence, sentence)).toBeCloseTo(1, 5);
    expect(cosine(sentence, table.sentenceVector(['can', 'the', 'manager', 'look', 'at', 'my', 'pictures']))).toBeGreaterThan(
      cosine(sentence, table.sentenceVector(['what', 'is', 'the', 'capital', 'of', 'peru'])),
    );
    expect([...table.sentenceVector(['smartfone', 'xyzzy'])].every((value) => value === 0)).toBe(true);
  });

  it('answers a word asked again as the first time, also after a flood of words nobody writes twice', () => {
    const fresh = WordVectors.fromBuffer(wordVectorsFile(), readFileSync(wordVectorsFile()));
    const words = ['boss', 'fingerprint', 'smartfone', 'passkeys', 'the'];
    const first = words.map((word) => [fresh.has(word), fresh.rank(word), fresh.weight(word), fresh.vector(word)]);
    // More distinct words (a-z, as a table word would be) than the table remembers rows for: past its bound it
    // searches instead of growing.
    const letters = (n: number) => [...n.toString(26)].map((digit) => String.fromCharCode(97 + Number.parseInt(digit, 26))).join('');
    for (let i = 0; i < 30_000; i += 1) fresh.has(`zz${letters(i)}q`);
    for (const word of ['fingerprints', 'boss']) expect(fresh.has(word), word).toBe(true);
    expect(words.map((word) => [fresh.has(word), fresh.rank(word), fresh.weight(word), fresh.vector(word)])).toEqual(first);
    expect(fresh.sentenceVector(['will', 'my', 'boss', 'see', 'my', 'photos'])).toEqual(table.sentenceVector(['will', 'my', 'boss', 'see', 'my', 'photos']));
  });

  it('tells how close a word comes to a set of words', () => {
    const set = new WordSet(table, ['outdated', 'phone', 'notaword']);
    expect(set.closeness('obsolete')).toBeGreaterThan(0.6);
    expect(set.closeness('quantum')).toBeLessThan(0.5);
    expect(set.closeness('notaword')).toBe(0);
    expect(set.nearest('obsolete').word).toBe('outdated');
    expect(set.nearest('notaword')).toEqual({ word: undefined, closeness: 0 });
  });
});

describe('a word-vector file that is not what the builder wrote', () => {
  const bytes = readFileSync(wordVectorsFile());

  it('is refused with an error that says how to rebuild it', () => {
    expect(() => WordVectors.fromBuffer('x.bin', Buffer.from('not a table at all, just some text that is long enough'))).toThrow(/rebuild it with scripts\/build-embeddings\.mjs/);
    expect(() => WordVectors.fromBuffer('x.bin', bytes.subarray(0, bytes.length - 10))).toThrow(/x\.bin is/);
    const otherVersion = Buffer.from(bytes);
    otherVersion.writeUInt32LE(99, 4);
    expect(() => WordVectors.fromBuffer('x.bin', otherVersion)).toThrow(/version 99/);
  });

  it('is identified by its content hash, so a model trained with other vectors is not reused', () => {
    const copy = Buffer.from(bytes);
    expect(WordVectors.fromBuffer('copy.bin', copy).id).toBe(wordVectors().id);
    copy.fill(7, 16, 48);
    expect(WordVectors.fromBuffer('copy.bin', copy).id).not.toBe(wordVectors().id);
  });

  it('reads the same words from a buffer that does not start on a 4-byte boundary', () => {
    const shifted = Buffer.alloc(bytes.length + 1);
    bytes.copy(shifted, 1);
    const table = WordVectors.fromBuffer('shifted.bin', shifted.subarray(1));
    expect(table.vector('boss')).toEqual(wordVectors().vector('boss'));
  });
});

// Text analysis: clean-up, tokens, clauses, the per-language data files and the stemmers behind them.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Analyser } from '../../src/objections/text/analyser.js';
import { cleanText, prepareInput } from '../../src/objections/text/clean.js';
import { splitClauses } from '../../src/objections/text/clauses.js';
import { languageData } from '../../src/objections/text/language-data.js';
import { stemmerFor } from '../../src/objections/text/stemmers.js';
import { MEMO_WORD_LENGTH, rememberWord } from '../../src/objections/text/word-memo.js';

const english = () => languageData('en');

describe('clean-up', () => {
  it('normalises width, removes markup and emoji, keeps case for "IT"', () => {
    expect(cleanText('Ｃａｎ  IT\tsee my 📸 <i>photos</i>?')).toBe('Can IT see my photos ?');
    expect(cleanText('it&#39;s &amp; <br/>fine')).toBe("it's & fine");
  });

  it('refuses what no model needs to read: nothing, too long, another script', () => {
    expect(prepareInput(' ?? ')).toEqual({ refused: 'empty' });
    expect(prepareInput('x'.repeat(5000))).toEqual({ refused: 'too-long' });
    expect(prepareInput('我的老板能看到我的照片吗')).toEqual({ refused: 'other-script' });
    expect(prepareInput('will my boss see my photos?')).toEqual({ text: 'will my boss see my photos?' });
  });
});

describe('the English analyser', () => {
  const analyser = () => new Analyser(english(), new Set(['boss', 'photo']));

  it('spells out contractions typed with or without the apostrophe, and reads "IT" as the department', () => {
    expect(analyser().tokenise("I can't, won't and dont. IT's job")).toEqual(['i', 'can', 'not', 'will', 'not', 'and', 'do', 'not', 'itdept', 'job']);
    expect(analyser().tokenise('IT IS SHOUTED')).toEqual(['it', 'is', 'shouted']);
  });

  it('names the lexicon concepts, longest phrase first, and tells known from unknown content words', () => {
    const analysis = analyser().analyse('can my line manager see my photos from the zorblat');
    expect(analysis.concepts).toEqual(expect.arrayContaining(['zzemployer', 'zzprivatecontent']));
    expect(analysis.unknownContent).toEqual(['zorblat']);
    expect(analysis.stems).toContain('photo');
  });

  it('reads a synonym as the word it stands for', () => {
    expect(analyser().analyse('my handset is antiquated', new Map([['antiquated', 'outdated']])).words).toEqual(['my', 'handset', 'is', 'outdated']);
  });
});

describe('clauses', () => {
  it('cuts at sentence ends and joining words, and drops scraps', () => {
    const breaks = english().clauseBreaks;
    expect(splitClauses('can they see my photos? and do I get paid for this', breaks)).toEqual(['can they see my photos?', 'do I get paid for this']);
    expect(splitClauses('my phone is old but it works fine', breaks)).toEqual(['my phone is old', 'it works fine']);
    expect(splitClauses('ok. yes', breaks)).toEqual([]);
  });
});

describe('language data files', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  const write = (files: Record<string, unknown>) => {
    dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-lang-'));
    for (const [name, json] of Object.entries(files)) writeFileSync(path.join(dir, name), typeof json === 'string' ? json : JSON.stringify(json));
    return dir;
  };
  const commands = { examples: { status: ['a', 'b', 'c', 'd', 'e'], setup: ['a', 'b', 'c', 'd', 'e'], help: ['a', 'b', 'c', 'd', 'e'] } };

  it('loads a new language from data alone (German stemmer and stop words from @nlpjs/lang-de)', () => {
    const data = languageData('de', write({ 'words.json': { stemmer: 'de', functionWords: ['und', 'ich'] }, 'lexicon.json': { concepts: { employer: ['Chef', 'Arbeitgeber'] } }, 'commands.json': commands }));
    expect(data.stemming.stem('überwachung')).toBe(stemmerFor('de').stem('überwachung'));
    expect(data.functionWords.has('und')).toBe(true);
    expect(data.wordVectorsFile).toBeUndefined();
  });

  it('finds a stemmer by its language code alone, stems nothing with "none", and says how to get a missing one', () => {
    expect(stemmerFor('none').stem('überwachungen')).toBe('überwachungen');
    expect(stemmerFor('none').stopWords).toEqual([]);
    const data = languageData('sv', write({ 'words.json': { stemmer: 'none', functionWords: ['och'] }, 'lexicon.json': { concepts: { employer: ['chef'] } }, 'commands.json': commands }));
    expect(data.stemming.stem('arbetsgivaren')).toBe('arbetsgivaren');
    expect(data.functionWords.has('och')).toBe(true);
    // A code NLP.js could serve but this package does not depend on: the error names the package to install.
    expect(() => stemmerFor('qx')).toThrow(/npm install @nlpjs\/lang-qx.*"stemmer": "none"/);
  });

  it('splits an elision into its two words, whatever follows it (French l\', d\', qu\')', () => {
    const data = languageData('fr', write({ 'words.json': { stemmer: 'fr', elisions: ['l', 'd', 'qu'], contractions: { l: ['le'], d: ['de'], qu: ['que'] } }, 'lexicon.json': { concepts: {} }, 'commands.json': commands }));
    const analyser = new Analyser(data, new Set());
    expect(analyser.tokenise("L'appli d'authentification, qu'est-ce qu'elle voit ?")).toEqual(['le', 'appli', 'de', 'authentification', 'que', 'est', 'ce', 'que', 'elle', 'voit']);
    expect(analyser.tokenise("L'IT d'abord")).toEqual(['le', 'it', 'de', 'abord']);
  });

  it('says which file is missing or wrong', () => {
    expect(() => languageData('xx', write({ 'words.json': { stemmer: 'en' } }))).toThrow(/has no lexicon\.json/);
    expect(() => languageData('xy', write({ 'words.json': { stemmer: 'klingon' }, 'lexicon.json': { concepts: {} }, 'commands.json': commands }))).toThrow(/words\.json: stemmer/);
    expect(() => languageData('xz', write({ 'words.json': '{not json', 'lexicon.json': { concepts: {} }, 'commands.json': commands }))).toThrow(/not valid JSON/);
  });
});

describe('stemmers of the five languages', () => {
  it.each([
    ['en', 'monitoring', 'monitor'],
    ['de', 'Überwachungen'.toLowerCase(), 'uberwach'],
    ['fr', 'surveillance', 'surveil'],
    ['es', 'vigilancia', 'vigil'],
    ['nl', 'controleren', 'controler'],
  ])('%s: %s -> %s', (locale, word, stem) => {
    expect(stemmerFor(locale as 'en').stem(word)).toBe(stem);
  });
});

describe('a word memo', () => {
  it('fills up to its size and then stays as it is, and never keeps a word longer than real words are', () => {
    const memo = new Map<string, number>();
    rememberWord(memo, 'x'.repeat(MEMO_WORD_LENGTH + 1), 1, 3);
    rememberWord(memo, 'x'.repeat(1000), 2, 3);
    for (const [i, word] of ['boss', 'phone', 'x'.repeat(MEMO_WORD_LENGTH), 'privacy'].entries()) rememberWord(memo, word, i, 3);
    expect([...memo]).toEqual([
      ['boss', 0],
      ['phone', 1],
      ['x'.repeat(MEMO_WORD_LENGTH), 2],
    ]);
  });
});

// `passkey-coach classify`: one JSON line per non-empty input line, in order: text, locale, intent (none when not
// understood), confidence rounded, every concern found, and the command when one was asked for.

import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/objections/catalog-loader.js';
import { runClassifyCommand } from '../../src/objections/classify-command.js';
import { type ClassifyOptions, type IntentMatch, IntentMatcher } from '../../src/objections/intent-matcher.js';

type Classifier = { classify(text: string, options?: ClassifyOptions): Promise<IntentMatch> };

async function run(input: string, matcher: Classifier, locale?: string): Promise<unknown[]> {
  const lines: string[] = [];
  await runClassifyCommand({ input: Readable.from([input]), out: (line) => lines.push(line), matcher, ...(locale ? { locale } : {}) });
  return lines.map((line) => JSON.parse(line));
}

describe('with a stand-in matcher (the command alone)', () => {
  const seen: (string | undefined)[] = [];
  const matcher: Classifier = {
    classify: async (text, options) => {
      seen.push(options?.locale);
      if (text.startsWith('pay')) return { locale: 'en', intent: 'compensation', confidence: 0.123456, intents: [{ intent: 'compensation', score: 0.123456 }, { intent: 'personal-device', score: 0.1 }], reason: 'matched', candidates: [] };
      if (text.startsWith('status')) return { locale: 'en', intent: 'enrolled', confidence: 0.9, intents: [], command: 'status', reason: 'command', candidates: [] };
      return { locale: 'en', intent: 'out-of-scope', confidence: 0.5, intents: [], fallback: 'not-understood', reason: 'not-words', candidates: [] };
    },
  };

  it('skips blank lines, keeps order and the exact text, rounds to 3 decimals, lists every concern', async () => {
    expect(await run('pay me\n\n   \nhello there\r\nstatus pls', matcher)).toEqual([
      { text: 'pay me', locale: 'en', intent: 'compensation', confidence: 0.123, intents: ['compensation', 'personal-device'] },
      { text: 'hello there', locale: 'en', intent: 'none', confidence: 0.5, intents: [] },
      { text: 'status pls', locale: 'en', intent: 'enrolled', confidence: 0.9, intents: [], command: 'status' },
    ]);
  });

  it('passes --locale to the matcher, and nothing without it', async () => {
    seen.length = 0;
    await run('pay me\n', matcher, 'en');
    await run('pay me\n', matcher);
    expect(seen).toEqual(['en', undefined]);
  });

  it('drops a byte-order mark and answers a last line without a newline', async () => {
    expect(await run('\uFEFFpay me', matcher)).toMatchObject([{ text: 'pay me', intent: 'compensation' }]);
  });

  it('writes nothing for empty input', async () => {
    expect(await run('', matcher)).toEqual([]);
  });
});

describe('with the real matcher', () => {
  let matcher: IntentMatcher;
  beforeAll(async () => {
    matcher = await IntentMatcher.train(loadCatalog({ locale: 'en' }));
  }, 120_000);

  it('"will my boss see my photos?" prints personal-data-access in English with its confidence', async () => {
    const [line] = (await run('will my boss see my photos?\n', matcher)) as { text: string; locale: string; intent: string; confidence: number; intents: string[] }[];
    expect(line).toMatchObject({ text: 'will my boss see my photos?', locale: 'en', intent: 'personal-data-access', intents: ['personal-data-access'] });
    expect(line?.confidence).toBeGreaterThan(matcher.threshold);
    expect(Number.isInteger((line?.confidence ?? 0) * 1000)).toBe(true);
  });

  it('prints none for a line with nothing to understand, and the command for one asked in words', async () => {
    expect(await run('qwzx plorbt vvkj\nwhat can u do\n', matcher, 'en')).toMatchObject([
      { intent: 'none', intents: [] },
      { command: 'help', intents: [] },
    ]);
  });
});

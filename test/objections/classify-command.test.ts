// `passkey-coach classify`: one JSON line per non-empty input line, in order, with the confidence rounded.

import { Readable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/objections/catalog-loader.js';
import { runClassifyCommand } from '../../src/objections/classify-command.js';
import { IntentMatcher, type IntentMatch } from '../../src/objections/intent-matcher.js';

async function run(input: string, matcher: { classify(text: string): Promise<IntentMatch> }): Promise<unknown[]> {
  const lines: string[] = [];
  await runClassifyCommand({ input: Readable.from([input]), out: (line) => lines.push(line), matcher });
  return lines.map((line) => JSON.parse(line));
}

describe('with a stand-in matcher (the command alone)', () => {
  const matcher = {
    classify: async (text: string): Promise<IntentMatch> => ({ intent: text.startsWith('pay') ? 'compensation' : 'out-of-scope', confidence: 0.123456, candidates: [], reason: 'matched' }),
  };

  it('skips blank lines, keeps order and the exact text, rounds to 3 decimals', async () => {
    expect(await run('pay me\n\n   \nhello there\r\npay now', matcher)).toEqual([
      { text: 'pay me', intent: 'compensation', confidence: 0.123 },
      { text: 'hello there', intent: 'out-of-scope', confidence: 0.123 },
      { text: 'pay now', intent: 'compensation', confidence: 0.123 },
    ]);
  });

  it('drops a byte-order mark and answers a last line without a newline', async () => {
    expect(await run('\uFEFFpay me', matcher)).toEqual([{ text: 'pay me', intent: 'compensation', confidence: 0.123 }]);
  });

  it('writes nothing for empty input', async () => {
    expect(await run('', matcher)).toEqual([]);
  });
});

describe('with the real matcher', () => {
  let matcher: IntentMatcher;
  beforeAll(async () => {
    matcher = await IntentMatcher.train(loadCatalog({ locale: 'en' }));
  }, 60_000);

  it('echo "will my boss see my photos?" prints personal-data-access with its confidence', async () => {
    const [line] = (await run('will my boss see my photos?\n', matcher)) as { text: string; intent: string; confidence: number }[];
    expect(line?.text).toBe('will my boss see my photos?');
    expect(line?.intent).toBe('personal-data-access');
    expect(line?.confidence).toBeGreaterThan(matcher.threshold);
    expect(Number.isInteger((line?.confidence ?? 0) * 1000)).toBe(true);
  });
});

// `passkey-coach classify`: one JSON line per non-empty input line, with the same matcher (catalog, threshold) as the bot.

import { createInterface } from 'node:readline';
import type { IntentMatch } from './intent-matcher.js';

export interface ClassifyCommandOptions {
  input: NodeJS.ReadableStream;
  out: (line: string) => void;
  matcher: { classify(text: string): Promise<IntentMatch> };
}

/** Resolves with the number of lines classified once the input ends. Lines are answered in input order. */
export async function runClassifyCommand({ input, out, matcher }: ClassifyCommandOptions): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  let count = 0;
  for await (const raw of lines) {
    const line = count === 0 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    const match = await matcher.classify(line);
    out(JSON.stringify({ text: line, intent: match.intent, confidence: Math.round(match.confidence * 1000) / 1000 }));
    count += 1;
  }
  return count;
}

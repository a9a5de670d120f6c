// `passkey-coach classify [--locale xx]`: one JSON line per non-empty input line, with the same matcher (catalog, model,
// threshold) as the bot: {"text", "locale", "intent", "confidence", "intents", "command"?}. `intent` is `none` when the
// coach did not understand the line (the dev and blind sets' word for it), `intents` every concern found, most
// confident first, and `command` the command asked for in words. Without --locale the language is detected.

import { createInterface } from 'node:readline';
import type { ClassifyOptions, IntentMatch } from './intent-matcher.js';

export interface ClassifyCommandOptions {
  input: NodeJS.ReadableStream;
  out: (line: string) => void;
  matcher: { classify(text: string, options?: ClassifyOptions): Promise<IntentMatch> };
  locale?: string;
}

export interface ClassifiedLine {
  text: string;
  locale: string;
  intent: string;
  confidence: number;
  intents: string[];
  command?: string;
}

export function classifiedLine(text: string, match: IntentMatch): ClassifiedLine {
  return {
    text,
    locale: match.locale,
    intent: match.fallback === 'not-understood' ? 'none' : match.intent,
    confidence: Math.round(match.confidence * 1000) / 1000,
    intents: match.intents.map(({ intent }) => intent),
    ...(match.command ? { command: match.command } : {}),
  };
}

/** Resolves with the number of lines classified once the input ends. Lines are answered in input order. */
export async function runClassifyCommand({ input, out, matcher, locale }: ClassifyCommandOptions): Promise<number> {
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  let count = 0;
  for await (const raw of lines) {
    const line = count === 0 ? raw.replace(/^\uFEFF/, '') : raw;
    if (line.trim() === '') continue;
    out(JSON.stringify(classifiedLine(line, await matcher.classify(line, locale === undefined ? {} : { locale }))));
    count += 1;
  }
  return count;
}

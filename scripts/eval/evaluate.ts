// Scores the intent matcher on a labelled set (dev or blind) and by repeated k-fold cross-validation on the catalog.
// A report names a wrong line by its number only unless the caller asks for texts (never for a blind set).

import type { Catalog } from '../../src/objections/catalog-loader.js';
import type { CommandName, IntentMatch, IntentMatcher } from '../../src/objections/intent-matcher.js';
import { COMMANDS, languageData } from '../../src/objections/text/language-data.js';
import { type Answer, foundBoth, isRight, type LabelledLine } from './labelled-set.js';

export const REQUIRED_DEV_ACCURACY = 0.95;

export interface Mistake {
  line: number;
  label: string;
  got: string;
  reason: string;
  text?: string;
}

export interface Evaluation {
  total: number;
  correct: number;
  accuracy: number;
  /** By kind of line: one intent, two intents, command, none. */
  byKind: Record<string, { total: number; correct: number }>;
  /** Two-intent lines: how many had both found. */
  bothFound: number;
  /** Over intent lines: precision and recall of the set of intents found against the labels. */
  setPrecision: number;
  setRecall: number;
  mistakes: Mistake[];
}

/** A match in the sets' vocabulary: `none` for the not-understood fallback. */
export function answerOf(match: IntentMatch): Answer {
  return { intent: match.fallback === 'not-understood' ? 'none' : match.intent, intents: match.intents.map(({ intent }) => intent), command: match.command };
}

export function kindOf(row: LabelledLine): string {
  if (row.expected.kind !== 'intent') return row.expected.kind;
  return row.expected.intents.length === 2 ? 'two-intents' : 'one-intent';
}

export async function evaluate(matcher: IntentMatcher, rows: readonly LabelledLine[], options: { withTexts?: boolean; locale?: string } = {}): Promise<Evaluation> {
  const byKind: Evaluation['byKind'] = {};
  const mistakes: Mistake[] = [];
  let correct = 0;
  let bothFound = 0;
  let foundRight = 0;
  let foundAll = 0;
  let labelled = 0;
  for (const row of rows) {
    const match = await matcher.classify(row.text, options.locale ? { locale: options.locale } : {});
    const answer = answerOf(match);
    const kind = byKind[kindOf(row)] ?? { total: 0, correct: 0 };
    byKind[kindOf(row)] = kind;
    kind.total += 1;
    if (isRight(row.expected, answer)) {
      correct += 1;
      kind.correct += 1;
    } else {
      const got = answer.command ? `command:${answer.command}` : [answer.intent, ...answer.intents.slice(1)].join(',');
      mistakes.push({ line: row.line, label: row.label, got, reason: match.reason, ...(options.withTexts ? { text: row.text } : {}) });
    }
    if (row.expected.kind === 'intent') {
      if (row.expected.intents.length === 2 && foundBoth(row.expected, answer)) bothFound += 1;
      const found = answer.command || answer.intent === 'none' ? [] : answer.intents.length > 0 ? answer.intents : [answer.intent];
      foundAll += found.length;
      foundRight += found.filter((id) => (row.expected.kind === 'intent' ? row.expected.intents.includes(id) : false)).length;
      labelled += row.expected.intents.length;
    }
  }
  return {
    total: rows.length,
    correct,
    accuracy: round3(rows.length === 0 ? 0 : correct / rows.length),
    byKind,
    bothFound,
    setPrecision: round3(foundAll === 0 ? 0 : foundRight / foundAll),
    setRecall: round3(labelled === 0 ? 0 : foundRight / labelled),
    mistakes,
  };
}

/**
 * Repeated k-fold cross-validation on the catalog's own examples and its language's command examples: each repeat
 * shuffles every class's examples with its own seed and cuts them into k folds; a matcher trained on k-1 folds is tested
 * on the held-out one (top intent; for a command example, that command).
 */
export async function crossValidate(
  catalog: Catalog,
  folds: number,
  repeats: number,
  train: (catalog: Catalog, commands: Record<CommandName, string[]>) => Promise<IntentMatcher>,
): Promise<{ accuracy: number; total: number; perRepeat: number[]; commands: { correct: number; total: number } }> {
  const commandExamples = languageData(catalog.locale).commands;
  let correct = 0;
  let total = 0;
  const commandScore = { correct: 0, total: 0 };
  const perRepeat: number[] = [];
  for (let repeat = 0; repeat < repeats; repeat += 1) {
    const orders = new Map([...catalog.intents].map(([id, intent], k) => [id, shuffled(intent.examples, 1000 * (repeat + 1) + k)]));
    const commandOrders = COMMANDS.map((command, k) => [command, shuffled(commandExamples[command], 1000 * (repeat + 1) + 100 + k)] as const);
    let repeatCorrect = 0;
    let repeatTotal = 0;
    for (let fold = 0; fold < folds; fold += 1) {
      const held: { intent?: string; command?: CommandName; text: string }[] = [];
      const intents = new Map(
        [...catalog.intents].map(([id, intent]) => {
          const keep: string[] = [];
          orders.get(id)!.forEach((text, i) => {
            if (i % folds === fold) held.push({ intent: id, text });
            else keep.push(text);
          });
          return [id, { ...intent, examples: keep }] as const;
        }),
      );
      const commands = Object.fromEntries(
        commandOrders.map(([command, texts]) => {
          const keep: string[] = [];
          texts.forEach((text, i) => {
            if (i % folds === fold) held.push({ command, text });
            else keep.push(text);
          });
          return [command, keep];
        }),
      ) as Record<CommandName, string[]>;
      const matcher = await train({ ...catalog, intents, hash: `${catalog.hash}-cv-${repeat}-${fold}` }, commands);
      for (const { intent, command, text } of held) {
        const match = await matcher.classify(text, { locale: catalog.locale });
        const right = command
          ? match.command === command
          : match.intent === intent && !match.command && (match.fallback === undefined || intent === 'out-of-scope');
        if (right) repeatCorrect += 1;
        repeatTotal += 1;
        if (command) {
          commandScore.total += 1;
          if (right) commandScore.correct += 1;
        }
      }
    }
    perRepeat.push(round3(repeatCorrect / repeatTotal));
    correct += repeatCorrect;
    total += repeatTotal;
  }
  return { accuracy: round3(correct / total), total, perRepeat, commands: commandScore };
}

function shuffled<T>(list: readonly T[], seed: number): T[] {
  const out = [...list];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

// Scores the intent matcher on the dev set (never trained on): accuracy, per-intent precision/recall/F1, confusions.
// Run through scripts/eval-objections.mjs (`npm run eval:objections`); the dev-set test imports evaluate() directly.

import { readFileSync } from 'node:fs';
import { AppError } from '../src/errors/app-error.js';
import type { Catalog } from '../src/objections/catalog-loader.js';
import { INTENT_IDS, type IntentId } from '../src/objections/catalog-schema.js';
import { DEFAULT_TUNING, type IntentMatcher, type MatcherTuning, type MatchReason } from '../src/objections/intent-matcher.js';

export const REQUIRED_ACCURACY = 0.95;

export interface LabelledText {
  intent: IntentId;
  text: string;
  /** 1-based line in the source file, for reports. */
  line: number;
}

export interface IntentScore {
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Confusion {
  expected: IntentId;
  got: IntentId;
  confidence: number;
  reason: MatchReason;
  text: string;
  line: number;
}

export interface Evaluation {
  total: number;
  correct: number;
  accuracy: number;
  perIntent: Record<string, IntentScore>;
  confusions: Confusion[];
  reasons: Partial<Record<MatchReason, number>>;
}

/** `intent<TAB>text` per line; blank lines and lines starting with # are skipped; an unknown intent is an error. */
export function readDevSet(file: string): LabelledText[] {
  const rows: LabelledText[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = index + 1;
      if (raw.trim() === '' || raw.startsWith('#')) return;
      const tab = raw.indexOf('\t');
      const intent = raw.slice(0, tab).trim();
      const text = raw.slice(tab + 1).trim();
      if (tab < 0 || text === '') throw new AppError('config.invalid', `${file}:${line}: expected "intent<TAB>text"`, { userFault: true });
      if (!(INTENT_IDS as readonly string[]).includes(intent)) throw new AppError('config.invalid', `${file}:${line}: unknown intent "${intent}"`, { userFault: true });
      rows.push({ intent: intent as IntentId, text, line });
    });
  return rows;
}

export async function evaluate(matcher: IntentMatcher, rows: readonly LabelledText[]): Promise<Evaluation> {
  const counts = new Map<IntentId, { tp: number; fp: number; support: number }>(INTENT_IDS.map((id) => [id, { tp: 0, fp: 0, support: 0 }]));
  const confusions: Confusion[] = [];
  const reasons: Partial<Record<MatchReason, number>> = {};
  let correct = 0;
  for (const row of rows) {
    const match = await matcher.classify(row.text);
    reasons[match.reason] = (reasons[match.reason] ?? 0) + 1;
    counts.get(row.intent)!.support += 1;
    if (match.intent === row.intent) {
      correct += 1;
      counts.get(row.intent)!.tp += 1;
    } else {
      counts.get(match.intent)!.fp += 1;
      confusions.push({ expected: row.intent, got: match.intent, confidence: round3(match.confidence), reason: match.reason, text: row.text, line: row.line });
    }
  }
  const perIntent: Record<string, IntentScore> = {};
  for (const [id, { tp, fp, support }] of counts) {
    const precision = tp + fp === 0 ? (support === 0 ? 1 : 0) : tp / (tp + fp);
    const recall = support === 0 ? 1 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    perIntent[id] = { precision: round3(precision), recall: round3(recall), f1: round3(f1), support };
  }
  return { total: rows.length, correct, accuracy: rows.length === 0 ? 0 : round3(correct / rows.length), perIntent, confusions, reasons };
}

/** The same trained model without guards, and each signal alone: what each part of the design earns on this set. */
export async function ablations(matcher: IntentMatcher, rows: readonly LabelledText[]): Promise<Record<string, number>> {
  const off = { minSimilarity: 0, minMargin: 0, minKnownShare: 0, unknownWordsWeight: 0 };
  const only = (neuralWeight: number, linearWeight: number) => ({ ...off, neuralWeight, linearWeight });
  const variants: Record<string, IntentMatcher> = {
    'NLP.js neural alone, threshold 0.6': matcher.withOptions({ threshold: 0.6, tuning: only(1, 0) }),
    'NLP.js neural alone, no guards': matcher.withOptions({ threshold: 1e-6, tuning: only(1, 0) }),
    'regression alone, no guards': matcher.withOptions({ threshold: 1e-6, tuning: only(0, 1) }),
    'similarity alone, no guards': matcher.withOptions({ threshold: 1e-6, tuning: only(0, 0) }),
    'combined, no guards': matcher.withOptions({ threshold: 1e-6, tuning: only(matcher.tuning.neuralWeight, matcher.tuning.linearWeight) }),
    'shipped, no related-word credit': matcher.withOptions({ tuning: { relatedFrom: 1, relatedFull: 2 } }),
    'combined, with guards (shipped)': matcher,
  };
  const out: Record<string, number> = {};
  for (const [name, variant] of Object.entries(variants)) out[name] = (await evaluate(variant, rows)).accuracy;
  return out;
}

/** k-fold over the catalog's own examples: train on k-1 folds of each intent, test on the held-out fold. */
export async function crossValidate(
  catalog: Catalog,
  folds: number,
  train: (catalog: Catalog) => Promise<IntentMatcher>,
): Promise<{ accuracy: number; total: number; perFold: number[] }> {
  const perFold: number[] = [];
  let correct = 0;
  let total = 0;
  for (let fold = 0; fold < folds; fold += 1) {
    const held: LabelledText[] = [];
    const intents = new Map([...catalog.intents].map(([id, intent]) => {
      const keep = intent.examples.filter((text, i) => {
        if (i % folds !== fold) return true;
        held.push({ intent: id, text, line: i + 1 });
        return false;
      });
      return [id, { ...intent, examples: keep }];
    }));
    const matcher = await train({ ...catalog, intents, hash: `${catalog.hash}-fold-${fold}` });
    const result = await evaluate(matcher, held);
    perFold.push(result.accuracy);
    correct += result.correct;
    total += result.total;
  }
  return { accuracy: total === 0 ? 0 : round3(correct / total), total, perFold };
}

export function formatReport(result: Evaluation, threshold: number, tuning: MatcherTuning = DEFAULT_TUNING): string {
  const lines = [`accuracy ${result.accuracy.toFixed(3)} (${result.correct}/${result.total}), threshold ${threshold}, tuning ${JSON.stringify(tuning)}`, ''];
  lines.push(`${'intent'.padEnd(22)} ${'prec'.padStart(6)} ${'recall'.padStart(6)} ${'f1'.padStart(6)} ${'n'.padStart(4)}`);
  for (const [id, score] of Object.entries(result.perIntent)) {
    lines.push(`${id.padEnd(22)} ${score.precision.toFixed(3).padStart(6)} ${score.recall.toFixed(3).padStart(6)} ${score.f1.toFixed(3).padStart(6)} ${String(score.support).padStart(4)}`);
  }
  lines.push('', `decided by: ${Object.entries(result.reasons).map(([reason, n]) => `${reason} ${n}`).join(', ')}`);
  lines.push('', result.confusions.length === 0 ? 'no confusions' : `confusions (${result.confusions.length}):`);
  for (const c of result.confusions) lines.push(`  ${c.expected} -> ${c.got} (${c.confidence}, ${c.reason}) line ${c.line}: ${c.text}`);
  return lines.join('\n');
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}

// The dev and blind sets' format, and how one answer is scored against one line (test/fixtures/dev/README.md).
//
//   LABEL<TAB>MESSAGE    LABEL: an intent id | two ids joined by a comma | command:status|setup|help | none
//
// Scoring (the rules): a one-intent line is right when the top intent is that intent; a two-intent line when
// the top intent is either (that both were found is counted separately); a command line when that command was found;
// a `none` line when the answer is the not-understood fallback.

import { readFileSync } from 'node:fs';
import { AppError } from '../../src/errors/app-error.js';

/** The intent ids of INTENTS.md, which the sets are written against (the catalog schema's INTENT_IDS follow them). */
export const SET_INTENTS = [
  ...['employer-spying', 'location-tracking', 'personal-data-access', 'personal-device', 'compensation', 'storage-and-data', 'phone-resources'],
  ...['biometrics', 'why-required', 'consequences', 'no-smartphone', 'unsupported-phone', 'lost-phone', 'phone-change', 'synced-passkeys'],
  ...['what-is-a-passkey', 'setup-help', 'cross-device', 'enrolled', 'refusal', 'human-help', 'out-of-scope'],
] as const;

export const COMMAND_LABELS = ['status', 'setup', 'help'] as const;
export type CommandLabel = (typeof COMMAND_LABELS)[number];

export type Expected = { kind: 'intent'; intents: string[] } | { kind: 'command'; command: CommandLabel } | { kind: 'none' };

export interface LabelledLine {
  label: string;
  expected: Expected;
  text: string;
  /** 1-based line in the file, the only thing a report may show of a blind line. */
  line: number;
}

/** What a matcher answered, in the sets' own vocabulary: `intent` is `none` for the not-understood fallback. */
export interface Answer {
  intent: string;
  intents: readonly string[];
  command?: string | undefined;
}

/** Parses one label; `known` are the intent ids a label may name. Throws a clear error for anything else. */
export function parseLabel(label: string, known: readonly string[]): Expected | string {
  if (label === 'none') return { kind: 'none' };
  if (label.startsWith('command:')) {
    const command = label.slice('command:'.length);
    return (COMMAND_LABELS as readonly string[]).includes(command) ? { kind: 'command', command: command as CommandLabel } : `unknown command "${command}"`;
  }
  const intents = label.split(',').map((id) => id.trim());
  if (intents.length > 2) return 'at most two intents';
  const unknown = intents.find((id) => !known.includes(id));
  return unknown === undefined ? { kind: 'intent', intents } : `unknown intent "${unknown}"`;
}

/** Reads a set; blank lines and lines starting with # are skipped. */
export function readLabelledSet(file: string, known: readonly string[] = SET_INTENTS): LabelledLine[] {
  const rows: LabelledLine[] = [];
  readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .forEach((raw, index) => {
      const line = index + 1;
      if (raw.trim() === '' || raw.startsWith('#')) return;
      const tab = raw.indexOf('\t');
      const label = raw.slice(0, tab).trim();
      const text = raw.slice(tab + 1).trim();
      if (tab < 0 || text === '') throw new AppError('config.invalid', `${file}:${line}: expected "LABEL<TAB>MESSAGE"`, { userFault: true });
      const expected = parseLabel(label, known);
      if (typeof expected === 'string') throw new AppError('config.invalid', `${file}:${line}: ${expected}`, { userFault: true });
      rows.push({ label, expected, text, line });
    });
  return rows;
}

/** The accuracy rule for one line. */
export function isRight(expected: Expected, answer: Answer): boolean {
  switch (expected.kind) {
    case 'none':
      return answer.intent === 'none';
    case 'command':
      return answer.command === expected.command;
    case 'intent':
      return answer.command === undefined && expected.intents.includes(answer.intent);
  }
}

/** For a two-intent line: were both found (in `intents`)? */
export function foundBoth(expected: Expected, answer: Answer): boolean {
  return expected.kind === 'intent' && answer.command === undefined && expected.intents.every((id) => answer.intents.includes(id));
}

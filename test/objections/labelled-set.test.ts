// The evaluation sets' format and the issue's scoring rules for one line.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Expected, foundBoth, isRight, parseLabel, readLabelledSet, SET_INTENTS } from '../../scripts/eval/labelled-set.js';

describe('labels', () => {
  it('reads one intent, two, a command and none; refuses anything else with a reason', () => {
    expect(parseLabel('lost-phone', SET_INTENTS)).toEqual({ kind: 'intent', intents: ['lost-phone'] });
    expect(parseLabel('refusal,consequences', SET_INTENTS)).toEqual({ kind: 'intent', intents: ['refusal', 'consequences'] });
    expect(parseLabel('command:status', SET_INTENTS)).toEqual({ kind: 'command', command: 'status' });
    expect(parseLabel('none', SET_INTENTS)).toEqual({ kind: 'none' });
    expect(parseLabel('command:launch', SET_INTENTS)).toBe('unknown command "launch"');
    expect(parseLabel('lost-phone,refusal,enrolled', SET_INTENTS)).toBe('at most two intents');
    expect(parseLabel('lost-pet', SET_INTENTS)).toBe('unknown intent "lost-pet"');
  });

  it('names the file and line of a broken line', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-set-'));
    try {
      const file = path.join(dir, 'set.tsv');
      writeFileSync(file, '# a comment\n\nlost-phone\tI lost it\nlost-pet\tmy cat ran off\n');
      expect(() => readLabelledSet(file)).toThrow(/set\.tsv:4: unknown intent "lost-pet"/);
      writeFileSync(file, 'lost-phone\tI lost it\nno tab here\n');
      expect(() => readLabelledSet(file)).toThrow(/set\.tsv:2: expected "LABEL<TAB>MESSAGE"/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scoring one line', () => {
  const two: Expected = { kind: 'intent', intents: ['refusal', 'consequences'] };

  it('a two-concern line is right when the top intent is either; both found is counted apart', () => {
    expect(isRight(two, { intent: 'consequences', intents: ['consequences'] })).toBe(true);
    expect(isRight(two, { intent: 'enrolled', intents: ['enrolled', 'refusal'] })).toBe(false);
    expect(foundBoth(two, { intent: 'refusal', intents: ['refusal', 'consequences'] })).toBe(true);
    expect(foundBoth(two, { intent: 'refusal', intents: ['refusal'] })).toBe(false);
  });

  it('a command line needs the command; an intent line is wrong when a command was found; none needs not understood', () => {
    expect(isRight({ kind: 'command', command: 'status' }, { intent: 'enrolled', intents: [], command: 'status' })).toBe(true);
    expect(isRight({ kind: 'command', command: 'status' }, { intent: 'enrolled', intents: ['enrolled'] })).toBe(false);
    expect(isRight({ kind: 'intent', intents: ['enrolled'] }, { intent: 'enrolled', intents: [], command: 'status' })).toBe(false);
    expect(isRight({ kind: 'none' }, { intent: 'none', intents: [] })).toBe(true);
    expect(isRight({ kind: 'none' }, { intent: 'out-of-scope', intents: [] })).toBe(false);
  });
});

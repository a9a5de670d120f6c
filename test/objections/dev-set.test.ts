// The dev set (test/fixtures/objections-dev.tsv, never trained on) must score at least REQUIRED_ACCURACY (0.95), the
// product's target (0.958 measured, 254/265). The unseen set (test/fixtures/objections-unseen.tsv, written by someone
// who saw neither the catalog nor the dev set, never used to guide a change) guards the level reached on phrasing
// nobody tuned to; its failures print counts, not lines.

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, readDevSet, REQUIRED_ACCURACY } from '../../scripts/eval-objections.js';
import { loadCatalog } from '../../src/objections/catalog-loader.js';
import { IntentMatcher } from '../../src/objections/intent-matcher.js';
import { packageRoot } from '../../src/shared/package-root.js';

/** Measured on the unseen set (167/185); raise it whenever the matcher improves, never lower it. */
const UNSEEN_REACHED = 0.902;

const devFile = path.join(packageRoot(), 'test', 'fixtures', 'objections-dev.tsv');
const unseenFile = path.join(packageRoot(), 'test', 'fixtures', 'objections-unseen.tsv');
const catalogDir = path.join(packageRoot(), 'catalog', 'en');

describe('the objection dev set', () => {
  it('exists beside a shipped catalog (a missing file fails here, it is never skipped)', () => {
    expect(existsSync(catalogDir) && readdirSync(catalogDir).some((name) => name.endsWith('.json')), `no catalog in ${catalogDir}`).toBe(true);
    expect(existsSync(devFile), `no dev set at ${devFile}`).toBe(true);
  });

  it('shares no sentence with the catalog the matcher trains on', () => {
    const normal = (text: string) => text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    const trained = new Set([...loadCatalog({ locale: 'en' }).intents.values()].flatMap((intent) => intent.examples.map(normal)));
    for (const file of [devFile, unseenFile]) {
      const shared = readDevSet(file).filter((row) => trained.has(normal(row.text)));
      expect(shared.map((row) => `${path.basename(file)}:${row.line}`)).toEqual([]);
    }
  });

  it(`scores at least ${REQUIRED_ACCURACY} on the dev set, and keeps ${UNSEEN_REACHED} on the unseen set`, async () => {
    const rows = readDevSet(devFile);
    expect(rows.length, 'the dev set has too few lines to mean anything').toBeGreaterThanOrEqual(8 * 17);
    const matcher = await IntentMatcher.train(loadCatalog({ locale: 'en' }));
    const result = await evaluate(matcher, rows);
    const confusions = result.confusions.map((c) => `  ${c.expected} -> ${c.got} (${c.reason}) line ${c.line}: ${c.text}`).join('\n');
    expect(result.accuracy, `accuracy ${result.accuracy} (${result.correct}/${result.total}); confusions:\n${confusions}`).toBeGreaterThanOrEqual(REQUIRED_ACCURACY);
    const unseen = await evaluate(matcher, readDevSet(unseenFile));
    expect(unseen.total).toBeGreaterThanOrEqual(10 * 17);
    expect(unseen.accuracy, `unseen set ${unseen.correct}/${unseen.total}`).toBeGreaterThanOrEqual(UNSEEN_REACHED);
  }, 60_000);
});

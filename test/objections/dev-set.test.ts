// The dev set (test/fixtures/objections-dev.tsv, never trained on) must stay at or above the required accuracy.

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, readDevSet, REQUIRED_ACCURACY } from '../../scripts/eval-objections.js';
import { loadCatalog } from '../../src/objections/catalog-loader.js';
import { IntentMatcher } from '../../src/objections/intent-matcher.js';
import { packageRoot } from '../../src/shared/package-root.js';

const devFile = path.join(packageRoot(), 'test', 'fixtures', 'objections-dev.tsv');
const catalogDir = path.join(packageRoot(), 'catalog', 'en');

describe('the objection dev set', () => {
  it('exists beside a shipped catalog (a missing file fails here, it is never skipped)', () => {
    expect(existsSync(catalogDir) && readdirSync(catalogDir).some((name) => name.endsWith('.json')), `no catalog in ${catalogDir}`).toBe(true);
    expect(existsSync(devFile), `no dev set at ${devFile}`).toBe(true);
  });

  it(`is classified with accuracy >= ${REQUIRED_ACCURACY}`, async () => {
    const rows = readDevSet(devFile);
    expect(rows.length, 'the dev set has too few lines to mean anything').toBeGreaterThanOrEqual(8 * 17);
    const matcher = await IntentMatcher.train(loadCatalog({ locale: 'en' }));
    const result = await evaluate(matcher, rows);
    const confusions = result.confusions.map((c) => `  ${c.expected} -> ${c.got} (${c.reason}) line ${c.line}: ${c.text}`).join('\n');
    expect(result.accuracy, `accuracy ${result.accuracy} (${result.correct}/${result.total}); confusions:\n${confusions}`).toBeGreaterThanOrEqual(REQUIRED_ACCURACY);
  }, 60_000);
});

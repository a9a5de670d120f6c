// The dev set (test/fixtures/objections-dev.tsv, never trained on). The product's target is REQUIRED_ACCURACY
// (0.95), which the matcher does not reach yet (0.943 measured, 250/265: two sentences short): `npm run
// eval:objections` is the target gate and fails until it does. This suite guards the level reached, so no change can
// quietly make it worse.

import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluate, readDevSet, REQUIRED_ACCURACY } from '../../scripts/eval-objections.js';
import { loadCatalog } from '../../src/objections/catalog-loader.js';
import { IntentMatcher } from '../../src/objections/intent-matcher.js';
import { packageRoot } from '../../src/shared/package-root.js';

/** Measured on this dev set when the matcher shipped; raise it whenever the matcher improves, never lower it. */
const REACHED_ACCURACY = 0.943;

const devFile = path.join(packageRoot(), 'test', 'fixtures', 'objections-dev.tsv');
const catalogDir = path.join(packageRoot(), 'catalog', 'en');

describe('the objection dev set', () => {
  it('exists beside a shipped catalog (a missing file fails here, it is never skipped)', () => {
    expect(existsSync(catalogDir) && readdirSync(catalogDir).some((name) => name.endsWith('.json')), `no catalog in ${catalogDir}`).toBe(true);
    expect(existsSync(devFile), `no dev set at ${devFile}`).toBe(true);
  });

  it(`does not fall below the accuracy reached so far (${REACHED_ACCURACY}; the target is ${REQUIRED_ACCURACY})`, async () => {
    const rows = readDevSet(devFile);
    expect(rows.length, 'the dev set has too few lines to mean anything').toBeGreaterThanOrEqual(8 * 17);
    const matcher = await IntentMatcher.train(loadCatalog({ locale: 'en' }));
    const result = await evaluate(matcher, rows);
    const confusions = result.confusions.map((c) => `  ${c.expected} -> ${c.got} (${c.reason}) line ${c.line}: ${c.text}`).join('\n');
    expect(result.accuracy, `accuracy ${result.accuracy} (${result.correct}/${result.total}); confusions:\n${confusions}`).toBeGreaterThanOrEqual(REACHED_ACCURACY);
  }, 60_000);
});

// Tests start Azurite through the same helper as the benchmark.

import { afterAll, beforeAll } from 'vitest';
import { type AzuriteOptions, type RunningAzurite, startAzurite } from '../../src/dev/azurite.js';

export { type RunningAzurite, startAzurite };

/** An Azurite for the surrounding suite (or file): started before its first test, stopped after its last. */
export function useAzurite(options: AzuriteOptions = {}): () => RunningAzurite {
  let azurite: RunningAzurite | undefined;
  beforeAll(async () => {
    azurite = await startAzurite('table', options);
  }, 30_000);
  afterAll(async () => {
    await azurite?.stop();
  });
  return () => {
    if (!azurite) throw new Error('Azurite is not running: useAzurite() starts it before the first test');
    return azurite;
  };
}

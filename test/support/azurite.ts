// Tests start Azurite through the same helper as the benchmark.
export { type RunningAzurite, startAzurite } from '../../src/dev/azurite.js';

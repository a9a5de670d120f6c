// The catalogs and the trained matchers exactly as the bot uses them: one place, so `classify` and the bot
// can never disagree about the catalog, the model or the threshold.

import path from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { Understanding } from './understanding.js';

export { prebuiltModelFile } from './understanding.js';

/** Every language's catalog and model as the bot uses them (each loaded on first use; see understanding.ts). */
export function loadUnderstanding(config: AppConfig, cacheDir = path.join(config.dataDir, 'cache')): Understanding {
  return new Understanding({ catalogDir: config.coach.catalogDir, cacheDir, threshold: config.coach.confidenceThreshold });
}

// The catalog and the trained matcher exactly as the bot uses them: one place, so `classify` and the bot
// can never disagree about the catalog, the model or the threshold.

import path from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { packageRoot } from '../shared/package-root.js';
import { type Catalog, loadCatalog } from './catalog-loader.js';
import { IntentMatcher } from './intent-matcher.js';

/** The model `npm run build` trains for a locale, used when the catalog is unchanged since. */
export function prebuiltModelFile(locale = 'en'): string {
  return path.join(packageRoot(), 'dist', `intent-model-${locale}.json`);
}

export async function loadObjections(config: AppConfig, cacheDir = path.join(config.dataDir, 'cache')): Promise<{ catalog: Catalog; matcher: IntentMatcher }> {
  const catalog = loadCatalog({ locale: 'en', overrideDir: config.coach.catalogDir });
  const matcher = await IntentMatcher.load({ catalog, cacheDir, prebuiltFile: prebuiltModelFile(), threshold: config.coach.confidenceThreshold });
  return { catalog, matcher };
}

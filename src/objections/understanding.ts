// The coach's understanding in every language it ships a catalog for (catalog/<locale>/): each language's catalog and
// model are loaded the first time a message in that language arrives (English at start-up, as the first turn needs
// it), so five languages cost a start no more than one. A language is found by its folder: adding one is data.

import path from 'node:path';
import { AppError } from '../errors/app-error.js';
import { packageRoot } from '../shared/package-root.js';
import { type Catalog, catalogLocales, loadCatalog } from './catalog-loader.js';
import { type ClassifyOptions, IntentMatcher, type IntentMatch } from './intent-matcher.js';
import { detectLanguage } from './language/detect-language.js';

/** The model `npm run build` trains for a locale, used while the catalog is unchanged since. */
export function prebuiltModelFile(locale = 'en'): string {
  return path.join(packageRoot(), 'dist', `intent-model-${locale}.json`);
}

export interface UnderstandingOptions {
  /** The admin's CATALOG_DIR (overrides per language, see catalog-loader.ts). */
  catalogDir?: string | undefined;
  /** Where trained models are cached. */
  cacheDir: string;
  threshold?: number;
  /** Where the shipped catalogs live (tests point elsewhere). */
  baseDir?: string | undefined;
}

export class Understanding {
  readonly locales: readonly string[];
  readonly #catalogs = new Map<string, Catalog>();
  readonly #matchers = new Map<string, Promise<IntentMatcher>>();

  constructor(private readonly options: UnderstandingOptions) {
    this.locales = catalogLocales(options.baseDir);
    if (!this.locales.includes('en')) throw new AppError('config.invalid', 'catalog: there is no English catalog (catalog/en/)', { userFault: true });
  }

  /** The catalog of a language (English for one the coach does not have). */
  catalog(locale: string): Catalog {
    const known = this.locales.includes(locale) ? locale : 'en';
    let catalog = this.#catalogs.get(known);
    if (!catalog) {
      catalog = loadCatalog({ locale: known, overrideDir: this.options.catalogDir, baseDir: this.options.baseDir });
      this.#catalogs.set(known, catalog);
    }
    return catalog;
  }

  /** The model of a language: a cached one for this very catalog, else the build's, else trained now (and cached). */
  matcher(locale: string): Promise<IntentMatcher> {
    const known = this.locales.includes(locale) ? locale : 'en';
    let matcher = this.#matchers.get(known);
    if (!matcher) {
      matcher = (async () => {
        const catalog = this.catalog(known);
        return IntentMatcher.load({ catalog, cacheDir: this.options.cacheDir, prebuiltFile: prebuiltModelFile(known), languages: this.locales, ...(this.options.threshold === undefined ? {} : { threshold: this.options.threshold }) });
      })();
      // A load that failed is tried again on the next message, not remembered.
      matcher.catch(() => this.#matchers.delete(known));
      this.#matchers.set(known, matcher);
    }
    return matcher;
  }

  /** What a message says, read in `locale`, or in the language it is written in (hints decide short or mixed text). */
  async classify(text: string, options: ClassifyOptions = {}): Promise<IntentMatch> {
    if (options.locale !== undefined && !this.locales.includes(options.locale)) {
      throw new AppError('config.invalid', `no catalog for locale "${options.locale}" (there is: ${this.locales.join(', ')})`, { userFault: true });
    }
    const locale = options.locale ?? (await detectLanguage(text, this.locales, options.hints ?? [])).locale;
    return (await this.matcher(locale)).classify(text, { locale });
  }
}

// Which of the tab's languages a reader gets, and the locale their dates and numbers are written in. Teams says the
// client's locale ("de-AT"); the words exist per language ("de"). No imports: the unit tests read this file as it is.

export const DEFAULT_LANGUAGE = 'en';

/** The language of `tag` there are words for: the tag itself, else its base language ("de-AT" → "de"), else English. */
export function languageOf(tag: string | undefined, available: readonly string[]): string {
  const lower = tag?.trim().toLowerCase().replace(/_/g, '-');
  if (!lower) return DEFAULT_LANGUAGE;
  if (available.includes(lower)) return lower;
  const base = lower.split('-')[0] ?? '';
  return available.includes(base) ? base : DEFAULT_LANGUAGE;
}

/**
 * The locale for Intl: the reader's own when the words are in its language (de-AT writes dates as Austria does,
 * en-US as the US does), else the words' language, so a pt-BR reader, who reads English, gets English dates too.
 */
export function formatLocaleOf(tag: string | undefined, language: string): string {
  const canonical = tag ? canonicalTag(tag.trim().replace(/_/g, '-')) : undefined;
  return canonical && canonical.split('-')[0]?.toLowerCase() === language ? canonical : language;
}

function canonicalTag(tag: string): string | undefined {
  try {
    return Intl.getCanonicalLocales(tag)[0];
  } catch (error) {
    // Not a language tag at all: the caller uses the language itself.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

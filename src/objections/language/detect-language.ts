// Which language a message is written in, among the languages the coach has a model for.
//
// The library: eld (Efficient Language Detector, Apache-2.0, its n-gram data ships inside the package: nothing is
// downloaded at run time), chosen by measurement on the five dev sets' lines (1 526 lines, `none` lines left out;
// 130 of them of four words or fewer), each library told to choose among en, de, fr, es, nl:
//
//   library              all lines   short lines   load      per line
//   eld (extrasmall)     0.984       0.831         ~0.3 s    0.04 ms
//   eld (small)          0.988       0.862         ~0.9 s    0.06 ms
//   tinyld               0.969       0.769         ~0.2 s    0.12 ms
//   tinyld (light)       0.967       0.715         ~0.05 s   0.15 ms
//   franc-min            0.915       0.592         ~0.02 s   0.22 ms
//
// eld's extra-small database: near the best accuracy at a third of the small one's load time. It is loaded on the first
// message that needs it (never at start-up, never when the caller names the locale or only one language is loaded).
// Short or mixed messages are where every detector fails (0.83 here), so a detection that is unsure gives way to the
// hints the caller knows (the person's Teams locale, then Entra preferredLanguage, then mailbox language), then English.

export interface Detection {
  locale: string;
  /** How it was decided. */
  by: 'only-one' | 'detected' | 'hint' | 'default';
}

interface Eld {
  detect(text: string): { language: string; getScores(): Record<string, number>; isReliable(): boolean };
  setLanguageSubset(languages: string[] | false): unknown;
}

/** Fewer letters than this and the detector is not asked: the hints decide. */
const MIN_LETTERS = 12;
const LETTER = /\p{L}/u;
export const DEFAULT_LOCALE = 'en';


let detector: Promise<Eld> | undefined;
let subset = '';

async function eld(languages: readonly string[]): Promise<Eld> {
  detector ??= import('eld/extrasmall').then((module) => (module as { eld: Eld }).eld);
  const library = await detector;
  // Narrowing eld to a subset rebuilds its tables (milliseconds): the same languages in another order are the same subset.
  const sorted = [...languages].sort();
  const key = sorted.join(',');
  if (key !== subset) {
    library.setLanguageSubset(sorted);
    subset = key;
  }
  return library;
}

/**
 * Whether `text` is reliably in another of the `known` languages (those the coach has catalogs for) than `locale`: a
 * message the coach would otherwise call off-topic is then not understood (it offers set-up, status and a person
 * instead of "that is not what I do").
 */
export async function isOtherLanguage(text: string, locale: string, known: readonly string[]): Promise<boolean> {
  if (known.length < 2 || !hasLetters(text, MIN_LETTERS)) return false;
  const result = (await eld(known)).detect(text);
  return result.language !== locale && known.includes(result.language) && result.isReliable();
}

/** The locale (a two-letter code) of `text` among `available`; `hints` are locale tags, best first ("de-DE", "fr"). */
export async function detectLanguage(text: string, available: readonly string[], hints: readonly (string | undefined)[] = []): Promise<Detection> {
  const hinted = hints.map((hint) => hint?.slice(0, 2).toLowerCase()).find((hint) => hint !== undefined && available.includes(hint));
  const fallback = (): Detection => (hinted ? { locale: hinted, by: 'hint' } : { locale: available.includes(DEFAULT_LOCALE) ? DEFAULT_LOCALE : available[0]!, by: 'default' });
  if (available.length === 1) return { locale: available[0]!, by: 'only-one' };
  if (!hasLetters(text, MIN_LETTERS)) return fallback();
  const result = (await eld(available)).detect(text);
  return available.includes(result.language) && result.isReliable() ? { locale: result.language, by: 'detected' } : fallback();
}

/** Whether `text` has at least `count` letters (code points of Unicode category L), counting no further than that. */
export function hasLetters(text: string, count: number): boolean {
  if (count <= 0) return true;
  let found = 0;
  for (const char of text) if (LETTER.test(char) && ++found >= count) return true;
  return false;
}

// Which language the coach answers in. A person who asked for one ("English please", "auf Deutsch") gets it until
// they ask for another. Otherwise a message is answered in the language it is written in, when that can be told
// (eld, see objections/language/detect-language.ts); a message too short or too mixed to tell falls back on what is
// known of the person: their Teams client's locale, then Entra's preferredLanguage, then their mailbox language,
// then English. A message the coach starts (an invitation, a decision, a notice) uses what is known of the person.

import type { Directory } from '../directory/directory-port.js';
import type { Logger } from '../logging/logger.js';
import { detectLanguage } from '../objections/language/detect-language.js';
import type { KnownLanguages } from '../shared/person-language.js';
import type { Strings } from '../shared/strings.js';
import type { DialogStore } from './dialog-store.js';
import { setBounded } from '../shared/bounded-map.js';

/** The person's languages as the directory knows them (Entra preferredLanguage, mailbox language), cached a while. */
const PROFILE_CACHE_MS = 30 * 60_000;
/** People whose languages are remembered at once; the oldest go first. */
const MAX_PROFILES = 10_000;
/** A message this long or shorter may be only a request to switch language. */
const SWITCH_MAX_WORDS = 5;

export interface LanguageChooserDeps {
  strings: Strings;
  dialogs: DialogStore;
  directory: Directory | undefined;
  logger: Logger;
  /** The languages the coach can understand (a catalog and a model each); answers may be in any language with strings. */
  understood: () => readonly string[];
}

export class LanguageChooser {
  readonly #profiles = new Map<string, { languages: (string | undefined)[]; at: number }>();

  constructor(private readonly deps: LanguageChooserDeps) {}

  /**
   * The language to answer a message in (`locale`), the language to read it in (`readAs`: the one it is written in,
   * which differs from `locale` only for someone who asked for a language and then wrote in another), and whether the
   * message only asked to switch.
   */
  async forMessage(userId: string, text: string, teamsLocale: string | undefined): Promise<{ locale: string; readAs: string; switched: boolean }> {
    const { strings, dialogs } = this.deps;
    const asked = switchRequest(strings, text);
    if (asked) {
      await dialogs.update(userId, (state) => ({ ...state, language: asked, lastLanguage: asked }));
      return { locale: asked, readAs: asked, switched: true };
    }
    const state = await dialogs.get(userId);
    const kept = state.language && strings.locales.includes(state.language) ? state.language : undefined;
    const written = await this.#detected(userId, text, kept ? [kept] : [teamsLocale]);
    const locale = kept ?? written;
    if (state.lastLanguage !== locale) await dialogs.update(userId, (current) => ({ ...current, lastLanguage: locale }));
    return { locale, readAs: this.deps.understood().includes(written) ? written : 'en', switched: false };
  }

  /** The language of a click on one of the coach's cards: the language of the conversation so far. */
  async forClick(userId: string, teamsLocale: string | undefined): Promise<string> {
    const state = await this.deps.dialogs.get(userId);
    return this.deps.strings.supported(state.language ?? state.lastLanguage ?? teamsLocale);
  }

  /**
   * The language of a message the coach starts: what the person asked for, else what the directory says (`known`, when
   * the caller read it recently, e.g. a campaign's targeting; otherwise read here), else the last they wrote in, else
   * Teams'.
   */
  async forProactive(userId: string, teamsLocale?: string, known?: KnownLanguages): Promise<string> {
    const state = await this.deps.dialogs.get(userId);
    if (state.language) return this.deps.strings.supported(state.language);
    const fresh = known && Date.now() - Date.parse(known.readAt) < PROFILE_CACHE_MS;
    const [preferred, mailbox] = fresh ? [known.preferred, known.mailbox] : await this.#profile(userId);
    return this.deps.strings.supported(preferred ?? mailbox ?? state.lastLanguage ?? teamsLocale);
  }

  /** The language `text` is written in; for text too short or mixed to tell, the first hint, then the directory's. */
  async #detected(userId: string, text: string, hints: (string | undefined)[]): Promise<string> {
    const found = this.deps.understood().filter((locale) => this.deps.strings.locales.includes(locale));
    const candidates = found.length > 0 ? found : ['en'];
    const detection = await detectLanguage(text, candidates, hints);
    // The directory is asked only when neither the text nor the conversation tells (Teams sends its locale with
    // every message, so a turn almost never waits for Graph).
    if (detection.by !== 'default') return this.deps.strings.supported(detection.locale);
    const [preferred, mailbox] = await this.#profile(userId);
    return this.deps.strings.supported((await detectLanguage(text, candidates, [preferred, mailbox])).locale);
  }

  async #profile(userId: string): Promise<(string | undefined)[]> {
    const cached = this.#profiles.get(userId);
    if (cached && Date.now() - cached.at < PROFILE_CACHE_MS) return cached.languages;
    let languages: (string | undefined)[] = [undefined, undefined];
    try {
      // One Graph batch: the account (preferredLanguage) and its mailbox settings (language).
      const profile = (await this.deps.directory?.userProfiles([userId]))?.get(userId);
      languages = [profile?.user.preferredLanguage ?? undefined, profile?.mailbox?.language];
    } catch (error) {
      this.deps.logger.warn("could not read the person's preferred language", { error });
    }
    setBounded(this.#profiles, userId, { languages, at: Date.now() }, MAX_PROFILES);
    return languages;
  }
}

/** "English please", "auf Deutsch", "en français svp": the language asked for, if the message asks for nothing else. */
export function switchRequest(strings: Strings, text: string): string | undefined {
  const words = text.toLowerCase().normalize('NFKD').replace(/\p{M}/gu, '').match(/\p{L}+/gu) ?? [];
  if (words.length === 0 || words.length > SWITCH_MAX_WORDS) return undefined;
  for (const { locale, names, polite } of switchWordsOf(strings)) {
    if (!words.some((word) => names.has(word))) continue;
    // Only the language's name and a few words of asking: "english please", "auf deutsch bitte", "in het nederlands".
    if (words.every((word) => names.has(word) || polite.has(word) || SWITCH_FILLERS.has(word))) return locale;
  }
  return undefined;
}

interface SwitchWords {
  locale: string;
  names: ReadonlySet<string>;
  polite: ReadonlySet<string>;
}

/** Each language's names and words of asking, read from the strings once (every message is looked at). */
const switchWords = new WeakMap<Strings, readonly SwitchWords[]>();

function switchWordsOf(strings: Strings): readonly SwitchWords[] {
  let known = switchWords.get(strings);
  if (!known) {
    const list = (locale: string, key: string) => strings.text(locale, key).split(',').map((word) => word.trim().toLowerCase().normalize('NFKD').replace(/\p{M}/gu, ''));
    known = strings.locales.map((locale) => ({ locale, names: new Set(list(locale, 'language.names')), polite: new Set(list(locale, 'language.switchWords')) }));
    switchWords.set(strings, known);
  }
  return known;
}

/** Words that ask for a language in any of the coach's languages. */
const SWITCH_FILLERS: ReadonlySet<string> = new Set(['in', 'en', 'auf', 'op', 'please', 'pls', 'bitte', 'svp', 'stp', 'por', 'favor', 'porfa', 'graag', 'aub', 'alsjeblieft', 'alstublieft', 'speak', 'spreek', 'sprich', 'sprechen', 'habla', 'hable', 'parle', 'parlez', 'het', 'el', 'le', 'the', 'can', 'you', 'we', 'ok', 'okay']);

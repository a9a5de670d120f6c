// The pass feature's words in one reader's language: its sentences (strings/<locale>/helpdesk.json), a request's
// state and identity check as words, and a time the way the cards write it. A reply in a turn is in the clicker's
// conversation language; a card or notice the coach sends is in its recipient's.

import { formatDeadline } from '../shared/formatting.js';
import type { Params } from '../shared/strings.js';
import type { TapContext } from './tap-context.js';
import type { CheckKind, Person, TapState } from './tap-records.js';

export class TapWords {
  constructor(
    readonly locale: string,
    private readonly tap: TapContext,
  ) {}

  /** A sentence of `helpdesk.json` (a property, so `const { say } = words` works). */
  readonly say = (key: string, params: Params = {}): string => this.tap.deps.cards.strings.text(this.locale, `helpdesk.${key}`, params);

  state(state: TapState): string {
    return this.say(`states.${state}`);
  }

  check(kind: CheckKind): string {
    return this.say(`checks.${kind}`);
  }

  /**
   * Why an account is privileged (privileged-accounts.ts's codes), in these words and joined. A reason kept from before
   * the codes (already words) is shown as it was written.
   */
  reasons(reasons: readonly string[]): string {
    return reasons
      .map((reason) => {
        const [code = '', roles] = reason.includes(':') ? [reason.slice(0, reason.indexOf(':')), reason.slice(reason.indexOf(':') + 1)] : [reason];
        const key = REASON_KEYS[code];
        return key && (roles === undefined) === !key.endsWith('Roles') ? this.say(`privilegedReasons.${key}`, roles === undefined ? {} : { roles }) : reason;
      })
      .join(this.say('privilegedReasons.separator'));
  }

  /** "10:30 CET, Friday 4 December 2026" (in German "10:30 MEZ, Freitag, 4. Dezember 2026"), in the service's time zone. */
  time(iso: string): string {
    const time = new Intl.DateTimeFormat(this.locale === 'en' ? 'en-GB' : this.locale, { hour: '2-digit', minute: '2-digit', timeZone: this.tap.deps.timeZone, timeZoneName: 'short' }).format(new Date(iso));
    return `${time}, ${formatDeadline(localDate(iso, this.tap.deps.timeZone), this.locale)}`;
  }
}

const REASON_KEYS: Readonly<Record<string, string>> = {
  'break-glass': 'breakGlass',
  role: 'activeRoles',
  eligible: 'eligibleRoles',
  'privileged-group': 'privilegedGroup',
  'roles-unchecked': 'rolesUnchecked',
  'groups-unchecked': 'groupsUnchecked',
};

/** Alerts keep their reasons as one parameter: the codes joined by this, written in each reader's words when shown. */
export const REASONS_SEPARATOR = '\u001f';

/**
 * The language of a reply: in a chat turn, the Teams client's locale (a string, if known), which the conversation's
 * language overrides; from the tab, `{ reader }`, the language the page shows, which nothing overrides (a reply in
 * another language than the page around it would read as a mistake).
 */
export type ReplyLanguage = string | undefined | { readonly reader: string };

/** A reply: the language of the person's conversation, else their Teams client's; the tab's reader's, from the tab. */
export async function wordsInTurn(tap: TapContext, person: Person, language: ReplyLanguage): Promise<TapWords> {
  if (typeof language === 'object') return new TapWords(tap.deps.cards.strings.supported(language.reader), tap);
  return new TapWords(await tap.deps.languages.inTurn(person.id, language), tap);
}

/** A card or notice the coach sends: the recipient's language. */
export async function wordsFor(tap: TapContext, userId: string): Promise<TapWords> {
  return new TapWords(await tap.deps.languages.ofRecipient(userId), tap);
}

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
function localDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(new Date(iso));
}

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

  /** "10:30 CET, Friday 4 December 2026" (in German "10:30 MEZ, Freitag, 4. Dezember 2026"), in the service's time zone. */
  time(iso: string): string {
    const time = new Intl.DateTimeFormat(this.locale === 'en' ? 'en-GB' : this.locale, { hour: '2-digit', minute: '2-digit', timeZone: this.tap.deps.timeZone, timeZoneName: 'short' }).format(new Date(iso));
    return `${time}, ${formatDeadline(localDate(iso, this.tap.deps.timeZone), this.locale)}`;
  }
}

/** A reply within a turn: the language of the person's conversation, else their Teams client's. */
export async function wordsInTurn(tap: TapContext, person: Person, teamsLocale: string | undefined): Promise<TapWords> {
  return new TapWords(await tap.deps.languages.inTurn(person.id, teamsLocale), tap);
}

/** A card or notice the coach sends: the recipient's language. */
export async function wordsFor(tap: TapContext, userId: string): Promise<TapWords> {
  return new TapWords(await tap.deps.languages.ofRecipient(userId), tap);
}

/** The calendar date of an instant in a time zone, as YYYY-MM-DD. */
function localDate(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone }).format(new Date(iso));
}

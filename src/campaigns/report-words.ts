// The words of an admin's campaign cards in the admin's language: the report's sentences, the names of the reasons
// people were left out or could not be reached, and numbers and dates as the language writes them.

import { DEFAULT_LOCALE, type Params, type Strings } from '../shared/strings.js';

export interface ReportWords {
  locale: string;
  strings: Strings;
  /** A sentence of the report (`campaigns.report.<key>`). */
  say(key: string, params?: Params): string;
  /** A reason's name (`campaigns.excluded.*`, `campaigns.unreachable.*`); a reason with none is shown as it is stored. */
  label(group: 'excluded' | 'unreachable', reason: string): string;
  number(value: number): string;
  /** A calendar date (YYYY-MM-DD), short. */
  date(dateKey: string): string;
}

export function reportWords(strings: Strings, locale: string): ReportWords {
  const numbers = new Intl.NumberFormat(locale);
  // English as the coach writes dates elsewhere (day before month).
  const dates = new Intl.DateTimeFormat(locale === DEFAULT_LOCALE ? 'en-GB' : locale, { dateStyle: 'medium', timeZone: 'UTC' });
  return {
    locale,
    strings,
    say: (key, params) => strings.text(locale, `campaigns.report.${key}`, params),
    label: (group, reason) => (strings.entry(DEFAULT_LOCALE, `campaigns.${group}.${reason}`) === undefined ? reason : strings.text(locale, `campaigns.${group}.${reason}`)),
    number: (value) => numbers.format(value),
    date: (dateKey) => (/^\d{4}-\d{2}-\d{2}$/.test(dateKey) ? dates.format(new Date(`${dateKey}T12:00:00Z`)) : dateKey),
  };
}

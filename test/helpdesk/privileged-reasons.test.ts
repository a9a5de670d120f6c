// Why an account is privileged is kept as codes (privileged-accounts.ts) and written in each reader's words; a reason
// stored before the codes is shown as it was written.

import { describe, expect, it } from 'vitest';
import type { TapContext } from '../../src/helpdesk/tap-context.js';
import { REASONS_SEPARATOR, TapWords } from '../../src/helpdesk/tap-words.js';
import { Strings } from '../../src/shared/strings.js';

const strings = new Strings();
// TapWords reads only the strings of the context it is given.
const words = (locale: string) => new TapWords(locale, { deps: { cards: { strings } } } as unknown as TapContext);
const CODES = ['role:Global Administrator, Privileged Role Administrator', 'eligible:User Administrator', 'break-glass', 'privileged-group', 'roles-unchecked', 'groups-unchecked'];

describe('privileged reasons', () => {
  it('are written in the reader\'s words, role names as Entra gives them', () => {
    expect(words('en').reasons(CODES)).toBe(
      'admin role: Global Administrator, Privileged Role Administrator; eligible for admin role: User Administrator; a break-glass account; in a privileged group; admin roles could not be checked; group membership could not be checked',
    );
    expect(words('de').reasons(['role:Global Administrator', 'groups-unchecked'])).toBe('Administratorrolle: Global Administrator; Gruppenmitgliedschaften konnten nicht geprüft werden');
    // French puts a non-breaking space before « ; » and « : ».
    expect(words('fr').reasons(['break-glass', 'eligible:User Administrator'])).toBe("un compte d'accès d'urgence (break-glass)\u00a0; éligible au rôle d'administrateur\u00a0: User Administrator");
  });

  it.each(strings.locales.filter((locale) => locale !== 'en'))('in %s, no reason is left in English', (locale) => {
    const written = words(locale).reasons(CODES.filter((code) => !code.includes(':')));
    for (const english of ['break-glass account', 'privileged group', 'could not be checked']) expect(written).not.toContain(english);
  });

  it('shows a reason stored in words before the codes as it was written, and an alert\'s joined codes one by one', () => {
    expect(words('de').reasons(['admin role: Global Administrator', 'member of a privileged group'])).toBe('admin role: Global Administrator; member of a privileged group');
    const stored = ['role:Exchange Administrator', 'break-glass'].join(REASONS_SEPARATOR);
    expect(words('nl').reasons(stored.split(REASONS_SEPARATOR))).toBe('beheerdersrol: Exchange Administrator; een noodaccount (break-glass)');
  });
});

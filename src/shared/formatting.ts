// How the coach writes a person's name, and a date in the person's language.

export function firstName(displayName: string): string {
  const trimmed = displayName.trim();
  // "Dąbrowski, Marek" is written surname first.
  if (trimmed.includes(',')) return trimmed.split(',')[1]?.trim().split(/\s+/)[0] || trimmed;
  return trimmed.split(/\s+/)[0] || 'Hello';
}

// Made once per language: building an Intl.DateTimeFormat costs far more than formatting with it, and every nudge formats the deadline.
const DEADLINE_FORMATS = new Map<string, Intl.DateTimeFormat>();

/** "Friday 15 January 2027", "Freitag, 15. Januar 2027": a date in the person's language, with no time zone to get wrong. */
export function formatDeadline(deadline: string, locale = 'en'): string {
  const [year, month, day] = deadline.split('-').map(Number);
  if (!year || !month || !day) return deadline;
  let format = DEADLINE_FORMATS.get(locale);
  if (!format) {
    // English as the coach has always written it (day before month); other languages as their speakers do.
    format = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
    DEADLINE_FORMATS.set(locale, format);
  }
  return format.format(new Date(Date.UTC(year, month - 1, day, 12)));
}

// How the coach writes a person's name and a date in English text.

export function firstName(displayName: string): string {
  const trimmed = displayName.trim();
  // "Dąbrowski, Marek" is written surname first.
  if (trimmed.includes(',')) return trimmed.split(',')[1]?.trim().split(/\s+/)[0] || trimmed;
  return trimmed.split(/\s+/)[0] || 'Hello';
}

// Made once: building an Intl.DateTimeFormat costs far more than formatting with it, and every nudge formats the deadline.
const DEADLINE_FORMAT = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "Friday 15 January 2027": a date, with no time zone to get wrong. */
export function formatDeadline(deadline: string): string {
  const [year, month, day] = deadline.split('-').map(Number);
  if (!year || !month || !day) return deadline;
  return DEADLINE_FORMAT.format(new Date(Date.UTC(year, month - 1, day, 12)));
}

// The deadline of the campaign demo mode starts at launch: three weeks ahead, on a working day (a deadline on a
// Sunday reads like a mistake, and the reminder "the working day before" would fall on a Friday two days early).

import { addDateKeyDays, localParts } from '../shared/wall-clock.js';

const DEMO_CAMPAIGN_DAYS = 21;

/** The first working day (ISO weekdays, 1 = Monday) three weeks or more after `now`'s local date in `zone`. */
export function demoDeadline(now: Date, zone: string, workingDays: readonly number[]): string {
  let deadline = addDateKeyDays(localParts(now, zone).dateKey, DEMO_CAMPAIGN_DAYS);
  // A week holds at least one working day (the schema insists), so this ends within six steps.
  for (let step = 0; step < 6 && !workingDays.includes(isoWeekday(deadline)); step++) deadline = addDateKeyDays(deadline, 1);
  return deadline;
}

function isoWeekday(dateKey: string): number {
  return new Date(`${dateKey}T12:00:00.000Z`).getUTCDay() || 7;
}

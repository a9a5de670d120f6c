// What the leadership digest shows: the campaign's figures overall and by department, departments too small to show on
// their own folded together so no figure points at a few people, the concerns raised most, and the change since a
// baseline. Pure: the counts come from the composition root (src/app/digest-source.ts), this file only shapes them.

/** The four figures per group of people, each as the status card and the tab define it (src/campaigns/campaign-figures.ts). */
export interface DigestNumbers {
  /** People in the campaign ("Targeted"). */
  targeted: number;
  /** "Enrolled": their passkey is set up. */
  enrolled: number;
  /** "Refusals not settled now": said no, and nothing has settled it yet. */
  refusedNow: number;
  /** "Granted an exception (ever)". */
  exceptionEver: number;
}

/** One department as counted from the store: its numbers and how often each concern came up among its people. */
export interface DepartmentCount extends DigestNumbers {
  department: string;
  /** Intent → times raised by people of this department (the objection log's events; never their words). */
  concerns: Record<string, number>;
}

/**
 * The invitation texts a campaign compares, as counted (no person in it): which texts, which were stopped, and each
 * one's counts. The composition root words it (the campaign feature's statistics); absent when one text is sent.
 */
export interface ExperimentCount {
  variants?: string[];
  stoppedVariants?: Record<string, string>;
  rows: { id: string; stoppedAt?: string; counts: { assigned: number; reached: number; weekOver: number; replied: number; enrolled: number } }[];
}

/** What one count of the store gives (src/app/digest-source.ts). */
export interface DigestCount {
  asOf: string;
  /** The latest campaign; absent when none was ever started. */
  campaign?: { id: string; name: string };
  total: DigestNumbers;
  /** Intent → times raised by anyone, as the tab's concern chart counts them. */
  concerns: Record<string, number>;
  departments: DepartmentCount[];
  experiment?: ExperimentCount;
}

export interface TopConcern {
  intent: string;
  count: number;
}

/** A line of the digest: everyone, one department, or the small ones together. */
export interface DigestRow extends DigestNumbers {
  /** The department's name; OTHER for the folded ones; ALL for everyone. */
  key: string;
  /** The departments in the row (one, several for OTHER, none for ALL). */
  departments: string[];
  /** The three concerns raised most, most first. */
  topConcerns: TopConcern[];
}

/** The digest's figures, as kept in a weekly snapshot and as shown. */
export interface DigestFigures {
  asOf: string;
  campaign?: { id: string; name: string };
  minDepartment: number;
  overall: DigestRow;
  /** Departments of at least minDepartment people, largest first, then OTHER when it holds anyone. */
  rows: DigestRow[];
  /** The whole campaign is smaller than minDepartment: no breakdown is shown at all. */
  breakdownHidden: boolean;
  experiment?: ExperimentCount;
}

export const ALL = '~all';
export const OTHER = '~other';
const TOP = 3;

/**
 * Departments of at least `min` people stand alone; the others are folded into OTHER. OTHER itself must reach `min`
 * too: while it holds anyone and fewer than `min`, the smallest department still standing joins it. Otherwise the
 * overall figures less the departments shown would give the small group's figures away by subtraction.
 */
export function foldDepartments(count: DigestCount, min: number): DigestFigures {
  const sorted = [...count.departments].sort((a, b) => b.targeted - a.targeted || a.department.localeCompare(b.department));
  const shown = sorted.filter((department) => department.targeted >= min);
  const folded = sorted.filter((department) => department.targeted < min);
  const size = () => folded.reduce((sum, department) => sum + department.targeted, 0);
  while (size() > 0 && size() < min && shown.length > 0) folded.push(shown.pop() as DepartmentCount);
  const breakdownHidden = size() > 0 && size() < min;
  const rows = breakdownHidden ? [] : shown.map((department) => rowOf(department.department, [department]));
  if (!breakdownHidden && size() > 0) rows.push(rowOf(OTHER, folded));
  const overall: DigestRow = { key: ALL, departments: [], ...pick(count.total), topConcerns: top(count.concerns) };
  return { asOf: count.asOf, ...(count.campaign ? { campaign: count.campaign } : {}), minDepartment: min, overall, rows, breakdownHidden, ...(count.experiment ? { experiment: count.experiment } : {}) };
}

function rowOf(key: string, departments: DepartmentCount[]): DigestRow {
  const numbers: DigestNumbers = { targeted: 0, enrolled: 0, refusedNow: 0, exceptionEver: 0 };
  const concerns: Record<string, number> = {};
  for (const department of departments) {
    for (const name of Object.keys(numbers) as (keyof DigestNumbers)[]) numbers[name] += department[name];
    for (const [intent, times] of Object.entries(department.concerns)) concerns[intent] = (concerns[intent] ?? 0) + times;
  }
  return { key, departments: departments.map((department) => department.department).sort(), ...numbers, topConcerns: top(concerns) };
}

function pick(numbers: DigestNumbers): DigestNumbers {
  return { targeted: numbers.targeted, enrolled: numbers.enrolled, refusedNow: numbers.refusedNow, exceptionEver: numbers.exceptionEver };
}

/** The concerns raised most, most first (ties by name, so the same counts always read the same). */
export function top(concerns: Record<string, number>, count = TOP): TopConcern[] {
  return Object.entries(concerns)
    .filter(([, times]) => times > 0)
    .map(([intent, times]) => ({ intent, count: times }))
    .sort((a, b) => b.count - a.count || a.intent.localeCompare(b.intent))
    .slice(0, count);
}

/** Share enrolled, 0 to 1; undefined for nobody. */
export function enrolledShare(row: DigestNumbers): number | undefined {
  return row.targeted === 0 ? undefined : row.enrolled / row.targeted;
}

/**
 * Percentage points the share enrolled moved since the baseline, for the same people: the same campaign, and the same
 * department (OTHER: the same departments folded). Undefined when there is nothing like it to compare with.
 */
export function changeSince(row: DigestRow, current: DigestFigures, baseline: DigestFigures | undefined): number | undefined {
  if (!baseline || baseline.campaign?.id === undefined || baseline.campaign.id !== current.campaign?.id) return undefined;
  const before = row.key === ALL ? baseline.overall : baseline.rows.find((candidate) => candidate.key === row.key && sameList(candidate.departments, row.departments));
  const now = enrolledShare(row);
  const then = before ? enrolledShare(before) : undefined;
  if (now === undefined || then === undefined) return undefined;
  return Math.round((now - then) * 100);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, index) => item === b[index]);
}

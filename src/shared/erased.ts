// What an erased person leaves behind in records about other people or about security: the word "erased" where their
// id or name stood, so the record keeps its shape and says plainly that someone was there.

export const ERASED = 'erased';

/** A person as the records name them ({ id, name }), once erased. */
export const ERASED_PERSON = Object.freeze({ id: ERASED, name: ERASED });

/** Who is being erased, and every way the records may name them (display names, UPNs), for records that hold text. */
export interface ErasureSubject {
  id: string;
  /** Names and UPNs the person had, as found in Graph and in the records; compared without regard to case. */
  names: readonly string[];
}

/** True when `value` is the person's object id (compared as Entra does, without regard to case). */
export function isPerson(subject: ErasureSubject, value: string | undefined): boolean {
  return value !== undefined && value.toLowerCase() === subject.id.toLowerCase();
}

/** True when `value` is the person's id or one of their names. */
export function namesPerson(subject: ErasureSubject, value: unknown): boolean {
  if (typeof value !== 'string' || value.trim() === '') return false;
  const text = value.trim().toLowerCase();
  return text === subject.id.toLowerCase() || subject.names.some((name) => name.trim().toLowerCase() === text);
}

/** Free text with every occurrence of the person's id and names replaced by "erased". */
export function withoutPerson(subject: ErasureSubject, text: string): string {
  let out = text;
  for (const name of [subject.id, ...subject.names].filter((item) => item.trim().length >= 3).sort((a, b) => b.length - a.length)) {
    out = out.replace(new RegExp(name.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'gi'), ERASED);
  }
  return out;
}

/** How many records of each kind an erasure removed or de-personalised (never names: it is printed and audited). */
export type ErasureCounts = Record<string, number>;

export function addCounts(into: ErasureCounts, counts: ErasureCounts): ErasureCounts {
  for (const [kind, count] of Object.entries(counts)) if (count > 0) into[kind] = (into[kind] ?? 0) + count;
  return into;
}

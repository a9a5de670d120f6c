// Right to erasure, for refusals and escalations: the person's own refusal and escalations are deleted (the audit
// trail keeps what was decided, under a pseudonymous reference); where they decided about someone else, the record
// keeps the decision and says "erased" where they stood, and an open escalation they were to decide goes on to the
// escalation group at the scheduler's next run.

import type { Store } from '../store/store-port.js';
import { ERASED, ERASED_PERSON, type ErasureCounts, type ErasureSubject, isPerson } from '../shared/erased.js';
import { type Escalation, EscalationRecords, ESCALATIONS_PARTITION, OPEN_ESCALATIONS_PARTITION } from './escalation-records.js';
import { pendingKey, REFUSALS_PARTITION } from './refusals.js';

/** What was erased, the ids of the person's own escalations (deleted), and of every other one. */
export async function eraseFromEscalations(store: Store, subject: ErasureSubject, now: Date): Promise<{ counts: ErasureCounts; own: string[]; others: string[] }> {
  const counts: ErasureCounts = {};
  // The refusal before its marker: a marker without its refusal is dropped by the scheduler, while a refusal without
  // its marker would still be found by the daily sweep and taken to a decider.
  if (await store.get(REFUSALS_PARTITION, subject.id)) {
    await store.delete(REFUSALS_PARTITION, subject.id);
    counts.refusals = 1;
  }
  await store.delete(REFUSALS_PARTITION, pendingKey(subject.id));
  const records = new EscalationRecords(store);
  const own: string[] = [];
  const others: string[] = [];
  for await (const page of records.all()) {
    for (const row of page) {
      if (isPerson(subject, row.value.employee.id)) {
        own.push(row.key);
        await store.delete(ESCALATIONS_PARTITION, row.key);
        counts.escalations = (counts.escalations ?? 0) + 1;
        continue;
      }
      others.push(row.key);
      if (!namesPerson(subject, row.value)) continue;
      const changed = await records.update(row.key, (escalation) => (namesPerson(subject, escalation) ? withoutDecider(subject, escalation, now) : undefined));
      if (changed) counts.escalationsDecidedBy = (counts.escalationsDecidedBy ?? 0) + 1;
    }
  }
  // After the rows: the marker is how an opening cut short by a crash finds its escalation again.
  await store.delete(OPEN_ESCALATIONS_PARTITION, subject.id);
  return { counts, own, others };
}

function namesPerson(subject: ErasureSubject, escalation: Escalation): boolean {
  const { decider, talk, decision } = escalation;
  return (
    (decider.kind === 'user' && isPerson(subject, decider.id)) ||
    escalation.earlierDeciders.some((id) => isPerson(subject, id)) ||
    isPerson(subject, talk?.by.id) ||
    isPerson(subject, decision?.by.id) ||
    escalation.copies.some((copy) => isPerson(subject, copy.recipientId))
  );
}

function withoutDecider(subject: ErasureSubject, escalation: Escalation, now: Date): Escalation {
  const next: Escalation = {
    ...escalation,
    earlierDeciders: escalation.earlierDeciders.map((id) => (isPerson(subject, id) ? ERASED : id)),
    copies: escalation.copies.filter((copy) => !isPerson(subject, copy.recipientId)),
    ...(escalation.talk && isPerson(subject, escalation.talk.by.id) ? { talk: { ...escalation.talk, by: { ...ERASED_PERSON } } } : {}),
    ...(escalation.decision && isPerson(subject, escalation.decision.by.id) ? { decision: { ...escalation.decision, by: { ...ERASED_PERSON } } } : {}),
  };
  if (escalation.decider.kind === 'user' && isPerson(subject, escalation.decider.id)) {
    // Still open: nobody left to ask at this level, so it is due now and the scheduler takes it to the group (as for a
    // disabled manager). Settled: it only records who decided.
    next.decider = escalation.state === 'open' ? { kind: 'none', because: 'manager-disabled' } : { kind: 'user', ...ERASED_PERSON };
    if (escalation.state === 'open') next.nextAskAt = now.toISOString();
  }
  return next;
}

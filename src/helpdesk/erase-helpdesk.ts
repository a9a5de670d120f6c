// Right to erasure, for the helpdesk. A "talk to a person" request is the person's own and is deleted. Pass requests
// are security records: they stay (state, times, checks and lifetimes, linked to the audit trail by their id), with
// "erased" wherever the person stood and without the free text written about them; an open request for or by them
// is cancelled. Their hourly attempt slots go, and security alerts lose their name.

import { pagesOf } from '../store/pages.js';
import type { Store } from '../store/store-port.js';
import { casUpdate } from '../store/cas-update.js';
import { ERASED, ERASED_PERSON, type ErasureCounts, type ErasureSubject, isPerson, namesPerson, withoutPerson } from '../shared/erased.js';
import { HELP_REQUESTS_PARTITION, type HelpRequest } from './help-requests.js';
import { PresentationRecords } from './presentation-records.js';
import { OPEN_STATES, type Person, TAP_ALERTS_PARTITION, TAP_ATTEMPTS_PARTITION, TAP_OPEN_PARTITION, type TapAlert, TapRecords, type TapRequest } from './tap-records.js';

/** What was erased, and the ids of every pass request and alert (their outbox logs may hold messages to the person). */
export async function eraseFromHelpdesk(store: Store, subject: ErasureSubject, now: Date): Promise<{ counts: ErasureCounts; subjects: string[] }> {
  const counts: ErasureCounts = {};
  const add = (kind: string) => {
    counts[kind] = (counts[kind] ?? 0) + 1;
  };
  for await (const page of pagesOf<HelpRequest>(store, HELP_REQUESTS_PARTITION, 500)) {
    for (const row of page) {
      if (isPerson(subject, row.key)) {
        await store.delete(HELP_REQUESTS_PARTITION, row.key);
        add('helpRequests');
      } else if (isPerson(subject, row.value.closed?.by.id)) {
        const changed = await casUpdate<HelpRequest>(store, HELP_REQUESTS_PARTITION, row.key, (request) =>
          request.closed && isPerson(subject, request.closed.by.id) ? { ...request, closed: { ...request.closed, by: { ...ERASED_PERSON } } } : undefined,
        );
        if (changed) add('helpRequestsClosedBy');
      }
    }
  }
  const subjects: string[] = [];
  const records = new TapRecords(store);
  const presentations = new PresentationRecords(store);
  for await (const page of records.all()) {
    for (const row of page) {
      subjects.push(row.key);
      if (!mentions(subject, row.value)) continue;
      if (await records.update(row.key, (request) => (mentions(subject, request) ? depersonalised(subject, request, now) : undefined))) add('passRequests');
      // A Verified ID presentation for them: its pending record (the callback's secret hash, the QR code) goes; the
      // request keeps only the evidence (issuer, score, time), which names nobody.
      const presentation = row.value.presentation;
      if (presentation && isPerson(subject, row.value.target.id) && (await presentations.get(presentation.state))) {
        await presentations.delete(presentation.state);
        add('verifiedIdPresentations');
      }
    }
  }
  // After the requests: a slot whose request no longer holds it is freed by the sweep anyway.
  if (await store.get(TAP_OPEN_PARTITION, subject.id)) await store.delete(TAP_OPEN_PARTITION, subject.id);
  for (;;) {
    const slots = await store.list(TAP_ATTEMPTS_PARTITION, { keyPrefix: `agent:${subject.id}#`, limit: 100 });
    if (slots.records.length === 0) break;
    for (const slot of slots.records) await store.delete(TAP_ATTEMPTS_PARTITION, slot.key);
    counts.passAttemptSlots = (counts.passAttemptSlots ?? 0) + slots.records.length;
  }
  for await (const page of pagesOf<TapAlert>(store, TAP_ALERTS_PARTITION, 500)) {
    for (const row of page) {
      // `once:<key>` rows only remember when an alert last went out.
      if (row.key.startsWith('once:')) continue;
      subjects.push(row.key);
      if (!alertNames(subject, row.value)) continue;
      if (await casUpdate<TapAlert>(store, TAP_ALERTS_PARTITION, row.key, (alert) => (alertNames(subject, alert) ? alertWithout(subject, alert) : undefined))) add('securityAlerts');
    }
  }
  return { counts, subjects };
}

function mentions(subject: ErasureSubject, request: TapRequest): boolean {
  const people: (Person | undefined)[] = [request.target, request.requester, request.manager, request.check?.by, request.managerCheck?.by, request.approval?.by, request.refusal?.by, request.reveal?.by, request.notMe?.by];
  return people.some((person) => isPerson(subject, person?.id)) || isPerson(subject, request.receiverId) || request.copies.some((copy) => isPerson(subject, copy.recipientId));
}

function depersonalised(subject: ErasureSubject, request: TapRequest, now: Date): TapRequest {
  const person = <T extends Person>(value: T): T => (isPerson(subject, value.id) ? { ...value, ...ERASED_PERSON } : value);
  const byOf = <T extends { by: Person }>(value: T | undefined): T | undefined => (value ? { ...value, by: person(value.by) } : undefined);
  const aboutThem = isPerson(subject, request.target.id);
  const next: TapRequest = {
    ...request,
    requester: person(request.requester),
    target: aboutThem ? { id: ERASED, name: ERASED, upn: ERASED } : request.target,
    receiverId: isPerson(subject, request.receiverId) ? ERASED : request.receiverId,
    copies: request.copies.filter((copy) => !isPerson(subject, copy.recipientId)),
  };
  if (request.manager) next.manager = person(request.manager);
  for (const field of ['managerCheck', 'approval', 'reveal', 'notMe'] as const) if (request[field]) (next as unknown as Record<string, unknown>)[field] = byOf(request[field]);
  if (request.refusal?.by) next.refusal = { ...request.refusal, by: person(request.refusal.by) };
  if (request.check) {
    const { note: _note, ...check } = request.check;
    // The agent's note describes how the target proved who they are: about the target, and free text.
    next.check = { ...(aboutThem ? check : request.check), by: person(request.check.by) };
  }
  if (aboutThem) {
    delete next.reason;
    delete next.privileged;
  }
  const party = aboutThem || isPerson(subject, request.requester.id) || isPerson(subject, request.receiverId);
  // A pass for or by someone erased is never made: an open request ends here (one being created finishes as it does).
  if (party && OPEN_STATES.has(request.state) && request.state !== 'revealing') {
    next.state = 'cancelled';
    next.refusal = { at: now.toISOString(), why: 'a person in it was erased' };
  }
  return next;
}

function alertNames(subject: ErasureSubject, alert: TapAlert): boolean {
  return Object.values(alert.say?.params ?? {}).some((value) => namesPerson(subject, value) || (typeof value === 'string' && withoutPerson(subject, value) !== value)) || (alert.text !== undefined && withoutPerson(subject, alert.text) !== alert.text);
}

function alertWithout(subject: ErasureSubject, alert: TapAlert): TapAlert {
  const next: TapAlert = { ...alert };
  if (alert.say) next.say = { ...alert.say, params: Object.fromEntries(Object.entries(alert.say.params).map(([key, value]) => [key, typeof value === 'string' ? withoutPerson(subject, value) : value])) };
  if (alert.text !== undefined) next.text = withoutPerson(subject, alert.text);
  return next;
}

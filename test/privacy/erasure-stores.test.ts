// Erasure over both store adapters (SQLite, and Azure Table on Azurite behind the batching store, as the service runs
// it): records written through the real modules for two people, one erased; every row underneath is then read for
// the erased person, the other keeps theirs, the campaign's figures and the concerns' count equal a recount, the trail
// verifies with one erasure entry, and a second run changes nothing.

import { describe, expect, it } from 'vitest';
import { AUDIT_ENTRIES, type AuditEntry } from '../../src/audit/audit-entry.js';
import { StoreAuditLog } from '../../src/audit/audit-log.js';
import { exportAudit } from '../../src/audit/audit-export.js';
import { type CampaignMember, CampaignRecords } from '../../src/campaigns/campaign-records.js';
import { contribution, sum } from '../../src/campaigns/campaign-tallies.js';
import { DialogStore } from '../../src/conversation/dialog-store.js';
import { recordEnrolment } from '../../src/enrollment/enrolments.js';
import { recordRefusal } from '../../src/escalation/refusals.js';
import { requestHelp } from '../../src/helpdesk/help-requests.js';
import { Redactor } from '../../src/logging/redact.js';
import { ObjectionLog } from '../../src/objections/objection-log.js';
import { ERASURE_ACTION, erasePerson } from '../../src/privacy/erasure.js';
import { AzureTableStore } from '../../src/store/azure-table-store.js';
import { BatchingStore } from '../../src/store/batching-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store-port.js';
import type { IntentId } from '../../src/shared/intents.js';
import { K1_ONLY } from '../audit/audit-fixtures.js';
import { useAzurite } from '../support/azurite.js';
import { mentioning, type RawRecord, tableRecords } from '../support/store-scan.js';

const azurite = useAzurite();
const CAMPAIGN = { id: 'c20261201000000aa', name: 'Erasure', deadline: '2026-12-31', waves: 1, state: 'running' as const, createdAt: '2026-12-01T09:00:00.000Z', createdBy: { id: 'admin' }, targeted: 2, excluded: {} };
const ERASED = { id: '0b7d7e0e-1111-4c1a-9a6b-5e2f3a4b5c6d', name: 'Greta Lindholm', upn: 'greta.lindholm@contoso.example' };
const KEPT = { id: '9c1f2a3b-2222-4d5e-8f70-1a2b3c4d5e6f', name: 'Omar Farouk', upn: 'omar.farouk@contoso.example' };
const INTENT = 'biometrics' as IntentId;

function member(person: typeof ERASED): CampaignMember {
  return { userId: person.id, upn: person.upn, displayName: person.name, department: 'Finance', timeZone: 'UTC', wave: 0, state: 'reached', nudges: 1, snoozes: 0 };
}

/** What the coach keeps about a person who used it, through the modules that keep it. */
async function traces(store: Store, audit: StoreAuditLog, objections: ObjectionLog, person: typeof ERASED): Promise<void> {
  await new DialogStore(store).update(person.id, (state) => ({ ...state, intentsRaised: [INTENT] }));
  await objections.record({ userId: person.id, intent: INTENT, confidence: 0.9, text: 'my fingerprint' });
  await requestHelp(store, { userId: person.id, intents: [INTENT], requestedAt: '2026-12-01T10:00:00.000Z' });
  await recordRefusal(store, { userId: person.id, reason: 'other', details: `${person.name} will not`, intents: [INTENT], recordedAt: '2026-12-01T10:00:00.000Z' });
  await recordEnrolment(store, { userId: person.id, kinds: ['synced-passkey'], confirmedAt: '2026-12-01T10:00:00.000Z' });
  await audit.record({ action: 'coach.help.requested', outcome: 'info', actor: { kind: 'user', aadObjectId: person.id, displayName: person.name, upn: person.upn } });
}

async function recount(records: CampaignRecords): Promise<Record<string, number>> {
  const counts = {};
  for await (const page of records.members(CAMPAIGN.id)) for (const row of page) sum(counts, contribution(row.value));
  return counts;
}

describe.each(['sqlite', 'azure-table'] as const)('erasure on %s', (kind) => {
  it('leaves nothing of the erased person in any row, keeps the other, and every count still equals a recount', async () => {
    const table = `erasure${Date.now()}`;
    const store: Store = kind === 'sqlite' ? SqliteStore.open({ path: ':memory:' }) : new BatchingStore(await AzureTableStore.open({ connectionString: azurite().connectionString, table, allowInsecureConnection: true }));
    const rows = async (): Promise<RawRecord[]> => {
      if (kind === 'azure-table') return tableRecords(azurite().connectionString, table);
      const found: RawRecord[] = [];
      for (const partition of ['dialogs', 'objection-events', 'help-requests', 'refusals', 'enrolments', 'audit-personal', 'audit-person-index', AUDIT_ENTRIES, `campaign-members:${CAMPAIGN.id}`]) {
        for (const record of (await store.list(partition, { limit: 1000 })).records) found.push({ partition, key: record.key, text: JSON.stringify(record.value) });
      }
      return found;
    };
    try {
      let clock = Date.parse('2026-12-01T10:00:00.000Z');
      const audit = new StoreAuditLog({ store, keyring: { keyId: 'k1', keys: K1_ONLY }, redactor: new Redactor() });
      const objections = new ObjectionLog(store, { keepText: true, retentionDays: 180, now: () => clock });
      const campaigns = new CampaignRecords(store);
      await store.insert('campaigns', CAMPAIGN.id, CAMPAIGN);
      await campaigns.addMembers(CAMPAIGN.id, [member(ERASED), member(KEPT)]);
      for (const person of [ERASED, KEPT]) await traces(store, audit, objections, person);
      // Folded into the concerns' count before erasure, as a day's purge does.
      clock += 3600_000;
      await objections.purge();
      const keptBefore = mentioning(await rows(), [KEPT.id]).length;
      expect(keptBefore).toBeGreaterThan(5);

      const deps = { store, audit, objections, directory: undefined };
      const result = await erasePerson(deps, ERASED.id, { kind: 'on-request' }, { kind: 'system', name: 'erase-command' });
      expect(result.erased).toMatchObject({ campaignMembers: 1, conversationState: 1, objectionEvents: 1, helpRequests: 1, refusals: 1, enrolment: 1, auditNames: 1 });

      const after = await rows();
      expect(mentioning(after, [ERASED.id, ERASED.name, ERASED.upn]).map((row) => `${row.partition} ${row.key}`)).toEqual([]);
      expect(mentioning(after, [KEPT.id]).length).toBe(keptBefore);
      expect(await campaigns.counts(CAMPAIGN.id)).toEqual(await recount(campaigns));
      expect(await objections.countsByIntent()).toEqual({ [INTENT]: 1 });
      const entries = (await store.list<AuditEntry>(AUDIT_ENTRIES, { limit: 1000 })).records.map((record) => record.value);
      expect(entries.filter((entry) => entry.action === ERASURE_ACTION)).toHaveLength(1);
      expect((await exportAudit(store, { keys: K1_ONLY }, () => undefined)).report.ok).toBe(true);
      expect(await erasePerson(deps, ERASED.id, { kind: 'on-request' }, { kind: 'system', name: 'erase-command' })).toEqual({ erased: {} });
    } finally {
      await store.close();
    }
  }, 60_000);
});

// Erasure and Verified ID, on both store adapters: a pending presentation for the erased person goes (its callback
// secret's hash and QR code), their open request is cancelled and keeps only the evidence that names nobody, and
// another person's presentation is untouched.

import { describe, expect, it } from 'vitest';
import { eraseFromHelpdesk } from '../../src/helpdesk/erase-helpdesk.js';
import { PresentationRecords } from '../../src/helpdesk/presentation-records.js';
import { TapRecords, type TapRequest } from '../../src/helpdesk/tap-records.js';
import { AzureTableStore } from '../../src/store/azure-table-store.js';
import { BatchingStore } from '../../src/store/batching-store.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { Store } from '../../src/store/store-port.js';
import { useAzurite } from '../support/azurite.js';

const azurite = useAzurite();
const ERASED = { id: '0b7d7e0e-1111-4c1a-9a6b-5e2f3a4b5c6d', name: 'Greta Lindholm', upn: 'greta.lindholm@contoso.example' };
const KEPT = { id: '9c1f2a3b-2222-4d5e-8f70-1a2b3c4d5e6f', name: 'Omar Farouk', upn: 'omar.farouk@contoso.example' };
const AGENT = { id: '5d4c3b2a-3333-4e5f-9a8b-7c6d5e4f3a2b', name: 'Agent Smith' };

function request(id: string, target: typeof ERASED, state: string): TapRequest {
  return {
    id,
    requester: AGENT,
    target,
    receiverId: AGENT.id,
    state: 'awaiting-approval',
    createdAt: '2026-12-07T09:00:00.000Z',
    expiresAt: '2026-12-07T09:30:00.000Z',
    policy: { minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, defaultLifetimeInMinutes: 60, isUsableOnce: true },
    replacesExistingPass: false,
    check: { kind: 'verified-id', by: AGENT, at: '2026-12-07T09:01:00.000Z' },
    presentation: { state, status: 'verified', url: 'openid-vc://?request_uri=x', createdAt: '2026-12-07T09:01:00.000Z', expiresAt: '2026-12-07T09:06:00.000Z', at: '2026-12-07T09:02:00.000Z', issuer: 'did:web:verifiedid.contoso.example', matchConfidence: 88 },
    reason: `${target.name} lost their phone`,
    copies: [],
  };
}

describe.each(['sqlite', 'azure-table'] as const)('erasing a person with a Verified ID presentation on %s', (kind) => {
  it('deletes their pending presentation, keeps the evidence on the de-personalised request, and leaves the other alone', async () => {
    const store: Store = kind === 'sqlite' ? SqliteStore.open({ path: ':memory:' }) : new BatchingStore(await AzureTableStore.open({ connectionString: azurite().connectionString, table: `erasevid${Date.now()}`, allowInsecureConnection: true }));
    try {
      const records = new TapRecords(store);
      const presentations = new PresentationRecords(store);
      const pending = (tapRequestId: string) => ({ tapRequestId, serviceRequestId: `svc-${tapRequestId}`, secretHash: 'a'.repeat(64), expiresAt: '2026-12-07T09:06:00.000Z', qrCode: 'data:image/png;base64,AAAA' });
      await records.create(request('T-AAAAAA', ERASED, 'state-erased-000000000'));
      await records.create(request('T-BBBBBB', KEPT, 'state-kept-0000000000000'));
      await presentations.create('state-erased-000000000', pending('T-AAAAAA'));
      await presentations.create('state-kept-0000000000000', pending('T-BBBBBB'));

      const { counts } = await eraseFromHelpdesk(store, { id: ERASED.id, names: [ERASED.name, ERASED.upn] }, new Date('2026-12-07T10:00:00.000Z'));
      expect(counts).toMatchObject({ passRequests: 1, verifiedIdPresentations: 1 });
      expect(await presentations.get('state-erased-000000000')).toBeUndefined();
      expect(await presentations.get('state-kept-0000000000000')).toMatchObject({ tapRequestId: 'T-BBBBBB' });
      const erased = (await records.get('T-AAAAAA'))?.value;
      expect(erased?.state).toBe('cancelled');
      expect(erased?.presentation).toMatchObject({ status: 'verified', issuer: 'did:web:verifiedid.contoso.example', matchConfidence: 88 });
      expect(JSON.stringify(erased)).not.toMatch(/Greta|greta|0b7d7e0e/);
      expect((await records.get('T-BBBBBB'))?.value.target).toEqual(KEPT);
    } finally {
      await store.close();
    }
  }, 60_000);
});

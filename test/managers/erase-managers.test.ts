// Erasure and managers' nudges: the erased person's nudge record goes; a nudge an erased manager asked for no longer
// names them, and is then not sent (it would come from nobody).

import { describe, expect, it } from 'vitest';
import { eraseFromManagerNudges } from '../../src/managers/erase-managers.js';
import { claimNudge, MANAGER_NUDGES_PARTITION, type NudgeRecord, nudgeRow } from '../../src/managers/manager-nudges.js';
import { nudgeDelivery } from '../../src/managers/nudge-delivery.js';
import type { OutboxRow } from '../../src/outbox/outbox.js';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { parseWorkingHours } from '../../src/shared/working-hours.js';

const ANNA = { id: '0eb6dc68-13e5-47f9-a077-01d737c4b770', name: 'Anna Keller' };
const LUKAS = '62a53eb6-b348-4edb-83e2-5626ee60b2bb';
const JONAS = '6acd3ff2-21ea-4255-9dc5-7ed8adf77505';

describe('erasing managers’ nudges', () => {
  it('deletes the erased person’s record and de-personalises the nudges they asked for, which are then not sent', async () => {
    const store = SqliteStore.open({ path: ':memory:' });
    try {
      const now = new Date('2026-12-07T10:00:00.000Z');
      const forLukas = await claimNudge(store, LUKAS, ANNA, 7, now);
      const forAnna = await claimNudge(store, ANNA.id, { id: 'someone-else', name: 'Helena Brandt' }, 7, now);
      expect('claimed' in forLukas && 'claimed' in forAnna).toBe(true);

      expect(await eraseFromManagerNudges(store, { id: ANNA.id, names: [ANNA.name] })).toEqual({ nudgesReceived: 1, nudgesAsked: 1 });
      expect(await store.get(MANAGER_NUDGES_PARTITION, ANNA.id)).toBeUndefined();
      const left = await store.get<NudgeRecord>(MANAGER_NUDGES_PARTITION, LUKAS);
      expect(JSON.stringify(left?.value)).not.toMatch(/Anna|0eb6dc68/);

      const delivery = nudgeDelivery({
        store,
        isEnrolled: async () => false,
        messenger: { send: async () => ({}) } as never,
        cards: {} as never,
        languages: { ofRecipient: async () => 'en', inTurn: async () => 'en' },
        hours: parseWorkingHours('00:00-24:00', 'mon-sun'),
        respectWorkingHours: false,
        timeZoneOf: async () => 'UTC',
      });
      const row = { ...nudgeRow(LUKAS, left?.value as NudgeRecord, now), attempts: 0 } as OutboxRow;
      expect(await delivery.deliver(row)).toEqual({ outcome: 'cancelled', reason: 'the manager who asked has left' });
      // Nobody else was touched.
      expect(await eraseFromManagerNudges(store, { id: JONAS, names: ['Jonas Meier'] })).toEqual({});
    } finally {
      await store.close();
    }
  });
});

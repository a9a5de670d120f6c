// The progress view's shared count, as a pure unit: one count at a time for all viewers, a new one only a while after
// the last finished, and a failed count forgotten.

import { describe, expect, it, vi } from 'vitest';
import type { AuditLog } from '../../src/audit/audit-log.js';
import type { CampaignRecords } from '../../src/campaigns/campaign-records.js';
import type { GroupMembership } from '../../src/directory/group-membership.js';
import type { EscalationRecords } from '../../src/escalation/escalation-records.js';
import type { TemporaryAccess } from '../../src/helpdesk/temporary-access.js';
import type { ObjectionLog } from '../../src/objections/objection-log.js';
import type { Store } from '../../src/store/store-port.js';
import { TabService } from '../../src/tab/tab-service.js';

const admin = { id: '1bd66656-33cb-4266-9aa5-55441b70b92c', name: 'Lucas Almeida' };

function serviceCounting(answers: (() => Promise<Record<string, number>>)[]): { service: TabService; counts: () => number } {
  let counts = 0;
  const service = new TabService({
    store: {} as Store,
    audit: { record: async () => undefined } as unknown as AuditLog,
    auditKeys: new Map(),
    membership: { isMember: async () => true } as unknown as GroupMembership,
    groups: { admin: 'admins', helpdesk: 'helpdesk', security: 'security', leadership: 'leadership' },
    campaigns: { latest: async () => undefined } as unknown as CampaignRecords,
    escalations: {} as EscalationRecords,
    passes: { mayApprove: async () => false } as unknown as TemporaryAccess,
    objections: {
      countsByIntent: () => {
        const answer = answers[Math.min(counts, answers.length - 1)] as () => Promise<Record<string, number>>;
        counts += 1;
        return answer();
      },
    } as unknown as ObjectionLog,
    concernTitle: (intent) => intent,
    platformLabel: () => undefined,
  });
  return { service, counts: () => counts };
}

describe('the progress count', () => {
  it('is shared by viewers who ask while it runs and for a while after it finished, then made again', async () => {
    // The count notes when it finished with performance.now(): faked, so "a while" is checked to the millisecond.
    vi.useFakeTimers({ toFake: ['performance'] });
    try {
      let finish: (counts: Record<string, number>) => void = () => undefined;
      let counting: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (counting = resolve));
      const running = () =>
        new Promise<Record<string, number>>((resolve) => {
          finish = resolve;
          counting();
        });
      const { service, counts } = serviceCounting([running, async () => ({ 'lost-phone': 2 })]);
      const first = service.progress(admin, 'en', 0);
      const second = service.progress(admin, 'en', 60_000);
      await started;
      finish({ 'lost-phone': 1 });
      expect((await first).objections).toEqual([{ intent: 'lost-phone', title: 'lost-phone', count: 1 }]);
      expect(await second).toBe(await first);
      expect(counts()).toBe(1);
      const finishedAt = performance.now();
      expect(await service.progress(admin, 'en', finishedAt + 14_999)).toBe(await first);
      expect(counts()).toBe(1);
      expect((await service.progress(admin, 'en', finishedAt + 15_000)).objections[0]?.count).toBe(2);
      expect(counts()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('forgets a count that failed, so the next viewer counts again', async () => {
    const { service, counts } = serviceCounting([async () => Promise.reject(new Error('store unavailable')), async () => ({ refusal: 3 })]);
    await expect(service.progress(admin, 'en', 0)).rejects.toThrow('store unavailable');
    expect((await service.progress(admin, 'en', 1)).objections[0]?.count).toBe(3);
    expect(counts()).toBe(2);
  });
});

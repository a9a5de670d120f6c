// One sender, several features: rows go to the handler of their kind; a kind nobody handles is given up, not retried.

import { describe, expect, it } from 'vitest';
import type { OutboxRow } from '../../src/outbox/outbox.js';
import { routeByKind } from '../../src/outbox/outbox-router.js';
import type { DeliveryResult, OutboxHandler } from '../../src/outbox/outbox-sender.js';

function recorder(name: string, held = false): OutboxHandler & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    async isHeld(row) {
      seen.push(`held?${row.step}`);
      return held;
    },
    async deliver(row): Promise<DeliveryResult> {
      seen.push(`deliver:${row.step}`);
      return { outcome: 'sent', conversationId: name };
    },
    async settled(row) {
      seen.push(`settled:${row.step}`);
    },
  };
}

const row = (kind: OutboxRow['kind'] | 'survey', step: string): OutboxRow => ({ kind: kind as OutboxRow['kind'], subjectId: 'c1', userId: 'u1', step, dueAt: '2026-12-01T00:00:00.000Z', attempts: 0 });

describe('routeByKind', () => {
  it('sends rows without a kind (every campaign row) to campaigns, and escalation rows to escalations', async () => {
    const campaign = recorder('campaign', true);
    const escalation = recorder('escalation');
    const router = routeByKind({ campaign, escalation, tap: recorder('tap') });
    expect(await router.isHeld?.(row(undefined, 'invite'))).toBe(true);
    expect(await router.deliver(row(undefined, 'invite'))).toEqual({ outcome: 'sent', conversationId: 'campaign' });
    expect(await router.deliver(row('escalation', 'ask-0'))).toEqual({ outcome: 'sent', conversationId: 'escalation' });
    await router.settled(row('escalation', 'ask-0'), { outcome: 'sent' });
    expect(await router.isHeld?.(row('escalation', 'ask-1'))).toBe(false);
    expect(campaign.seen).toEqual(['held?invite', 'deliver:invite']);
    expect(escalation.seen).toEqual(['deliver:ask-0', 'settled:ask-0', 'held?ask-1']);
  });

  it('gives up a row of a kind it does not know, with the reason', async () => {
    const router = routeByKind({ campaign: recorder('campaign'), escalation: recorder('escalation'), tap: recorder('tap') });
    expect(await router.deliver(row('survey', 'ask'))).toEqual({ outcome: 'failed', reason: 'no handler for outbox rows of kind survey' });
    await expect(router.settled(row('survey', 'ask'), { outcome: 'failed', reason: 'x' })).resolves.toBeUndefined();
  });
});

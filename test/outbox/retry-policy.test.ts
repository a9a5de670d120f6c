// What becomes of a failed row, as a pure unit: outages, throttling and tenant refusals put it back without spending
// an attempt (for the breaker's probe, Retry-After, the tenant's probe); Teams refusing the very message spends one.

import { describe, expect, it } from 'vitest';
import { RetryableDeliveryError } from '../../src/messaging/delivery-errors.js';
import { EndpointBreakers } from '../../src/outbox/circuit-breaker.js';
import type { OutboxRow } from '../../src/outbox/outbox.js';
import { afterFailure } from '../../src/outbox/retry-policy.js';
import { TenantPause } from '../../src/outbox/tenant-pause.js';

const now = 1_000_000;
const row: OutboxRow = { subjectId: 'c1', userId: 'u1', step: 'invite', dueAt: '2026-12-01T00:00:00.000Z', attempts: 7 };
const context = (extra: Partial<Parameters<typeof afterFailure>[2]> = {}) => ({ maxAttempts: 8, now, random: () => 0, ...extra });

describe('after a failure', () => {
  it('puts a row back after an outage without spending its last attempt, and at the probe time once the breaker is open', () => {
    const breakers = new EndpointBreakers({ now: () => now });
    const outage = new RetryableDeliveryError('Teams answered 503', undefined, { reason: 'outage', endpoint: 'connector:x' });
    expect(afterFailure(row, outage, context({ breakers }))).toEqual({ action: 'requeue', at: now + 1_000 });
    for (let i = 0; i < 5; i++) breakers.failed('connector:x');
    expect(afterFailure(row, outage, context({ breakers }))).toEqual({ action: 'requeue', at: now + 5_000 });
  });

  it('marks a row its breaker held as never tried, and waits at most 15 s however many outages it waited through', () => {
    const breakers = new EndpointBreakers({ now: () => now });
    const held = new RetryableDeliveryError('the Bot Connector is not answering; the message waits for it', 0, { reason: 'endpoint-down', endpoint: 'connector:x' });
    expect(afterFailure(row, held, context({ breakers }))).toEqual({ action: 'requeue', at: now, tried: false });
    const outage = new RetryableDeliveryError('Teams answered 503', undefined, { reason: 'outage', endpoint: 'connector:x' });
    expect(afterFailure({ ...row, requeues: 40 }, outage, context({ breakers, random: () => 0.99 }))).toEqual({ action: 'requeue', at: now + 15_000 });
  });

  it('waits out a 429 for as long as Teams said, spending nothing', () => {
    const throttled = new RetryableDeliveryError('Teams throttled the bot (429)', 7_000, { reason: 'throttled' });
    expect(afterFailure(row, throttled, context())).toEqual({ action: 'requeue', at: now + 7_000 });
  });

  it('puts a row refused for the whole tenant back for the next probe, and ends it once the block is this person’s', () => {
    const tenant = new TenantPause({ now: () => now, refusalsToPause: 1 });
    const refused = new RetryableDeliveryError('Teams refused the bot (403 BotDisabledByAdmin)', undefined, { reason: 'tenant', code: '403 BotDisabledByAdmin' });
    expect(afterFailure(row, refused, context({ tenant }))).toEqual({ action: 'requeue', at: now + 10_000, code: '403 BotDisabledByAdmin' });
    const again = { ...row, lastCode: '403 BotDisabledByAdmin', streak: 2 };
    tenant.delivered();
    expect(afterFailure(again, refused, context({ tenant }))).toEqual({ action: 'end', reason: 'no-teams: a Teams admin has blocked the app for this person' });
  });

  it('spends an attempt when Teams refuses the message itself, and gives up after the last', () => {
    expect(afterFailure({ ...row, attempts: 0 }, new Error('Teams refused the message: 400 (BadArgument)'), context())).toEqual({ action: 'spend', at: now + 1_000 });
    expect(afterFailure(row, new Error('Teams refused the message: 400 (BadArgument)'), context())).toEqual({ action: 'end', reason: 'gave up after 8 attempts: Teams refused the message: 400 (BadArgument)' });
  });
});

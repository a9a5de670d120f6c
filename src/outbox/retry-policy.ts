// What becomes of a row whose delivery failed. A failure that is not the message's own (an outage, throttling, a
// refusal of the whole tenant) puts it back without spending an attempt, for when the endpoint, Teams' Retry-After or
// the tenant's probe says; a refusal that is this person's ends it; Teams refusing this very message spends one
// attempt, and the last one ends it.

import { type EndpointGuard, RetryableDeliveryError } from '../messaging/delivery-errors.js';
import type { OutboxRow } from './outbox.js';
import type { TenantPause } from './tenant-pause.js';

export type AfterFailure =
  /** Put back, attempts untouched, not before `at` (epoch ms); `tried` false when it never reached the endpoint. */
  | { action: 'requeue'; at: number; code?: string; tried?: boolean }
  /** One attempt spent; tried again from `at`. */
  | { action: 'spend'; at: number }
  | { action: 'end'; reason: string };

export interface FailureContext {
  breakers?: EndpointGuard;
  tenant?: TenantPause;
  maxAttempts: number;
  now: number;
  /** 0 ≤ x < 1 (jitter). */
  random?: () => number;
}

/** Rows put back at an open breaker's probe time are spread over this much, so they do not all come due at once. */
const SPREAD_MS = 2_000;
/**
 * The longest wait after an outage, a throttle or a refusal that named no time: past it the breaker or the tenant's
 * pause decides, and a row that waited through a long outage must not come back minutes after it ended.
 */
const REQUEUE_CAP_MS = 15_000;

export function afterFailure(row: OutboxRow, error: unknown, context: FailureContext): AfterFailure {
  const { now, breakers, tenant } = context;
  const random = context.random ?? Math.random;
  if (error instanceof RetryableDeliveryError && error.reason !== 'transient') {
    const waitMs = error.retryAfterMs ?? Math.min(REQUEUE_CAP_MS, backoffMs((row.requeues ?? 0) + 1, random));
    if (error.reason === 'tenant') {
      const code = error.code ?? 'refused';
      if (tenant?.personal(code, { code: row.lastCode, streak: row.streak })) return { action: 'end', reason: 'no-teams: a Teams admin has blocked the app for this person' };
      tenant?.refused(row.userId, code, error.message);
      return { action: 'requeue', at: tenant ? tenant.retryAt(waitMs) : now + waitMs, code };
    }
    if (error.reason === 'throttled') return { action: 'requeue', at: now + waitMs, code: error.code };
    // An outage, or a call its breaker did not let go: once the breaker is open, the row waits for its probe.
    const probeAt = error.endpoint && breakers ? breakers.nextPermitAt(error.endpoint) : now;
    const at = probeAt > now ? probeAt + Math.floor(random() * SPREAD_MS) : now + waitMs;
    return { action: 'requeue', at, code: error.code, ...(error.reason === 'endpoint-down' ? { tried: false } : {}) };
  }
  const attempts = row.attempts + 1;
  const message = error instanceof Error ? error.message : String(error);
  if (attempts >= context.maxAttempts) return { action: 'end', reason: `gave up after ${attempts} attempts: ${message}` };
  const waitMs = error instanceof RetryableDeliveryError ? error.retryAfterMs : undefined;
  return { action: 'spend', at: now + (waitMs ?? backoffMs(attempts, random)) };
}

/** 2 s, 4 s, 8 s… up to 5 minutes, each between half and the full value (jitter keeps retries from marching together). */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(300_000, 2_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

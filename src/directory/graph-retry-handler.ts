// Graph middleware: queues calls per throttle bucket and rides out 429/503/504 without ever resending a create.

import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../logging/logger.js';
import { type Clock, SlidingWindowLimiter, systemClock } from './rate-limiter.js';

/** Graph's "identity and access reports" throttle: the registration report and every authenticationMethod read, per app per tenant. */
export const REPORTS_LIMIT = { limit: 5, windowMs: 10_000 };
/** Teams app installs for users: 30 POST/s per app per tenant. */
export const INSTALLS_LIMIT = { limit: 30, windowMs: 1_000 };

export type ThrottleBucket = 'reports' | 'installs';

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const REPLAYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 32_000 };

export interface GraphRetryHandlerOptions {
  logger: Logger;
  clock?: Clock;
  retry?: Partial<RetryOptions>;
  /** 0 ≤ x < 1; injected so tests can pin the jitter. */
  random?: () => number;
  limits?: Partial<Record<ThrottleBucket, { limit: number; windowMs: number }>>;
}

interface BatchBody {
  requests?: { method?: string; url?: string }[];
}

export class GraphRetryHandler implements Middleware {
  #next: Middleware | undefined;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #retry: RetryOptions;
  readonly #random: () => number;
  readonly #limiters: Record<ThrottleBucket, SlidingWindowLimiter>;

  constructor(options: GraphRetryHandlerOptions) {
    this.#log = options.logger;
    this.#clock = options.clock ?? systemClock;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#random = options.random ?? Math.random;
    this.#limiters = {
      reports: new SlidingWindowLimiter([options.limits?.reports ?? REPORTS_LIMIT], this.#clock),
      installs: new SlidingWindowLimiter([options.limits?.installs ?? INSTALLS_LIMIT], this.#clock),
    };
  }

  setNext(next: Middleware): void {
    this.#next = next;
  }

  async execute(context: Context): Promise<void> {
    if (!this.#next) throw new Error('GraphRetryHandler has no next middleware');
    const method = (context.options?.method ?? 'GET').toUpperCase();
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const buckets = bucketsOf(method, url, context.options?.body);
    const replayable = isReplayable(method, url, context.options?.body);
    for (let attempt = 1; ; attempt++) {
      for (const bucket of buckets) await this.#limiters[bucket].acquire();
      await this.#next.execute(context);
      const response = context.response;
      if (!response || !RETRY_STATUSES.has(response.status)) return;
      const delay = retryAfterMs(response, this.#clock.now()) ?? this.#backoff(attempt);
      if (response.status === 429) for (const bucket of buckets) this.#limiters[bucket].blockUntil(this.#clock.now() + delay);
      const path = safePath(url);
      if (!replayable || attempt >= this.#retry.maxAttempts) {
        this.#log.warn('graph call failed, not retried', { method, path, status: response.status, attempt, replayable });
        return;
      }
      this.#log.info('graph call throttled or unavailable, retrying', { method, path, status: response.status, attempt, delayMs: delay });
      await response.body?.cancel();
      await this.#clock.sleep(delay);
    }
  }

  /** Full jitter: a random wait between 0 and the exponential step, so many callers do not retry in step. */
  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#retry.maxDelayMs, this.#retry.baseDelayMs * 2 ** (attempt - 1));
    return Math.max(50, Math.floor(this.#random() * ceiling));
  }
}

export function bucketsOf(method: string, url: string, body: unknown): ThrottleBucket[] {
  const path = safePath(url);
  if (path.endsWith('/$batch')) {
    const inner = parseBatch(body)?.requests ?? [];
    return inner.flatMap((request) => bucketsOf((request.method ?? 'GET').toUpperCase(), `/${(request.url ?? '').replace(/^\//, '')}`, undefined));
  }
  // The throttle covers the report and authentication-method reads; creating or deleting a pass is not in it.
  if (/\/reports\/authenticationMethods\//i.test(path) || (method === 'GET' && /\/authentication\//i.test(path))) return ['reports'];
  if (method === 'POST' && /\/teamwork\/installedApps$/i.test(path)) return ['installs'];
  return [];
}

/** A create must never be sent twice by a retry layer: only idempotent methods, and batches made only of reads, are replayed. */
export function isReplayable(method: string, url: string, body: unknown): boolean {
  if (REPLAYABLE_METHODS.has(method)) return true;
  if (method === 'POST' && safePath(url).endsWith('/$batch')) {
    const inner = parseBatch(body)?.requests;
    return inner !== undefined && inner.length > 0 && inner.every((request) => (request.method ?? 'GET').toUpperCase() === 'GET');
  }
  return false;
}

function parseBatch(body: unknown): BatchBody | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    return JSON.parse(body) as BatchBody;
  } catch {
    return undefined; // not JSON: not a batch we can reason about, so it is treated as a plain POST
  }
}

/** Retry-After in seconds or as an HTTP date. */
export function retryAfterMs(response: Response, now: number): number | undefined {
  const header = response.headers.get('retry-after');
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The path only: query strings can carry filters with people's names, which do not belong in logs. */
function safePath(url: string): string {
  try {
    return new URL(url, 'http://graph.invalid').pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

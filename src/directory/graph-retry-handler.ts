// Graph middleware: queues calls per throttle bucket and rides out 429/503/504, timeouts and connection resets
// without ever resending a create.

import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { Logger } from '../logging/logger.js';
import { coachMeter, inSpan, METRIC, SPAN, SpanKind, statusClass, wordsOf } from '../telemetry/telemetry.js';
import { type Clock, monotonicClock, SlidingWindowLimiter } from './rate-limiter.js';

/**
 * Graph's "identity and access reports" throttle: 5 per 10 s for the registration report and every
 * authenticationMethod read, per app per tenant. We count when we send, Graph when it receives: half a
 * second of headroom keeps connection set-up from pushing a request into Graph's previous window.
 */
export const REPORTS_LIMIT = { limit: 5, windowMs: 10_500 };
/** Teams app installs for users: 30 POST/s per app per tenant. */
export const INSTALLS_PER_SECOND = 30;
/**
 * Installs go out evenly spaced (paced) a little under the rate (3 %, and at least 1.5 a second): a campaign sends them
 * back to back for minutes, and an even stream with that slack keeps Graph's count of arrivals under its limit however
 * the requests bunch up on the way.
 */
export function installsLimit(perSecond: number): { limit: number; windowMs: number } {
  return { limit: Math.max(1, perSecond - Math.max(1.5, perSecond * 0.03)), windowMs: 1_000 };
}
export const INSTALLS_LIMIT = installsLimit(INSTALLS_PER_SECOND);

export type ThrottleBucket = 'reports' | 'installs';

const RETRY_STATUSES = new Set([429, 502, 503, 504]);
const REPLAYABLE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

export interface RetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited out in a person's turn: the throttle error goes back to the caller. */
  maxRetryAfterMs: number;
  /** One attempt's limit, so a hung connection cannot hold a turn. */
  attemptTimeoutMs: number;
}

export const DEFAULT_RETRY: RetryOptions = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 32_000, maxRetryAfterMs: 60_000, attemptTimeoutMs: 30_000 };

export interface GraphRetryHandlerOptions {
  logger: Logger;
  clock?: Clock;
  retry?: Partial<RetryOptions>;
  /** 0 ≤ x < 1; injected so tests can pin the jitter. */
  random?: () => number;
  limits?: Partial<Record<ThrottleBucket, { limit: number; windowMs: number }>>;
  /** Wall-clock milliseconds, for Retry-After given as an HTTP date (default Date.now); injected for tests. */
  wallNow?: () => number;
}

interface BatchBody {
  requests?: { method?: string; url?: string }[];
}

export class GraphRetryHandler implements Middleware {
  #next: Middleware | undefined;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #wallNow: () => number;
  readonly #retry: RetryOptions;
  readonly #random: () => number;
  readonly #limiters: Record<ThrottleBucket, SlidingWindowLimiter>;
  readonly #calls = coachMeter().createCounter(METRIC.graphCalls, { description: 'Microsoft Graph calls, by throttle bucket and the class of their final status' });
  readonly #throttles = coachMeter().createCounter(METRIC.graphThrottles, { description: 'Graph answers 429 (throttled), by throttle bucket' });

  constructor(options: GraphRetryHandlerOptions) {
    this.#log = options.logger;
    // Elapsed time, not the wall clock: Graph counts requests as they arrive, whatever the time of day says.
    this.#clock = options.clock ?? monotonicClock;
    this.#wallNow = options.wallNow ?? Date.now;
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#random = options.random ?? Math.random;
    this.#limiters = {
      reports: new SlidingWindowLimiter([options.limits?.reports ?? REPORTS_LIMIT], this.#clock),
      installs: new SlidingWindowLimiter([options.limits?.installs ?? INSTALLS_LIMIT], this.#clock, { burst: 2 }),
    };
  }

  setNext(next: Middleware): void {
    this.#next = next;
  }

  /** One call as the caller sees it (every retry inside it): one span, one count with the status it ended on. */
  async execute(context: Context): Promise<void> {
    const next = this.#next;
    if (!next) throw new Error('GraphRetryHandler has no next middleware');
    const method = (context.options?.method ?? 'GET').toUpperCase();
    const url = typeof context.request === 'string' ? context.request : context.request.url;
    const buckets = bucketsOf(method, url, context.options?.body);
    const bucket = buckets.length === 0 ? 'none' : [...new Set(buckets)].join('+');
    const route = routeOf(url).toLowerCase();
    let status: number | undefined;
    try {
      await inSpan(SPAN.graph, SpanKind.CLIENT, { 'http.request.method': method, 'url.template': route, 'coach.graph.bucket': bucket }, async (span) => {
        await this.#attempts(context, next, method, url, buckets, (attempt, answered) => {
          status = answered;
          span.setAttributes({ 'http.response.status_code': answered ?? 0, 'coach.graph.attempts': attempt });
          if (answered === 429) this.#throttles.add(1, wordsOf({ bucket }));
        });
      });
    } finally {
      this.#calls.add(1, wordsOf({ bucket, status_class: statusClass(status) }));
    }
  }

  async #attempts(context: Context, next: Middleware, method: string, url: string, buckets: ThrottleBucket[], answered: (attempt: number, status: number | undefined) => void): Promise<void> {
    const replayable = isReplayable(method, url, context.options?.body);
    for (let attempt = 1; ; attempt++) {
      for (const bucket of buckets) await this.#limiters[bucket].acquire();
      context.options = { ...context.options, signal: AbortSignal.timeout(this.#retry.attemptTimeoutMs) };
      // The SDK's auth handler (next in the chain) appends its header: a retry must not carry two tokens.
      withoutAuthorization(context);
      try {
        await next.execute(context);
      } catch (error) {
        answered(attempt, undefined);
        // No answer at all (the attempt's time limit, a reset, a refused connection): a read is asked again, a create
        // never (its caller decides, since it may have been done).
        if (!replayable || !isLostAnswer(error) || attempt >= this.#retry.maxAttempts) throw error;
        const delay = this.#backoff(attempt);
        this.#log.info('graph call got no answer, retrying', { method, path: routeOf(url), error: lostAnswerKind(error), attempt, delayMs: delay });
        await this.#clock.sleep(delay);
        continue;
      }
      const response = context.response;
      answered(attempt, response?.status);
      if (!response || !RETRY_STATUSES.has(response.status)) return;
      // An HTTP-date Retry-After is wall-clock time: compared with Date.now(), never with the limiters' elapsed-time clock.
      const delay = retryAfterMs(response, this.#wallNow()) ?? this.#backoff(attempt);
      if (response.status === 429) for (const bucket of buckets) this.#limiters[bucket].blockFor(delay);
      const path = routeOf(url);
      if (!replayable || attempt >= this.#retry.maxAttempts || delay > this.#retry.maxRetryAfterMs) {
        this.#log.warn('graph call failed, not retried', { method, path, status: response.status, attempt, replayable, delayMs: delay });
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

const LOST_ANSWER_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED']);

/** A request that got no answer: timed out (the attempt's own signal), or its connection failed or was reset. */
export function isLostAnswer(error: unknown): boolean {
  return lostAnswerKind(error) !== undefined;
}

function lostAnswerKind(error: unknown): string | undefined {
  let network = false;
  for (let current = error, depth = 0; current && depth < 4; current = (current as { cause?: unknown }).cause, depth++) {
    const { name, code, message } = current as { name?: unknown; code?: unknown; message?: unknown };
    if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
    if (typeof code === 'string' && LOST_ANSWER_CODES.has(code)) return code;
    // undici reports every network failure as this TypeError, the reason (when known) in its cause.
    if (name === 'TypeError' && message === 'fetch failed') network = true;
  }
  return network ? 'network' : undefined;
}

function withoutAuthorization(context: Context): void {
  const headers = context.options?.headers;
  if (!headers) return;
  if (headers instanceof Headers) headers.delete('Authorization');
  else if (Array.isArray(headers)) context.options = { ...context.options, headers: headers.filter(([name]) => name?.toLowerCase() !== 'authorization') };
  else for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete (headers as Record<string, string>)[name];
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

/**
 * The route, for logs: no query (filters carry names) and no ids or UPNs in the path,
 * e.g. `/v1.0/users/{id}/authentication/methods`.
 */
export function routeOf(url: string): string {
  return safePath(url)
    .split('/')
    .map((segment, index, all) => (ID_PARENTS.has((all[index - 1] ?? '').toLowerCase()) || /@|^[0-9a-f-]{32,36}$/i.test(decodeSegment(segment)) ? '{id}' : segment))
    .join('/');
}

const ID_PARENTS = new Set(['users', 'groups', 'methods', 'fido2methods', 'windowshelloforbusinessmethods', 'temporaryaccesspassmethods', 'installedapps']);

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment; // malformed escapes: judge the raw text
  }
}

/** The path only: query strings can carry filters with people's names. */
function safePath(url: string): string {
  try {
    return new URL(url, 'http://graph.invalid').pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}

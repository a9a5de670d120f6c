// Teams' documented Bot Connector limits, and the sliding-window limiter that enforces them against an injected clock.

/** At most `limit` operations in any `windowMs` span (a hit `windowMs` old has left the window). */
export interface RateWindow {
  readonly limit: number;
  readonly windowMs: number;
}

export interface ConnectorLimits {
  /** Per bot per conversation: send, reply and create conversation (msteams-docs bots/how-to/rate-limit). */
  readonly perConversationSend: readonly RateWindow[];
  /** Per bot per conversation: member reads ("Get Conversation Members"). */
  readonly perConversationRead: readonly RateWindow[];
  /** Per app per tenant, every bot API call. Microsoft gives 50 requests/s on one page and 30 on others: 30 by default. */
  readonly perTenant: readonly RateWindow[];
  /**
   * Largest activity accepted, counted as its JSON in UTF-16 with base64 data URIs left out, as Teams counts it.
   * Microsoft's pages say 40 KB (older) and 100 KB (newer): the stricter 40 KB by default.
   */
  readonly maxMessageBytes: number;
}

const SECOND = 1000;

export const DEFAULT_CONNECTOR_LIMITS: ConnectorLimits = Object.freeze({
  perConversationSend: Object.freeze([
    { limit: 7, windowMs: 1 * SECOND },
    { limit: 8, windowMs: 2 * SECOND },
    { limit: 60, windowMs: 30 * SECOND },
    { limit: 1800, windowMs: 3600 * SECOND },
  ]),
  perConversationRead: Object.freeze([
    { limit: 14, windowMs: 1 * SECOND },
    { limit: 16, windowMs: 2 * SECOND },
    { limit: 120, windowMs: 30 * SECOND },
    { limit: 3600, windowMs: 3600 * SECOND },
  ]),
  perTenant: Object.freeze([{ limit: 30, windowMs: 1 * SECOND }]),
  maxMessageBytes: 40 * 1024,
});

export function resolveLimits(overrides: Partial<ConnectorLimits> = {}): ConnectorLimits {
  const limits = { ...DEFAULT_CONNECTOR_LIMITS, ...overrides };
  for (const window of [...limits.perConversationSend, ...limits.perConversationRead, ...limits.perTenant]) {
    if (!Number.isInteger(window.limit) || window.limit < 1 || !Number.isFinite(window.windowMs) || window.windowMs <= 0) {
      throw new RangeError(`connector emulator: a rate window needs a positive integer limit and a positive windowMs, got ${JSON.stringify(window)}`);
    }
  }
  if (!(limits.maxMessageBytes > 0)) throw new RangeError('connector emulator: maxMessageBytes must be positive');
  return limits;
}

export interface LimitBucket {
  readonly key: string;
  readonly windows: readonly RateWindow[];
}

export type LimitDecision = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterMs: number; readonly bucket: string; readonly window: RateWindow };

/** Sliding-window counters keyed by bucket. A request is admitted only if every window of every bucket has room. */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();

  constructor(private readonly now: () => number) {}

  /** Admits and counts the request in every bucket, or refuses it (counting nothing) with the wait until it would fit. */
  tryAcquire(buckets: readonly LimitBucket[]): LimitDecision {
    const at = this.now();
    let refusal: Extract<LimitDecision, { allowed: false }> | undefined;
    for (const bucket of buckets) {
      const hits = this.prune(bucket, at);
      for (const window of bucket.windows) {
        const wait = waitFor(hits, window, at);
        if (wait > 0 && (refusal === undefined || wait > refusal.retryAfterMs)) {
          refusal = { allowed: false, retryAfterMs: wait, bucket: bucket.key, window };
        }
      }
    }
    if (refusal) return refusal;
    for (const bucket of buckets) insertSorted(this.hitsOf(bucket.key), at);
    return { allowed: true };
  }

  reset(): void {
    this.hits.clear();
  }

  private hitsOf(key: string): number[] {
    let hits = this.hits.get(key);
    if (!hits) {
      hits = [];
      this.hits.set(key, hits);
    }
    return hits;
  }

  /** Drops hits older than the bucket's longest window: they can no longer refuse anything. */
  private prune(bucket: LimitBucket, at: number): number[] {
    const hits = this.hitsOf(bucket.key);
    const longest = Math.max(0, ...bucket.windows.map((w) => w.windowMs));
    let expired = 0;
    while (expired < hits.length && (hits[expired] ?? 0) <= at - longest) expired++;
    if (expired > 0) hits.splice(0, expired);
    return hits;
  }
}

/** Milliseconds until one more hit fits in `window` (0 if it fits now). `hits` is sorted ascending. */
function waitFor(hits: readonly number[], window: RateWindow, at: number): number {
  // The first hit inside the window, by binary search: a busy chat keeps up to 1800 hits for its hour-long window.
  let first = 0;
  let end = hits.length;
  while (first < end) {
    const middle = (first + end) >>> 1;
    if ((hits[middle] ?? 0) <= at - window.windowMs) first = middle + 1;
    else end = middle;
  }
  const inWindow = hits.length - first;
  if (inWindow < window.limit) return 0;
  // The oldest hits must leave the window until only limit - 1 remain.
  const mustLeave = hits[first + (inWindow - window.limit)] ?? at;
  return Math.max(1, mustLeave + window.windowMs - at);
}

function insertSorted(hits: number[], at: number): void {
  let index = hits.length;
  while (index > 0 && (hits[index - 1] ?? 0) > at) index--;
  hits.splice(index, 0, at);
}

/** Teams sends Retry-After in whole seconds; never 0, or a client would retry into the same window. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / SECOND));
}

/** The size Teams counts: the JSON as UTF-16 (two bytes a code unit), base64 data URIs excluded. */
export function messageBytes(activity: unknown): number {
  const json = JSON.stringify(activity) ?? '';
  return json.replace(/data:[^"\\;,]*;base64,[A-Za-z0-9+/=]*/g, '').length * 2;
}

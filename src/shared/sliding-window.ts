// Sliding-window rate counting: the one implementation behind the service's own limits and the emulators' enforcement of Microsoft's.

/** At most `limit` events in any `windowMs` span (an event `windowMs` old has left the window). */
export interface RateWindow {
  readonly limit: number;
  readonly windowMs: number;
}

/** Events counted under one key (a chat, a tenant, an app) against that key's windows. */
export interface WindowBucket {
  readonly key: string;
  readonly windows: readonly RateWindow[];
}

export type Admission =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly retryAfterMs: number; readonly bucket: string; readonly window: RateWindow };

/** Event times per bucket key, oldest first, kept as long as the bucket's widest window. */
export class SlidingWindowCounter {
  readonly #events = new Map<string, number[]>();
  readonly #now: () => number;

  constructor(now: () => number) {
    this.#now = now;
  }

  /**
   * Milliseconds until one more event fits in every window of every bucket (0: it fits now). Not
   * rounded: on a fractional clock a full window may free up in less than a millisecond.
   */
  waitMs(buckets: readonly WindowBucket[], at = this.#now()): number {
    let wait = 0;
    for (const bucket of buckets) {
      const events = this.#prune(bucket, at);
      for (const window of bucket.windows) wait = Math.max(wait, msUntilRoom(events, window, at));
    }
    return wait;
  }

  /** Counts an event in every bucket whether or not it had room (a call already made). */
  record(buckets: readonly WindowBucket[], at = this.#now()): void {
    for (const bucket of buckets) insertSorted(this.#prune(bucket, at), at);
  }

  /**
   * Admits and counts an event in every bucket, or refuses it, counting nothing, with the wait (at
   * least 1 ms, as a server's Retry-After) until it would fit and the window that holds it back longest.
   */
  tryAcquire(buckets: readonly WindowBucket[], at = this.#now()): Admission {
    let refusal: Extract<Admission, { allowed: false }> | undefined;
    for (const bucket of buckets) {
      const events = this.#prune(bucket, at);
      for (const window of bucket.windows) {
        const room = msUntilRoom(events, window, at);
        const wait = room > 0 ? Math.max(1, room) : 0;
        if (wait > 0 && (refusal === undefined || wait > refusal.retryAfterMs)) refusal = { allowed: false, retryAfterMs: wait, bucket: bucket.key, window };
      }
    }
    if (refusal) return refusal;
    this.record(buckets, at);
    return { allowed: true };
  }

  /** Events inside the bucket's widest window. */
  count(bucket: WindowBucket, at = this.#now()): number {
    return this.#prune(bucket, at).length;
  }

  reset(): void {
    this.#events.clear();
  }

  /** Drops events older than the bucket's widest window: they can no longer hold anything back. */
  #prune(bucket: WindowBucket, at: number): number[] {
    let events = this.#events.get(bucket.key);
    if (!events) {
      events = [];
      this.#events.set(bucket.key, events);
    }
    const widest = Math.max(0, ...bucket.windows.map((window) => window.windowMs));
    let expired = 0;
    while (expired < events.length && (events[expired] ?? 0) <= at - widest) expired++;
    if (expired > 0) events.splice(0, expired);
    return events;
  }
}

/** Milliseconds until one more event fits in `window` (0 if it fits now); `events` is sorted ascending. */
function msUntilRoom(events: readonly number[], window: RateWindow, at: number): number {
  // The first event inside the window, by binary search: a busy chat keeps up to 1800 events for its hour-long window.
  let first = 0;
  let end = events.length;
  while (first < end) {
    const middle = (first + end) >>> 1;
    if ((events[middle] ?? 0) <= at - window.windowMs) first = middle + 1;
    else end = middle;
  }
  const inWindow = events.length - first;
  if (inWindow < window.limit) return 0;
  // The oldest events must leave the window until only limit - 1 remain.
  const mustLeave = events[first + (inWindow - window.limit)] ?? at;
  return mustLeave + window.windowMs - at;
}

function insertSorted(events: number[], at: number): void {
  let index = events.length;
  while (index > 0 && (events[index - 1] ?? 0) > at) index--;
  events.splice(index, 0, at);
}

/** A wait as a Retry-After in whole seconds; never 0, or a client would retry into the same window. */
export function retryAfterSeconds(retryAfterMs: number): number {
  return Math.max(1, Math.ceil(retryAfterMs / 1000));
}

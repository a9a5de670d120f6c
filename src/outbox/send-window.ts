// How many messages the sender keeps in flight: as many as Teams' rate needs at the time a message takes, no more.

import type { LimiterPressure } from '../directory/rate-limiter.js';

/** What the window reads from the tenant's rate limiter. */
export interface RatePressure {
  pressure(): LimiterPressure;
  /** Milliseconds between grants at the full rate. */
  readonly grantSpacingMs: number;
}

export interface SendWindowOptions {
  pressure: RatePressure;
  /** The most in flight whatever the measurements say (OUTREACH_CONCURRENCY): also the most one crash can send twice. */
  max: number;
  /** Where it starts before anything is measured. */
  initial?: number;
  /** How long each measurement runs before the window follows it. */
  periodMs?: number;
  /** Grants' worth of time kept waiting at the limiter, so a message that comes back late does not leave it idle. */
  reserveMs?: number;
}

/** The most rows the sender takes (claims) together: their claims, reads and outcomes share round trips. */
export const TAKE_TOGETHER = 8;

/**
 * How many free slots the sender waits for before it takes more rows, with `size` in flight: half the window, at most
 * TAKE_TOGETHER. Until they are free, fewer than the window are in flight, and the window allows for that.
 */
export function takeTogether(size: number): number {
  return Math.max(1, Math.min(TAKE_TOGETHER, Math.ceil(size / 2)));
}

/** Below this share of its rate left unused, the limiter counts as kept busy. */
const IDLE_TOLERATED = 0.02;
/** The most the window grows in one period (×4) and shrinks (by a quarter): it follows, it does not jump about. */
const MOST_GROWTH = 4;
const MOST_SHRINK = 0.25;

/**
 * By Little's law a sender keeps the rate R only with R × (time per message) messages in flight; the time per message
 * is whatever Teams, Graph and the store take today (a few milliseconds on loopback, a second or more for a message
 * that needs the app installed first). The window measures it instead of assuming it: over each period, the messages in
 * flight that were not waiting for the limiter are the ones the time per message keeps busy ("elsewhere"); the window is
 * that plus a small reserve waiting at the limiter. When the limiter went unused while the sender had more to send, it
 * was too small, and elsewhere is scaled by the rate it missed. Fewer in flight than a fixed number would keep means
 * fewer rows claimed ahead, a paused campaign or an urgent notice waiting behind fewer, and fewer sent twice after a
 * crash; more than a fixed number would keep means Teams' rate even when calls are slow.
 */
export class SendWindow {
  readonly #pressure: RatePressure;
  readonly #max: number;
  readonly #min: number;
  readonly #periodMs: number;
  readonly #reserve: number;
  #size: number;
  /** The period being measured: the limiter's reading at its start, the sender's in-flight count over it. */
  #start: LimiterPressure;
  #inFlight = 0;
  #inFlightArea = 0;
  #countedTo: number;
  /** The sender had rows it could not take for want of room in the window. */
  #limited = false;

  constructor(options: SendWindowOptions) {
    if (!(options.max >= 1)) throw new Error('SendWindow needs a maximum of at least 1');
    this.#pressure = options.pressure;
    this.#max = Math.floor(options.max);
    this.#min = Math.min(this.#max, 2);
    this.#periodMs = options.periodMs ?? 1_000;
    this.#reserve = Math.max(2, Math.ceil((options.reserveMs ?? 250) / Math.max(1, options.pressure.grantSpacingMs)));
    this.#size = clamp(options.initial ?? 8, this.#min, this.#max);
    this.#start = options.pressure.pressure();
    this.#countedTo = this.#start.at;
  }

  /** Messages to keep in flight now. */
  get size(): number {
    return this.#size;
  }

  /** The sender's messages in flight changed to `count`. */
  moved(count: number): void {
    this.#follow(this.#pressure.pressure());
    this.#inFlight = count;
  }

  /** The sender had more to send than the window let it take. */
  full(): void {
    this.#limited = true;
  }

  /** Looks whether a period has ended (and the window should follow it). */
  check(): void {
    this.#follow(this.#pressure.pressure());
  }

  /** Measurements made while sending was held (a breaker's probe, a paused tenant) say nothing: start afresh. */
  restart(): void {
    this.#begin(this.#pressure.pressure());
  }

  #follow(now: LimiterPressure): void {
    this.#inFlightArea += this.#inFlight * Math.max(0, now.at - this.#countedTo);
    this.#countedTo = Math.max(this.#countedTo, now.at);
    const spanMs = now.at - this.#start.at;
    if (spanMs < this.#periodMs) return;
    const queued = (now.queuedMs - this.#start.queuedMs) / spanMs;
    const unused = Math.min(1, Math.max(0, (now.idleMs - this.#start.idleMs) / spanMs));
    const elsewhere = Math.max(0, this.#inFlightArea / spanMs - queued);
    const starved = this.#limited && unused > IDLE_TOLERATED;
    // Starved: the same time per message at the full rate needs elsewhere / (share of the rate reached) in flight.
    const needed = covering(Math.ceil((starved ? elsewhere / Math.max(1 / MOST_GROWTH, 1 - unused) : elsewhere) + this.#reserve));
    // Grown only on evidence that it was too small: with nothing more waiting to go, it can only have been big enough.
    const shrunk = Math.max(needed, Math.floor(this.#size * (1 - MOST_SHRINK)));
    const next = starved ? Math.max(needed, this.#size + 1) : this.#limited ? shrunk : Math.min(this.#size, shrunk);
    this.#size = clamp(Math.min(next, this.#size * MOST_GROWTH), this.#min, this.#max);
    this.#begin(now);
  }

  #begin(now: LimiterPressure): void {
    this.#start = now;
    this.#inFlightArea = 0;
    this.#countedTo = now.at;
    this.#limited = false;
  }
}

/** The smallest window that keeps `busy` in flight even while the sender waits for a batch's worth of free slots. */
function covering(busy: number): number {
  let size = busy;
  while (size - takeTogether(size) + 1 < busy) size += 1;
  return size;
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

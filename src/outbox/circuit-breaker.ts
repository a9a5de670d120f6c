// One circuit breaker per endpoint the sender depends on (the Bot Connector at a service URL, Microsoft Graph): a run
// of failures across rows (no answer, a timeout, a reset, a 5xx) opens it; while it is open nothing is sent through it
// and no row spends an attempt; at its probe time one call goes through, and the first answer closes it.

import { type EndpointGuard, GRAPH_ENDPOINT } from '../messaging/delivery-errors.js';

export interface BreakerOptions {
  /** Failures in a row, across rows, with no answer in between, that open the breaker. */
  failuresToOpen: number;
  /** The wait before the first probe; doubled after each failed probe, up to `maxProbeDelayMs`. */
  firstProbeDelayMs: number;
  maxProbeDelayMs: number;
  /** A probe that has not reported by then counts as lost: another call may probe. */
  probeTimeoutMs: number;
  /** Epoch milliseconds (Date.now: the sender's rows are timed in it too). */
  now: () => number;
}

export const DEFAULT_BREAKER: Omit<BreakerOptions, 'now'> = { failuresToOpen: 5, firstProbeDelayMs: 5_000, maxProbeDelayMs: 15_000, probeTimeoutMs: 60_000 };

export type BreakerState = 'closed' | 'open' | 'probing';

/** How soon to look again while a probe is out. */
const PROBE_ANSWER_MS = 1_000;

export interface BreakerEvents {
  opened?(endpoint: string, failures: number): void;
  closed?(endpoint: string, downMs: number): void;
}

export class CircuitBreaker {
  #failures = 0;
  /** Set while open. */
  #open: { since: number; probeAt: number; probeDelay: number; probeSince?: number } | undefined;

  constructor(
    readonly endpoint: string,
    private readonly options: BreakerOptions,
    private readonly events: BreakerEvents = {},
  ) {}

  state(): BreakerState {
    if (!this.#open) return 'closed';
    return this.#probing() ? 'probing' : 'open';
  }

  /** Closed: yes. Open: only once its probe time has come, and then for one call at a time (the probe). */
  permit(): boolean {
    const open = this.#open;
    if (!open) return true;
    const now = this.options.now();
    if (this.#probing() || now < open.probeAt) return false;
    open.probeSince = now;
    return true;
  }

  /**
   * When a call may go: now when closed, else the probe time. While a probe is out its answer decides within moments
   * (closed, or the next probe time): ask again in a second rather than waiting for it to count as lost.
   */
  nextPermitAt(): number {
    const open = this.#open;
    const now = this.options.now();
    if (!open) return now;
    return this.#probing() ? now + PROBE_ANSWER_MS : open.probeAt;
  }

  answered(): void {
    this.#failures = 0;
    const open = this.#open;
    if (!open) return;
    this.#open = undefined;
    this.events.closed?.(this.endpoint, this.options.now() - open.since);
  }

  failed(): void {
    const now = this.options.now();
    const open = this.#open;
    if (!open) {
      this.#failures += 1;
      if (this.#failures < this.options.failuresToOpen) return;
      this.#open = { since: now, probeAt: now + this.options.firstProbeDelayMs, probeDelay: this.options.firstProbeDelayMs };
      this.events.opened?.(this.endpoint, this.#failures);
      return;
    }
    // Calls that left before it opened still come back failing: only a probe's failure moves the next probe on.
    if (open.probeSince === undefined) return;
    open.probeDelay = Math.min(this.options.maxProbeDelayMs, open.probeDelay * 2);
    open.probeAt = now + open.probeDelay;
    open.probeSince = undefined;
  }

  #probing(): boolean {
    const since = this.#open?.probeSince;
    return since !== undefined && this.options.now() - since < this.options.probeTimeoutMs;
  }
}

/** What the sender may take now: every row, one at a time (a probe), or nothing until `until`. */
export type Dispatch = { mode: 'all' } | { mode: 'one' } | { mode: 'none'; until: number };

/** The stricter of two answers. */
export function stricter(a: Dispatch, b: Dispatch): Dispatch {
  if (a.mode === 'none' && b.mode === 'none') return { mode: 'none', until: Math.max(a.until, b.until) };
  if (a.mode === 'none') return a;
  if (b.mode === 'none') return b;
  return a.mode === 'one' || b.mode === 'one' ? { mode: 'one' } : { mode: 'all' };
}

/** The breakers of every endpoint, made as they are first named; the messenger asks them before each call. */
export class EndpointBreakers implements EndpointGuard {
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #options: BreakerOptions;

  constructor(
    options: Partial<BreakerOptions> = {},
    private readonly events: BreakerEvents = {},
  ) {
    this.#options = { ...DEFAULT_BREAKER, now: Date.now, ...options };
  }

  of(endpoint: string): CircuitBreaker {
    let breaker = this.#breakers.get(endpoint);
    if (!breaker) {
      breaker = new CircuitBreaker(endpoint, this.#options, this.events);
      this.#breakers.set(endpoint, breaker);
    }
    return breaker;
  }

  permit(endpoint: string): boolean {
    return this.of(endpoint).permit();
  }

  answered(endpoint: string): void {
    this.of(endpoint).answered();
  }

  failed(endpoint: string): void {
    this.of(endpoint).failed();
  }

  nextPermitAt(endpoint: string): number {
    return this.of(endpoint).nextPermitAt();
  }

  /** Every endpoint this process has sent to, with its breaker's state (for telemetry). */
  states(): { endpoint: string; state: BreakerState }[] {
    return [...this.#breakers.values()].map((breaker) => ({ endpoint: breaker.endpoint, state: breaker.state() }));
  }

  /** Endpoints whose breaker is open now (for status and logs). */
  openEndpoints(): string[] {
    return [...this.#breakers.values()].filter((breaker) => breaker.state() !== 'closed').map((breaker) => breaker.endpoint);
  }

  /**
   * Every message goes through the Bot Connector, so while one of its breakers is open the sender takes nothing but
   * the probe; Graph is needed only by some rows (installs, group look-ups), which its breaker turns away one by one.
   */
  dispatch(): Dispatch {
    const down = [...this.#breakers.values()].filter((breaker) => breaker.endpoint !== GRAPH_ENDPOINT && breaker.state() !== 'closed');
    if (down.length === 0) return { mode: 'all' };
    const now = this.#options.now();
    if (down.some((breaker) => breaker.state() === 'open' && breaker.nextPermitAt() <= now)) return { mode: 'one' };
    return { mode: 'none', until: Math.min(...down.map((breaker) => breaker.nextPermitAt())) };
  }
}

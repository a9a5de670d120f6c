// Faults a test injects into Graph traffic: an error status (with Retry-After), a delay, or both; or a connection reset.

import { GraphHttpError } from './graph-errors.js';

export type FaultStatus = 403 | 412 | 429 | 500 | 503 | 504;

export interface FaultSpec {
  /** Only requests with this method (any when absent). */
  method?: string;
  /** A string matches the path exactly (case-insensitive, no query), e.g. `/v1.0/users`; a RegExp is tested against the path. */
  path: string | RegExp;
  /** Answer with this status instead of running the request; absent with `delayMs` only delays it. */
  status?: FaultStatus;
  /** Reset the connection (after `delayMs`) instead of answering: the request is not run. A step of a $batch answers 500. */
  reset?: boolean;
  /** How many matching requests it affects (default: every one until cleared). */
  times?: number;
  retryAfterSeconds?: number;
  delayMs?: number;
}

export interface Fault extends FaultSpec {
  id: number;
  /** Matching requests it has affected so far. */
  hits: number;
}

const STATUS_CODES: Record<FaultStatus, { code: string; message: string }> = {
  // What Exchange answers for mailbox settings an application access policy keeps from the app.
  403: { code: 'ErrorAccessDenied', message: 'Access is denied. Check credentials and try again.' },
  412: { code: 'PreconditionFailed', message: 'The precondition given in one or more of the request headers evaluated to false.' },
  429: { code: 'TooManyRequests', message: 'Too many requests. Retry after the number of seconds in the Retry-After header.' },
  500: { code: 'generalException', message: 'An internal server error occurred.' },
  503: { code: 'serviceNotAvailable', message: 'The service is temporarily unavailable. Retry after the number of seconds in the Retry-After header.' },
  504: { code: 'gatewayTimeout', message: 'The gateway timed out waiting for the service.' },
};

/** Thrown by the pipeline for a reset fault: the server drops the connection instead of answering. */
export class ConnectionResetFault extends Error {
  constructor() {
    super('connection reset by an injected fault');
  }
}

export class FaultInjector {
  private faults: Fault[] = [];
  private nextId = 1;
  private latencyMs = 0;
  private holding = 0;

  add(spec: FaultSpec): Fault {
    if (spec.status === undefined && spec.delayMs === undefined && !spec.reset) throw new Error('a fault needs a status, a delayMs or a reset');
    if (spec.status !== undefined && spec.reset) throw new Error('a fault either answers with a status or resets the connection, not both');
    if (spec.times !== undefined && (!Number.isInteger(spec.times) || spec.times < 1)) throw new Error(`fault times must be a positive integer (got ${spec.times})`);
    const fault: Fault = { ...spec, id: this.nextId++, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  remove(id: number): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((fault) => fault.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
    this.latencyMs = 0;
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  /** The latency added to every Graph request. */
  latency(): number {
    return this.latencyMs;
  }

  /** Added to every Graph request (0 turns it off). */
  setLatency(ms: number): void {
    if (!(ms >= 0)) throw new Error(`latency must be zero or more milliseconds (got ${ms})`);
    this.latencyMs = ms;
  }

  /** Waits out a request's delay, counted in `held()` while it lasts. */
  async hold(ms: number): Promise<void> {
    if (ms <= 0) return;
    this.holding += 1;
    try {
      await new Promise((resolve) => setTimeout(resolve, ms));
    } finally {
      this.holding -= 1;
    }
  }

  /** How many requests are waiting out a delay right now. */
  held(): number {
    return this.holding;
  }

  /** Finds the first live fault for a request and uses one of its `times`. */
  take(method: string, path: string): { delayMs: number; error?: GraphHttpError; reset?: boolean } {
    const fault = this.faults.find((candidate) => matches(candidate, method, path));
    if (!fault) return { delayMs: this.latencyMs };
    fault.hits += 1;
    if (fault.times !== undefined && fault.hits >= fault.times) this.remove(fault.id);
    const delayMs = this.latencyMs + (fault.delayMs ?? 0);
    if (fault.reset) return { delayMs, reset: true };
    if (fault.status === undefined) return { delayMs };
    const { code, message } = STATUS_CODES[fault.status];
    const headers: Record<string, string> = fault.retryAfterSeconds === undefined ? {} : { 'Retry-After': String(fault.retryAfterSeconds) };
    return { delayMs, error: new GraphHttpError(fault.status, code, message, headers) };
  }
}

function matches(fault: Fault, method: string, path: string): boolean {
  if (fault.method && fault.method.toUpperCase() !== method.toUpperCase()) return false;
  if (typeof fault.path === 'string') return fault.path.toLowerCase() === path.toLowerCase();
  fault.path.lastIndex = 0;
  return fault.path.test(path);
}

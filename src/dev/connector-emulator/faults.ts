// Faults injected on demand: a status (5xx, 412, 429, 401, 403, 404), latency, or a dropped connection for the
// connector calls that match; a connection dropped after the answer was made is a message Teams accepted whose answer
// the bot never got.

import { type ConnectorError, type FaultStatus, faultError } from './errors.js';

export interface FaultSpec {
  /** HTTP method to match (any when omitted). */
  method?: string;
  /** A string matches every decoded path that starts with it; a RegExp is tested against the decoded path. Any /v3 path when omitted. */
  path?: string | RegExp;
  /** The error to answer with. Without it the fault only adds `delayMs` and the call then runs normally. */
  status?: FaultStatus;
  /**
   * Resets the connection instead of answering: `request` before the call is handled (nothing happened), `answer` after
   * it was handled (a message was accepted and recorded, and the bot never hears so).
   */
  drop?: 'request' | 'answer';
  /** How many matching calls it applies to; every matching call until removed when omitted. */
  times?: number;
  /** Sent as the Retry-After header (whole seconds). A 429 fault without it sends 1, as Teams always does. */
  retryAfterSeconds?: number;
  /** Latency added before answering. */
  delayMs?: number;
  /** Override the error body's code and message (defaults follow the Teams status-code table). */
  code?: string;
  message?: string;
}

export interface FaultInfo {
  readonly id: string;
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly status: FaultStatus | undefined;
  readonly drop: 'request' | 'answer' | undefined;
  readonly remaining: number | null;
  readonly hits: number;
  readonly retryAfterSeconds: number | undefined;
  readonly delayMs: number;
}

export interface FaultOutcome {
  readonly delayMs: number;
  readonly error: ConnectorError | undefined;
  readonly drop: 'request' | 'answer' | undefined;
}

interface ActiveFault {
  id: string;
  spec: FaultSpec;
  remaining: number;
  hits: number;
}

export class FaultRegistry {
  private readonly active: ActiveFault[] = [];
  private nextId = 1;

  /** Registers a fault; the first matching fault (in the order added) applies to a call. Returns its id. */
  add(spec: FaultSpec): string {
    if (spec.status === undefined && !spec.delayMs && !spec.drop) throw new RangeError('a fault needs a status, a delayMs or a drop');
    if (spec.status !== undefined && spec.drop) throw new RangeError('a fault either answers with a status or drops the connection, not both');
    if (spec.times !== undefined && !(spec.times >= 1)) throw new RangeError('fault times must be at least 1');
    if (spec.delayMs !== undefined && !(spec.delayMs >= 0)) throw new RangeError('fault delayMs must not be negative');
    if (spec.retryAfterSeconds !== undefined && !(spec.retryAfterSeconds >= 0)) throw new RangeError('fault retryAfterSeconds must not be negative');
    const id = `fault-${this.nextId++}`;
    this.active.push({ id, spec: { ...spec }, remaining: spec.times ?? Number.POSITIVE_INFINITY, hits: 0 });
    return id;
  }

  remove(id: string): boolean {
    const index = this.active.findIndex((fault) => fault.id === id);
    if (index < 0) return false;
    this.active.splice(index, 1);
    return true;
  }

  clear(): void {
    this.active.length = 0;
  }

  list(): FaultInfo[] {
    return this.active.map(({ id, spec, remaining, hits }) => ({
      id,
      method: spec.method?.toUpperCase(),
      path: spec.path === undefined ? undefined : String(spec.path),
      status: spec.status,
      drop: spec.drop,
      remaining: Number.isFinite(remaining) ? remaining : null,
      hits,
      retryAfterSeconds: spec.retryAfterSeconds,
      delayMs: spec.delayMs ?? 0,
    }));
  }

  /** Consumes one use of the first fault matching the call, if any. */
  take(method: string, path: string): FaultOutcome | undefined {
    const fault = this.active.find((candidate) => matches(candidate.spec, method, path));
    if (!fault) return undefined;
    fault.hits++;
    fault.remaining--;
    if (fault.remaining <= 0) this.remove(fault.id);
    const { spec } = fault;
    const retryAfterSeconds = spec.retryAfterSeconds ?? (spec.status === 429 ? 1 : undefined);
    const error = spec.status === undefined ? undefined : faultError(spec.status, { code: spec.code, message: spec.message, retryAfterSeconds });
    return { delayMs: spec.delayMs ?? 0, error, drop: spec.drop };
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  if (spec.method && spec.method.toUpperCase() !== method.toUpperCase()) return false;
  if (spec.path === undefined) return true;
  if (typeof spec.path === 'string') return path.startsWith(spec.path);
  spec.path.lastIndex = 0;
  return spec.path.test(path);
}

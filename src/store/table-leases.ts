// Leases on Azure Table Storage, judged by the table service's clock rather than by any instance's: a lease row is
// written with its duration, the service stamps it (`Timestamp`), and it expires that long after the stamp. Whoever
// wants to take it compares with the service's time as its answer gave it (the `Date` header, never earlier than a
// row it returned), so an instance whose clock runs ahead cannot take a lease early, and one whose clock runs behind
// does not keep it past its end. Taken and renewed by eTag, so of two racing instances exactly one wins.

import { randomUUID } from 'node:crypto';
import type { TableClient, TableEntity, TableEntityResult } from '@azure/data-tables';
import { AppError } from '../errors/app-error.js';
import type { Lease } from './store-port.js';
import { encodeName } from './table-names.js';

/** Leases live apart from every record: no encoded partition name starts with '~'. */
export const LEASES_PARTITION = '~leases';

export interface LeaseEntity extends TableEntity {
  holder: string;
  token: string;
  durationMs: number;
  /** Only with a substitute clock (tests): the time of the write in that clock, standing in for the service's stamp. */
  grantedAt?: number;
  /** Rows written before leases followed the service's clock: the end as that instance's clock put it. */
  expiresAt?: number;
}

type StoredLease = TableEntityResult<LeaseEntity>;

export class TableLeases {
  /**
   * @param reader the client for reads (retried by the SDK); @param writer the one for conditional writes (never
   * retried: a retried write that had committed would come back as a conflict and read as a lost race).
   * @param substituteClock replaces the service's time (tests fake it); absent, the service's time decides.
   */
  constructor(
    private readonly reader: TableClient,
    private readonly writer: TableClient,
    private readonly substituteClock?: () => number,
  ) {}

  async acquire(name: string, holder: string, durationMs: number): Promise<Lease | undefined> {
    const { current, now } = await this.#read(name);
    if (current && this.#endOf(current) > now && current.holder !== holder) return undefined;
    const next = this.#row(name, holder, durationMs);
    try {
      const written = current ? await this.writer.updateEntity(next, 'Replace', { etag: current.etag }) : await this.writer.createEntity(next);
      return this.#lease(name, next, written);
    } catch (error) {
      // Someone else took or renewed it between the read and the write.
      if (statusOf(error) === 412 || statusOf(error) === 409 || statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  async renew(lease: Lease, durationMs: number): Promise<Lease> {
    const { current, now } = await this.#read(lease.name);
    if (!current || current.token !== lease.token || this.#endOf(current) <= now) throw lost(lease);
    const next = this.#row(lease.name, current.holder, durationMs);
    try {
      return this.#lease(lease.name, next, await this.writer.updateEntity(next, 'Replace', { etag: current.etag }));
    } catch (error) {
      if (statusOf(error) === 412 || statusOf(error) === 404) throw lost(lease);
      throw error;
    }
  }

  async release(lease: Lease): Promise<void> {
    const { current } = await this.#read(lease.name);
    if (!current || current.token !== lease.token) return;
    try {
      await this.writer.deleteEntity(LEASES_PARTITION, encodeName(lease.name), { etag: current.etag });
    } catch (error) {
      if (statusOf(error) !== 412 && statusOf(error) !== 404) throw error;
    }
  }

  /** The lease row, and the service's time as of its answer. */
  async #read(name: string): Promise<{ current: (StoredLease & { etag: string }) | undefined; now: number }> {
    let answeredAt: string | undefined | null;
    const onResponse = (raw: { headers: { get(name: string): string | undefined | null } }) => {
      answeredAt = raw.headers.get('date');
    };
    let current: (StoredLease & { etag: string }) | undefined;
    try {
      const entity = await this.reader.getEntity<LeaseEntity>(LEASES_PARTITION, encodeName(name), { onResponse });
      current = { ...entity, etag: entity.etag };
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
    }
    if (this.substituteClock) return { current, now: this.substituteClock() };
    // The Date header counts whole seconds (rounded down): the service's time was at least that when it answered, and
    // at least the stamp of any row it returned. A taker may wait up to a second longer; it is never early.
    const header = answeredAt ? Date.parse(answeredAt) : Number.NaN;
    const stamped = current ? serviceStamp(current) : Number.NaN;
    const now = Math.max(Number.isNaN(header) ? 0 : header, Number.isNaN(stamped) ? 0 : stamped);
    if (now === 0) throw new AppError('internal', 'The table service answered without its time (no Date header): leases cannot be judged');
    return { current, now };
  }

  /** When a stored lease ends, in the service's time. */
  #endOf(row: StoredLease): number {
    if (typeof row.durationMs !== 'number') return typeof row.expiresAt === 'number' ? row.expiresAt : 0;
    const written = this.substituteClock ? (row.grantedAt ?? 0) : serviceStamp(row);
    return (Number.isNaN(written) ? 0 : written) + row.durationMs;
  }

  #row(name: string, holder: string, durationMs: number): LeaseEntity {
    const row: LeaseEntity = { partitionKey: LEASES_PARTITION, rowKey: encodeName(name), holder, token: randomUUID(), durationMs };
    if (this.substituteClock) row.grantedAt = this.substituteClock();
    return row;
  }

  /** The lease as the port describes it: its end from the service's stamp of this write (its eTag carries it). */
  #lease(name: string, row: LeaseEntity, written: { etag?: string; date?: Date }): Lease {
    const stamp = this.substituteClock ? (row.grantedAt ?? 0) : (stampOfEtag(written.etag) ?? written.date?.getTime() ?? Date.now());
    return { name, holder: row.holder, token: row.token, expiresAt: new Date(stamp + row.durationMs).toISOString() };
  }
}

/** The service's `Timestamp` of a row, to the millisecond (it carries seven decimals; Date.parse wants three). */
function serviceStamp(row: { timestamp?: string }): number {
  return row.timestamp ? Date.parse(row.timestamp.replace(/(\.\d{3})\d+/, '$1')) : Number.NaN;
}

/** Azure Table eTags are `W/"datetime'<Timestamp, URL-encoded>'"`: the stamp of the write they answer. */
function stampOfEtag(etag: string | undefined): number | undefined {
  const match = etag ? /datetime'([^']+)'/.exec(etag) : null;
  if (!match?.[1]) return undefined;
  const stamp = serviceStamp({ timestamp: decodeURIComponent(match[1]) });
  return Number.isNaN(stamp) ? undefined : stamp;
}

function lost(lease: Lease): AppError {
  return new AppError('store.lease-held', `Lease ${lease.name} is no longer held by ${lease.holder}`, { userMessage: { key: 'errors.store.leaseLost' }, details: { name: lease.name, holder: lease.holder } });
}

function statusOf(error: unknown): number | undefined {
  return (error as { statusCode?: number } | undefined)?.statusCode;
}

// The scale-out Store adapter: Azure Table Storage through @azure/data-tables (Azurite locally). Conditional writes
// map to eTags (If-Match), a partition is a Table partition (lists never scan the table), and leases are rows in a
// partition of their own, taken and renewed by eTag and judged by the service's clock (table-leases.ts), so several
// instances share one store safely. Names are written in an order- and prefix-preserving code (table-names.ts);
// values in chunks (table-entities.ts).

import { odata, RestError, TableClient, type TransactionAction } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { AppError, isAppError } from '../errors/app-error.js';
import {
  alreadyExists,
  checkBatch,
  checkDuration,
  checkEtag,
  checkKeys,
  checkLease,
  checkLimit,
  checkName,
  checkPrefix,
  checkStartAfter,
  checkWrites,
  decodeToken,
  describeError,
  encodeToken,
  malformed,
} from './store-checks.js';
import type { Lease, ListOptions, RecordPage, Store, StoredRecord, StoreWrite } from './store-port.js';
import { type RecordEntity, recordEntity, toRecord, transactionGroups, written } from './table-entities.js';
import { TableLeases } from './table-leases.js';
import { AFTER_EVERY_CODE, decodeName, encodeName } from './table-names.js';

// The name code has a module of its own; tests import it from here, as before.

export interface AzureTableStoreOptions {
  /** A connection string (Azurite's, or an account key), or an account URL with `credential`. */
  connectionString?: string;
  accountUrl?: string;
  credential?: TokenCredential;
  table: string;
  /** Milliseconds since the epoch for records' update times; defaults to Date.now, read on every call. */
  now?: () => number;
  /**
   * Replaces the table service's clock for leases (the contract tests fake time). Absent, as in production, a lease
   * ends by the service's time: its stamp on the lease row and the Date of its answers, never this machine's clock.
   */
  leaseClock?: () => number;
  /** Azurite over http on loopback. */
  allowInsecureConnection?: boolean;
}

export class AzureTableStore implements Store {
  /** Reads, retried by the SDK on a 5xx or a dropped connection. */
  readonly #client: TableClient;
  /**
   * Writes, never retried by the SDK: a retried write whose first try committed would answer 409 or 412 and read as a
   * conflict (a compare-and-swap applied twice, a lease given up). Callers retry knowing what they wrote.
   */
  readonly #writer: TableClient;
  readonly #requests: Map<string, number>;
  readonly #now: () => number;
  readonly #leases: TableLeases;
  #open = true;
  #lastWrite = 0;

  private constructor(client: TableClient, writer: TableClient, now: () => number, leaseClock: (() => number) | undefined, requests: Map<string, number>) {
    this.#requests = requests;
    this.#client = client;
    this.#writer = writer;
    this.#now = now;
    this.#leases = new TableLeases(client, writer, leaseClock);
  }

  /** Connects and creates the table when it is missing. Throws AppError `config.invalid` when it cannot. */
  static async open(options: AzureTableStoreOptions): Promise<AzureTableStore> {
    if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(options.table)) throw new AppError('config.invalid', `"${options.table}" is not a valid Azure table name (3 to 63 letters and digits, starting with a letter)`);
    const requests = new Map<string, number>();
    // Every HTTP request the clients send, retries included (perRetry): what the table service bills and throttles.
    const counting: PipelinePolicy = {
      name: 'passkeyCoachRequestCount',
      sendRequest: (request, next) => {
        requests.set(request.method, (requests.get(request.method) ?? 0) + 1);
        return next(request);
      },
    };
    const clientFor = (maxRetries: number): TableClient => {
      const clientOptions = { allowInsecureConnection: options.allowInsecureConnection ?? false, retryOptions: { maxRetries }, additionalPolicies: [{ policy: counting, position: 'perRetry' as const }] };
      if (options.connectionString) return TableClient.fromConnectionString(options.connectionString, options.table, clientOptions);
      if (options.accountUrl && options.credential) return new TableClient(options.accountUrl, options.table, options.credential, clientOptions);
      throw new AppError('config.invalid', 'The Azure Table store needs a connection string, or an account URL and a credential');
    };
    const client = clientFor(3);
    const writer = clientFor(0);
    try {
      await client.createTable();
    } catch (error) {
      throw new AppError('config.invalid', `Could not open the Azure table ${options.table}: ${describeError(error)}`, { cause: error });
    }
    return new AzureTableStore(client, writer, options.now ?? (() => Date.now()), options.leaseClock, requests);
  }

  /** HTTP requests sent to the table service since the store opened, by method (see Store.requestCounts). */
  requestCounts(): Readonly<Record<string, number>> {
    return Object.fromEntries(this.#requests);
  }

  async get<T>(partition: string, key: string): Promise<StoredRecord<T> | undefined> {
    return this.#run('get', async () => {
      checkName('partition', partition);
      checkName('key', key);
      try {
        const entity = await this.#client.getEntity<RecordEntity>(encodeName(partition), encodeName(key));
        return toRecord<T>(partition, key, entity);
      } catch (error) {
        if (statusOf(error) === 404) return undefined;
        throw error;
      }
    });
  }

  async put<T>(partition: string, key: string, value: T): Promise<StoredRecord<T>> {
    return this.#run('put', async () => {
      checkName('partition', partition);
      checkName('key', key);
      const entity = this.#entity(partition, key, value);
      const response = await this.#writer.upsertEntity(entity, 'Replace');
      return written<T>(partition, key, value, entity, response.etag);
    });
  }

  async insert<T>(partition: string, key: string, value: T): Promise<StoredRecord<T>> {
    return this.#run('insert', async () => {
      checkName('partition', partition);
      checkName('key', key);
      const entity = this.#entity(partition, key, value);
      try {
        const response = await this.#writer.createEntity(entity);
        return written<T>(partition, key, value, entity, response.etag);
      } catch (error) {
        if (statusOf(error) === 409) {
          throw alreadyExists(partition, key);
        }
        throw error;
      }
    });
  }

  async insertMany<T>(partition: string, records: readonly { key: string; value: T }[]): Promise<boolean[]> {
    return this.#run('insertMany', async () => {
      checkName('partition', partition);
      checkBatch(records);
      const entities = records.map((record) => this.#entity(partition, record.key, record.value));
      const inserted: boolean[] = [];
      // A transaction holds at most 100 operations of one partition, and fails whole when one row exists already:
      // then that group is inserted row by row, so the new ones still go in.
      for (const group of transactionGroups(entities)) {
        try {
          await this.#writer.submitTransaction(group.map((entity) => ['create', entity]));
          inserted.push(...group.map(() => true));
        } catch (error) {
          if (statusOf(error) !== 409) throw error;
          for (const entity of group) {
            try {
              await this.#writer.createEntity(entity);
              inserted.push(true);
            } catch (single) {
              if (statusOf(single) !== 409) throw single;
              inserted.push(false);
            }
          }
        }
      }
      return inserted;
    });
  }

  async getMany<T>(partition: string, keys: readonly string[]): Promise<Map<string, StoredRecord<T>>> {
    return this.#run('getMany', async () => {
      checkName('partition', partition);
      checkKeys(keys);
      const found = new Map<string, StoredRecord<T>>();
      const encoded = [...keys].map(encodeName).sort();
      // A filter holds at most 15 comparisons: the partition, a key range (so the service scans only that part of the
      // partition) and 12 keys a query.
      for (let start = 0; start < encoded.length; start += KEYS_PER_QUERY) {
        const slice = encoded.slice(start, start + KEYS_PER_QUERY);
        const wanted = slice.map((rowKey) => odata`RowKey eq ${rowKey}`).join(' or ');
        const filter = `${odata`PartitionKey eq ${encodeName(partition)}`} and ${odata`RowKey ge ${slice[0] ?? ''}`} and ${odata`RowKey le ${slice.at(-1) ?? ''}`} and (${wanted})`;
        for await (const entity of this.#client.listEntities<RecordEntity>({ queryOptions: { filter } })) {
          const key = decodeName(entity.rowKey ?? '');
          found.set(key, toRecord<T>(partition, key, entity));
        }
      }
      return found;
    });
  }

  async transact<T>(partition: string, writes: readonly StoreWrite<T>[]): Promise<(StoredRecord<T> | undefined)[]> {
    return this.#run('transact', async () => {
      checkName('partition', partition);
      checkWrites(writes);
      if (writes.length === 0) return [];
      const encodedPartition = encodeName(partition);
      const actions: TransactionAction[] = [];
      const entities: (RecordEntity | undefined)[] = [];
      for (const write of writes) {
        if (write.op === 'delete') {
          entities.push(undefined);
          actions.push(['delete', { partitionKey: encodedPartition, rowKey: encodeName(write.key) }]);
          continue;
        }
        // An eTag this service never issued cannot match: the answer a single write would give, without sending any.
        if (write.op === 'update' && !AZURE_ETAG.test(write.etag)) throw await this.#miss(partition, write.key, 'update');
        const entity = this.#entity(partition, write.key, write.value);
        entities.push(entity);
        if (write.op === 'insert') actions.push(['create', entity]);
        else if (write.op === 'put') actions.push(['upsert', entity, 'Replace']);
        else actions.push(['update', entity, 'Replace', { etag: write.etag }]);
      }
      if (transactionGroups(entities.filter((entity) => entity !== undefined)).length > 1) throw malformed('The values are too large for one Azure Table transaction (4 MiB)');
      let response: Awaited<ReturnType<TableClient['submitTransaction']>>;
      try {
        response = await this.#writer.submitTransaction(actions);
      } catch (error) {
        throw transactionFailure(error, partition, writes);
      }
      return writes.map((write, index) => {
        const entity = entities[index];
        return write.op === 'delete' || !entity ? undefined : written<T>(partition, write.key, write.value, entity, response.subResponses[index]?.etag);
      });
    });
  }

  async update<T>(partition: string, key: string, value: T, expectedEtag: string): Promise<StoredRecord<T>> {
    return this.#run('update', async () => {
      checkName('partition', partition);
      checkName('key', key);
      checkEtag(expectedEtag);
      if (!AZURE_ETAG.test(expectedEtag)) throw await this.#miss(partition, key, 'update');
      const entity = this.#entity(partition, key, value);
      try {
        const response = await this.#writer.updateEntity(entity, 'Replace', { etag: expectedEtag });
        return written<T>(partition, key, value, entity, response.etag);
      } catch (error) {
        throw missOrRethrow(error, partition, key, 'update');
      }
    });
  }

  async delete(partition: string, key: string, expectedEtag?: string): Promise<void> {
    await this.#run('delete', async () => {
      checkName('partition', partition);
      checkName('key', key);
      if (expectedEtag !== undefined) {
        checkEtag(expectedEtag);
        if (!AZURE_ETAG.test(expectedEtag)) throw await this.#miss(partition, key, 'delete');
      }
      try {
        await this.#writer.deleteEntity(encodeName(partition), encodeName(key), { etag: expectedEtag ?? '*' });
      } catch (error) {
        if (expectedEtag === undefined && statusOf(error) === 404) return;
        throw missOrRethrow(error, partition, key, 'delete');
      }
    });
  }

  async list<T>(partition: string, options: ListOptions = {}): Promise<RecordPage<T>> {
    return this.#run('list', async () => {
      checkName('partition', partition);
      const limit = checkLimit(options.limit);
      const prefix = checkPrefix(options.keyPrefix);
      const after = options.continuationToken === undefined ? checkStartAfter(options.startAfter) : decodeToken(options.continuationToken);
      const lower = encodeName(prefix);
      // Every encoded character sorts below AFTER_EVERY_CODE: the prefix followed by it bounds every key starting with it.
      const filters = [odata`PartitionKey eq ${encodeName(partition)}`, odata`RowKey lt ${`${lower}${AFTER_EVERY_CODE}`}`];
      if (after !== undefined && (prefix === '' || encodeName(after) >= lower)) filters.push(odata`RowKey gt ${encodeName(after)}`);
      else if (prefix !== '') filters.push(odata`RowKey ge ${lower}`);
      const records: StoredRecord<T>[] = [];
      let more = false;
      // One more than the page, so a full last page carries no token; the service may answer in smaller pieces.
      for await (const page of this.#client.listEntities<RecordEntity>({ queryOptions: { filter: filters.join(' and ') } }).byPage({ maxPageSize: Math.min(1000, limit + 1) })) {
        for (const entity of page) {
          if (records.length === limit) {
            more = true;
            break;
          }
          records.push(toRecord<T>(partition, decodeName(entity.rowKey ?? ''), entity));
        }
        if (more) break;
      }
      const last = records.at(-1);
      return more && last ? { records, continuationToken: encodeToken(last.key) } : { records };
    });
  }

  async acquireLease(name: string, holder: string, durationMs: number): Promise<Lease | undefined> {
    return this.#run('acquireLease', async () => {
      checkName('lease name', name);
      checkName('lease holder', holder);
      checkDuration(durationMs);
      return this.#leases.acquire(name, holder, durationMs);
    });
  }

  async renewLease(lease: Lease, durationMs: number): Promise<Lease> {
    return this.#run('renewLease', async () => {
      checkLease(lease);
      checkDuration(durationMs);
      return this.#leases.renew(lease, durationMs);
    });
  }

  async releaseLease(lease: Lease): Promise<void> {
    await this.#run('releaseLease', async () => {
      checkLease(lease);
      await this.#leases.release(lease);
    });
  }

  isOpen(): boolean {
    return this.#open;
  }

  async probe(): Promise<void> {
    await this.#run('probe', async () => {
      // Raw keys: '~' never starts an encoded name, so no record can meet this row.
      const at = new Date(this.#now()).toISOString();
      await this.#writer.upsertEntity({ partitionKey: '~probe', rowKey: 'probe', at }, 'Replace');
      const read = await this.#client.getEntity<{ at: string }>('~probe', 'probe');
      if (typeof read.at !== 'string') throw new AppError('internal', 'The probe entity did not read back');
    });
  }

  async close(): Promise<void> {
    this.#open = false;
  }

  /** An eTag that cannot match: say whether the record is gone or was changed, as a failed If-Match would. */
  async #miss(partition: string, key: string, verb: 'update' | 'delete'): Promise<unknown> {
    let status = 412;
    try {
      await this.#client.getEntity(encodeName(partition), encodeName(key), { queryOptions: { select: ['PartitionKey'] } });
    } catch (error) {
      if (statusOf(error) !== 404) throw error;
      status = 404;
    }
    return missOrRethrow({ statusCode: status }, partition, key, verb);
  }

  /** The entity for a value, with an update time that never goes backwards in this process. */
  #entity(partition: string, key: string, value: unknown): RecordEntity {
    return recordEntity(partition, key, value, () => {
      this.#lastWrite = Math.max(this.#now(), this.#lastWrite);
      return this.#lastWrite;
    });
  }

  async #run<R>(operation: string, body: () => Promise<R>): Promise<R> {
    if (!this.#open) throw new AppError('internal', `The Azure Table store is closed (${operation})`, { details: { operation } });
    try {
      return await body();
    } catch (error) {
      if (isAppError(error)) throw error;
      throw new AppError('internal', `Azure Table store ${operation} failed: ${describeError(error)}`, { cause: error, details: { operation, status: statusOf(error) } });
    }
  }
}

/** Azure's eTags are weak (W/"…"); anything else was never issued and cannot match. */
const AZURE_ETAG = /^W\/"([^"]|\\")*"$/;

function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : (error as { statusCode?: number } | undefined)?.statusCode;
}

/** The comparisons one getMany query spends on keys (Azure allows 15 in a filter; three go to partition and range). */
const KEYS_PER_QUERY = 12;

/** A failed transaction as the failing write would have failed alone; the service names it by index ("3:…"). */
function transactionFailure(error: unknown, partition: string, writes: readonly StoreWrite<unknown>[]): unknown {
  const status = statusOf(error);
  const index = Number(/^(\d+):/.exec(error instanceof Error ? error.message : '')?.[1]);
  const write = Number.isInteger(index) ? writes[index] : undefined;
  const key = write?.key ?? '(one of the transaction)';
  if (status === 409 && (write === undefined || write.op === 'insert')) {
    return alreadyExists(partition, key);
  }
  return missOrRethrow(error, partition, key, write?.op === 'delete' ? 'delete' : 'update');
}

function missOrRethrow(error: unknown, partition: string, key: string, verb: 'update' | 'delete'): unknown {
  const status = statusOf(error);
  const details = { partition, key };
  if (status === 404) return new AppError('store.not-found', `Cannot ${verb} ${partition}/${key}: it does not exist`, { userMessage: { key: 'errors.store.gone' }, details });
  if (status === 412) return new AppError('store.conflict', `Cannot ${verb} ${partition}/${key}: it changed since it was read`, { userMessage: { key: 'errors.store.conflict' }, details });
  return error;
}

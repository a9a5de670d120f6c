// The scale-out Store adapter: Azure Table Storage through @azure/data-tables (Azurite locally). Conditional writes
// map to eTags (If-Match), a partition is a Table partition (lists never scan the table), and leases are rows in a
// partition of their own, taken and renewed by eTag, so several instances share one store safely.
//
// Table keys may not hold / \ # ? or control characters and order by UTF-16 code unit, while the port allows any
// text and orders by code point (as SQLite does). Names are therefore written in an order- and prefix-preserving
// code (see encodeName): a list in key order, and a key-prefix query, mean the same on both adapters.

import { randomUUID } from 'node:crypto';
import { odata, RestError, type TableEntity, type TableEntityResult, TableClient } from '@azure/data-tables';
import type { TokenCredential } from '@azure/core-auth';
import { AppError, isAppError } from '../errors/app-error.js';
import {
  checkBatch,
  checkDuration,
  checkEtag,
  checkLease,
  checkLimit,
  checkName,
  checkPrefix,
  decodeToken,
  describeError,
  encodeToken,
  malformed,
  toJson,
} from './store-checks.js';
import type { Lease, ListOptions, RecordPage, Store, StoredRecord } from './store-port.js';

export interface AzureTableStoreOptions {
  /** A connection string (Azurite's, or an account key), or an account URL with `credential`. */
  connectionString?: string;
  accountUrl?: string;
  credential?: TokenCredential;
  table: string;
  /** Milliseconds since the epoch for lease expiry and update times; defaults to Date.now, read on every call. */
  now?: () => number;
  /** Azurite over http on loopback. */
  allowInsecureConnection?: boolean;
}

/** Leases live apart from every record: no encoded partition name starts with '~'. */
const LEASES_PARTITION = '~leases';
/** A string property holds at most 64 KiB (32 768 UTF-16 units): values are split into chunks below that. */
const CHUNK = 30_000;
/** Operations in one entity-group transaction (Azure's limit). */
const TRANSACTION_ROWS = 100;
/** An entity holds at most 1 MiB, strings counted at two bytes a character: 16 chunks stay below it. */
const MAX_CHUNKS = 16;

interface RecordEntity extends TableEntity {
  /** The value's JSON in `v0`, `v1`, … */
  chunks: number;
  updatedAt: string;
  [chunk: `v${number}`]: string;
}

interface LeaseEntity extends TableEntity {
  holder: string;
  token: string;
  expiresAt: number;
}

export class AzureTableStore implements Store {
  /** Reads, retried by the SDK on a 5xx or a dropped connection. */
  readonly #client: TableClient;
  /**
   * Writes, never retried by the SDK: a retried write whose first try committed would answer 409 or 412 and read as a
   * conflict (a compare-and-swap applied twice, a lease given up). Callers retry knowing what they wrote.
   */
  readonly #writer: TableClient;
  readonly #now: () => number;
  #open = true;
  #lastWrite = 0;

  private constructor(client: TableClient, writer: TableClient, now: () => number) {
    this.#client = client;
    this.#writer = writer;
    this.#now = now;
  }

  /** Connects and creates the table when it is missing. Throws AppError `config.invalid` when it cannot. */
  static async open(options: AzureTableStoreOptions): Promise<AzureTableStore> {
    if (!/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(options.table)) throw new AppError('config.invalid', `"${options.table}" is not a valid Azure table name (3 to 63 letters and digits, starting with a letter)`);
    const clientFor = (maxRetries: number): TableClient => {
      const clientOptions = { allowInsecureConnection: options.allowInsecureConnection ?? false, retryOptions: { maxRetries } };
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
    return new AzureTableStore(client, writer, options.now ?? (() => Date.now()));
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
          throw new AppError('store.already-exists', `Record ${partition}/${key} already exists`, { userMessage: 'That was already recorded.', details: { partition, key } });
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
      const after = options.continuationToken === undefined ? undefined : decodeToken(options.continuationToken);
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
      const now = this.#now();
      const current = await this.#lease(name);
      if (current && current.expiresAt > now && current.holder !== holder) return undefined;
      const next: LeaseEntity = { partitionKey: LEASES_PARTITION, rowKey: encodeName(name), holder, token: randomUUID(), expiresAt: now + durationMs };
      try {
        if (current) await this.#writer.updateEntity(next, 'Replace', { etag: current.etag });
        else await this.#writer.createEntity(next);
      } catch (error) {
        // Someone else took or renewed it between the read and the write.
        if (statusOf(error) === 412 || statusOf(error) === 409 || statusOf(error) === 404) return undefined;
        throw error;
      }
      return toLease(name, next);
    });
  }

  async renewLease(lease: Lease, durationMs: number): Promise<Lease> {
    return this.#run('renewLease', async () => {
      checkLease(lease);
      checkDuration(durationMs);
      const now = this.#now();
      const current = await this.#lease(lease.name);
      const lost = () => new AppError('store.lease-held', `Lease ${lease.name} is no longer held by ${lease.holder}`, { userMessage: 'Another worker took over this job.', details: { name: lease.name, holder: lease.holder } });
      if (!current || current.token !== lease.token || current.expiresAt <= now) throw lost();
      const next: LeaseEntity = { partitionKey: LEASES_PARTITION, rowKey: encodeName(lease.name), holder: current.holder, token: randomUUID(), expiresAt: now + durationMs };
      try {
        await this.#writer.updateEntity(next, 'Replace', { etag: current.etag });
      } catch (error) {
        if (statusOf(error) === 412 || statusOf(error) === 404) throw lost();
        throw error;
      }
      return toLease(lease.name, next);
    });
  }

  async releaseLease(lease: Lease): Promise<void> {
    await this.#run('releaseLease', async () => {
      checkLease(lease);
      const current = await this.#lease(lease.name);
      if (!current || current.token !== lease.token) return;
      try {
        await this.#writer.deleteEntity(LEASES_PARTITION, encodeName(lease.name), { etag: current.etag });
      } catch (error) {
        if (statusOf(error) !== 412 && statusOf(error) !== 404) throw error;
      }
    });
  }

  isOpen(): boolean {
    return this.#open;
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

  async #lease(name: string): Promise<(LeaseEntity & { etag: string }) | undefined> {
    try {
      const entity = await this.#client.getEntity<LeaseEntity>(LEASES_PARTITION, encodeName(name));
      return { ...entity, etag: entity.etag };
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  }

  /** The entity for a value: its JSON in chunks, and an update time that never goes backwards in this process. */
  #entity(partition: string, key: string, value: unknown): RecordEntity {
    const json = asciiJson(toJson(value));
    const at = Math.max(this.#now(), this.#lastWrite);
    this.#lastWrite = at;
    const entity: RecordEntity = { partitionKey: encodeName(partition), rowKey: encodeName(key), chunks: 0, updatedAt: new Date(at).toISOString() };
    const parts = splitJson(json);
    if (parts.length > MAX_CHUNKS) throw malformed(`The value is too large for the Azure Table store (${json.length} characters; at most ${MAX_CHUNKS * CHUNK})`);
    entity.chunks = parts.length;
    parts.forEach((part, index) => {
      entity[`v${index}`] = part;
    });
    return entity;
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

/**
 * The same JSON with every character beyond ASCII written as a \u escape (they can only occur inside strings).
 * Azurite decodes a large request body in network-sized pieces and turns a character split between two of them into
 * U+FFFD; an ASCII body cannot be split that way, and the service (like JSON.parse) reads the escapes back.
 */
function asciiJson(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A transaction's body may hold 4 MiB: groups stay well below it (values are ASCII; the rest is small). */
const TRANSACTION_CHARS = 3_000_000;

/** Up to 100 entities a group, and no more characters than one transaction's body holds. */
function transactionGroups(entities: readonly RecordEntity[]): RecordEntity[][] {
  const groups: RecordEntity[][] = [];
  let current: RecordEntity[] = [];
  let size = 0;
  for (const entity of entities) {
    let entitySize = 512;
    for (let index = 0; index < entity.chunks; index++) entitySize += entity[`v${index}`]?.length ?? 0;
    if (current.length > 0 && (current.length === TRANSACTION_ROWS || size + entitySize > TRANSACTION_CHARS)) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(entity);
    size += entitySize;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/** The (ASCII) JSON in pieces that fit a string property. */
function splitJson(json: string): string[] {
  const parts: string[] = [];
  for (let start = 0; start < json.length || parts.length === 0; start += CHUNK) parts.push(json.slice(start, start + CHUNK));
  return parts;
}

/** Azure's eTags are weak (W/"…"); anything else was never issued and cannot match. */
const AZURE_ETAG = /^W\/"([^"]|\\")*"$/;

function written<T>(partition: string, key: string, value: T, entity: RecordEntity, etag: string | undefined): StoredRecord<T> {
  if (!etag) throw new AppError('internal', `Azure Table answered a write of ${partition}/${key} without an eTag`);
  return { partition, key, value: structuredClone(value), etag, updatedAt: entity.updatedAt };
}

function toRecord<T>(partition: string, key: string, entity: TableEntityResult<RecordEntity>): StoredRecord<T> {
  let json = '';
  for (let index = 0; index < entity.chunks; index++) json += entity[`v${index}`] ?? '';
  let value: T;
  try {
    value = JSON.parse(json) as T;
  } catch (error) {
    throw new AppError('internal', `Stored value of ${partition}/${key} is not valid JSON`, { cause: error, details: { partition, key } });
  }
  return { partition, key, value, etag: entity.etag, updatedAt: entity.updatedAt };
}

function toLease(name: string, entity: LeaseEntity): Lease {
  return { name, holder: entity.holder, token: entity.token, expiresAt: new Date(entity.expiresAt).toISOString() };
}

function statusOf(error: unknown): number | undefined {
  return error instanceof RestError ? error.statusCode : (error as { statusCode?: number } | undefined)?.statusCode;
}

function missOrRethrow(error: unknown, partition: string, key: string, verb: 'update' | 'delete'): unknown {
  const status = statusOf(error);
  const details = { partition, key };
  if (status === 404) return new AppError('store.not-found', `Cannot ${verb} ${partition}/${key}: it does not exist`, { userMessage: 'That item no longer exists. Please start again.', details });
  if (status === 412) return new AppError('store.conflict', `Cannot ${verb} ${partition}/${key}: it changed since it was read`, { userMessage: 'Someone else changed this at the same moment. Please try again.', details });
  return error;
}

// ---- Names ------------------------------------------------------------------------------------------------------

/** Code points below this are written shifted by SHIFT as one character; from here on, as three. */
const SINGLE_LIMIT = 0xd800 - 0xa0;
const SHIFT = 0xa0;
/**
 * First unit of a three-character code: U+F900 to U+F910, assigned characters (CJK compatibility ideographs; Azure
 * refuses private-use characters in names sent in URLs), above every one-character code.
 */
const LEAD = 0xf900;
/** Sorts after every encoded name: the bound of a key-prefix range. */
export const AFTER_EVERY_CODE = String.fromCharCode(LEAD + 0x11);
/** Azure Table keys hold at most 1 KiB: 512 UTF-16 units. */
const MAX_ENCODED_LENGTH = 512;

/**
 * Writes a name in characters Azure Table keys allow (none of / \ # ? or the control characters, which all lie below
 * U+00A0), so that encoded names compare by UTF-16 unit (as the service does) exactly as the names compare by code
 * point (as SQLite does), a name's prefix encodes to a prefix of its code, and a name keeps its length (Azurite
 * accepts 512 characters, the port's limit):
 * - code points below U+D760: one character, the code point plus U+00A0 (so U+00A0 to U+D7FF);
 * - the rest (U+D760 up; the port refuses lone surrogates): three characters, the first from U+F900.
 * Every code of the second kind sorts after every code of the first, and within each kind codes follow the code points.
 */
export function encodeName(name: string): string {
  const out = encodeUnchecked(name);
  // Characters from U+D760 up (emoji, fullwidth forms) take three units: such a name can outgrow Azure's key limit.
  if (out.length > MAX_ENCODED_LENGTH) throw malformed(`The name is too long for an Azure Table key once encoded (${out.length} of at most ${MAX_ENCODED_LENGTH} units); use fewer characters beyond U+D760`);
  return out;
}

function encodeUnchecked(name: string): string {
  let out = '';
  for (const char of name) {
    const cp = char.codePointAt(0) ?? 0;
    out += cp < SINGLE_LIMIT ? String.fromCharCode(cp + SHIFT) : String.fromCharCode(LEAD + (cp >> 16), SHIFT + ((cp >> 8) & 0xff), SHIFT + (cp & 0xff));
  }
  return out;
}

export function decodeName(encoded: string): string {
  let out = '';
  for (let index = 0; index < encoded.length; ) {
    const unit = encoded.charCodeAt(index);
    if (unit < 0xd800) {
      out += String.fromCodePoint(unit - SHIFT);
      index += 1;
    } else {
      out += String.fromCodePoint(((unit - LEAD) << 16) | ((encoded.charCodeAt(index + 1) - SHIFT) << 8) | (encoded.charCodeAt(index + 2) - SHIFT));
      index += 3;
    }
  }
  return out;
}

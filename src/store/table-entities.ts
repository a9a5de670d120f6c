// Records as Azure Table entities: a value's JSON split across string properties (a property holds
// 64 KiB, an entity 1 MiB), read back whole, and grouped into transactions that fit Azure's limits.

import type { TableEntity, TableEntityResult } from '@azure/data-tables';
import { AppError } from '../errors/app-error.js';
import { malformed, toJson } from './store-checks.js';
import type { StoredRecord } from './store-port.js';
import { encodeName } from './table-names.js';

/** A string property holds at most 64 KiB (32 768 UTF-16 units): values are split into chunks below that. */
const CHUNK = 30_000;
/** Operations in one entity-group transaction (Azure's limit). */
const TRANSACTION_ROWS = 100;
/** An entity holds at most 1 MiB, strings counted at two bytes a character: 16 chunks stay below it. */
const MAX_CHUNKS = 16;

export interface RecordEntity extends TableEntity {
  /** The value's JSON in `v0`, `v1`, … */
  chunks: number;
  updatedAt: string;
  [chunk: `v${number}`]: string;
}

/** The entity for a value: its JSON, ASCII only, in as many string properties as it needs; `stamp` is asked for its update time once the value is known to be JSON. */
export function recordEntity(partition: string, key: string, value: unknown, stamp: () => number): RecordEntity {
  const json = asciiJson(toJson(value));
  const updatedAt = new Date(stamp()).toISOString();
  const entity: RecordEntity = { partitionKey: encodeName(partition), rowKey: encodeName(key), chunks: 0, updatedAt };
  const parts = splitJson(json);
  if (parts.length > MAX_CHUNKS) throw malformed(`The value is too large for the Azure Table store (${json.length} characters; at most ${MAX_CHUNKS * CHUNK})`);
  entity.chunks = parts.length;
  parts.forEach((part, index) => {
    entity[`v${index}`] = part;
  });
  return entity;
}

/**
 * The same JSON with every character beyond ASCII written as a \u escape (they can only occur inside strings).
 * Azurite decodes a large request body in network-sized pieces and turns a character split between two of them into
 * U+FFFD; an ASCII body cannot be split that way, and the service (like JSON.parse) reads the escapes back.
 */
function asciiJson(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The (ASCII) JSON in pieces that fit a string property. */
function splitJson(json: string): string[] {
  const parts: string[] = [];
  for (let start = 0; start < json.length || parts.length === 0; start += CHUNK) parts.push(json.slice(start, start + CHUNK));
  return parts;
}

/** A transaction's body may hold 4 MiB: groups stay well below it (values are ASCII; the rest is small). */
const TRANSACTION_CHARS = 3_000_000;

/** Up to 100 entities a group, and no more characters than one transaction's body holds. */
export function transactionGroups(entities: readonly RecordEntity[]): RecordEntity[][] {
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

export function written<T>(partition: string, key: string, value: T, entity: RecordEntity, etag: string | undefined): StoredRecord<T> {
  if (!etag) throw new AppError('internal', `Azure Table answered a write of ${partition}/${key} without an eTag`);
  return { partition, key, value: structuredClone(value), etag, updatedAt: entity.updatedAt };
}

export function toRecord<T>(partition: string, key: string, entity: TableEntityResult<RecordEntity>): StoredRecord<T> {
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

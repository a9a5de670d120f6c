// A note, kept outside the store, of which store holds the service's state: a file beside the SQLite database, or a
// row in a sibling table of the Azure one (deleting the table leaves it). When the store the service opens is empty
// but the note names one, the state was lost, not new; see app/state-continuity.ts.

import { randomUUID } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { TokenCredential } from '@azure/core-auth';
import { TableClient } from '@azure/data-tables';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';

/** What the note says: the store's own id (kept in the store too), when it was made, and what it replaced. */
export const stateMarkerSchema = z.object({
  v: z.literal(1),
  storeId: z.string().min(1).max(100),
  createdAt: z.string(),
  /** A start-fresh: the code of the lost store this one replaced, and when. */
  replaced: z.object({ code: z.string(), at: z.string() }).optional(),
});
export type StateMarker = z.infer<typeof stateMarkerSchema>;

export interface MarkerPlace {
  /** Where the note is, as a person would look for it. */
  readonly name: string;
  read(): Promise<StateMarker | undefined>;
  write(marker: StateMarker): Promise<void>;
}

/** The note as a JSON file, written whole (to a temporary file, then renamed over the old one). */
export class FileMarker implements MarkerPlace {
  constructor(readonly name: string) {}

  async read(): Promise<StateMarker | undefined> {
    let text: string;
    try {
      text = await readFile(this.name, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return parseMarker(text, this.name);
  }

  async write(marker: StateMarker): Promise<void> {
    const temporary = `${this.name}.${randomUUID()}.tmp`;
    await writeFile(temporary, `${JSON.stringify(marker, null, 2)}\n`, { mode: 0o640 });
    await rename(temporary, this.name);
  }
}

export interface TableMarkerOptions {
  connectionString?: string;
  accountUrl?: string;
  credential?: TokenCredential;
  allowInsecureConnection?: boolean;
  /** The store's table: the note goes in `<table>state` (cut to Azure's 63 characters). */
  table: string;
}

/** The note as one entity in a table of its own, beside the store's table. */
export class TableMarker implements MarkerPlace {
  readonly name: string;

  private constructor(private readonly client: TableClient) {
    this.name = `the Azure table ${client.tableName}`;
  }

  static async open(options: TableMarkerOptions): Promise<TableMarker> {
    const table = `${options.table.slice(0, 58)}state`;
    const clientOptions = { allowInsecureConnection: options.allowInsecureConnection ?? false };
    const client = options.connectionString
      ? TableClient.fromConnectionString(options.connectionString, table, clientOptions)
      : options.accountUrl && options.credential
        ? new TableClient(options.accountUrl, table, options.credential, clientOptions)
        : undefined;
    if (!client) throw new AppError('config.invalid', 'The Azure Table state marker needs a connection string, or an account URL and a credential');
    await client.createTable();
    return new TableMarker(client);
  }

  async read(): Promise<StateMarker | undefined> {
    try {
      const entity = await this.client.getEntity<{ marker: string }>('marker', 'marker');
      return parseMarker(entity.marker, this.name);
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return undefined;
      throw error;
    }
  }

  async write(marker: StateMarker): Promise<void> {
    await this.client.upsertEntity({ partitionKey: 'marker', rowKey: 'marker', marker: JSON.stringify(marker) }, 'Replace');
  }
}

function parseMarker(text: string, where: string): StateMarker {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    value = undefined;
  }
  const parsed = stateMarkerSchema.safeParse(value);
  if (!parsed.success) {
    const message = `The state marker ${where} is not readable. It names the database this service uses; restore it, or remove it if you know the database is the right one.`;
    throw new AppError('store.unusable', message, { userFault: true, userMessage: { key: 'errors.store.unusable', params: { problem: message } } });
  }
  return parsed.data;
}

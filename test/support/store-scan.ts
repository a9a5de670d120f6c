// Every record a store holds, read underneath the Store port (which cannot list partitions): the SQLite file's rows,
// or an Azure table's entities. Tests look through them for a person who must be gone.

import Database from 'better-sqlite3';

export interface RawRecord {
  partition: string;
  key: string;
  /** The stored value as text, exactly as the storage holds it. */
  text: string;
}

export function sqliteRecords(databaseFile: string): RawRecord[] {
  const db = new Database(databaseFile, { readonly: true, fileMustExist: true });
  try {
    return (db.prepare('SELECT partition, key, value FROM records').all() as { partition: string; key: string; value: string }[]).map((row) => ({ partition: row.partition, key: row.key, text: row.value }));
  } finally {
    db.close();
  }
}

export async function tableRecords(connectionString: string, table: string): Promise<RawRecord[]> {
  const { TableClient } = await import('@azure/data-tables');
  const client = TableClient.fromConnectionString(connectionString, table, { allowInsecureConnection: true });
  const found: RawRecord[] = [];
  for await (const entity of client.listEntities()) found.push({ partition: String(entity.partitionKey), key: String(entity.rowKey), text: JSON.stringify(entity) });
  return found;
}

/** The records that mention any of `needles` (case-insensitive) in their partition, key or value. */
export function mentioning(records: readonly RawRecord[], needles: readonly string[]): RawRecord[] {
  const lower = needles.map((needle) => needle.toLowerCase());
  return records.filter((record) => lower.some((needle) => `${record.partition}\n${record.key}\n${record.text}`.toLowerCase().includes(needle)));
}

// Ordered, append-only schema migrations for the SQLite store, each applied once in its own transaction.

import type Database from 'better-sqlite3';
import { AppError } from '../errors/app-error.js';

export interface Migration {
  /** 1, 2, 3, … with no gaps; the database records the highest one applied. */
  version: number;
  description: string;
  sql: string;
}

/** Never edit a released step: databases in the field have already run it. Append a new one instead. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'records and leases',
    sql: `
      CREATE TABLE records (
        partition  TEXT NOT NULL,
        key        TEXT NOT NULL,
        value      TEXT NOT NULL,
        etag       TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (partition, key)
      ) WITHOUT ROWID;

      CREATE TABLE leases (
        name       TEXT PRIMARY KEY NOT NULL,
        holder     TEXT NOT NULL,
        token      TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      );
    `,
  },
];

export interface MigrationResult {
  /** Versions applied by this call, ascending; empty when the schema was already current. */
  applied: number[];
  /** The schema version of the database afterwards. */
  version: number;
}

/** The highest version a list of migrations knows. */
export function latestVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.at(-1)?.version ?? 0;
}

/** Reads the schema version recorded in a database, 0 when it has none. */
export function schemaVersion(db: Database.Database): number {
  const table = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
    .get();
  if (table === undefined) return 0;
  const row = db.prepare<[], { version: number | null }>('SELECT MAX(version) AS version FROM schema_version').get();
  return row?.version ?? 0;
}

/**
 * Brings a database up to the newest schema in `migrations`. Each step runs in an IMMEDIATE transaction
 * that re-reads the version first, so two processes opening the same new file apply each step once.
 * Refuses a database written by newer code rather than guessing at a schema it does not know.
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): MigrationResult {
  assertWellOrdered(migrations);
  const known = latestVersion(migrations);
  db.exec(`
    CREATE TABLE IF NOT EXISTS schema_version (
      version     INTEGER PRIMARY KEY NOT NULL,
      description TEXT NOT NULL,
      applied_at  TEXT NOT NULL
    )
  `);

  const found = schemaVersion(db);
  if (found > known) throw newerSchemaError(db.name, found, known);

  const record = db.prepare<[number, string, string]>(
    'INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)',
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      const current = schemaVersion(db);
      if (current > known) throw newerSchemaError(db.name, current, known);
      if (current >= migration.version) return;
      db.exec(migration.sql);
      record.run(migration.version, migration.description, new Date().toISOString());
      applied.push(migration.version);
    });
    try {
      apply.immediate();
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('internal', `SQLite migration ${migration.version} (${migration.description}) failed`, {
        cause: error,
        details: { database: db.name, version: migration.version },
      });
    }
  }
  return { applied, version: schemaVersion(db) };
}

function assertWellOrdered(migrations: readonly Migration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new AppError(
        'internal',
        `SQLite migrations must be numbered 1, 2, 3, … without gaps; position ${index + 1} has version ${migration.version}`,
      );
    }
  });
}

function newerSchemaError(database: string, found: number, known: number): AppError {
  const message =
    `The database ${database} has schema version ${found}, but this build of Passkey Coach only knows up to ` +
    `version ${known}. It was written by a newer release: run that release, or point DATA_DIR at another folder.`;
  return new AppError('config.invalid', message, {
    userMessage: { key: 'errors.store.newerSchema', params: { database, found, known } },
    details: { database, schemaVersion: found, supportedVersion: known },
  });
}

// What tells a SQLite database is fit to serve: SQLite's quick check at start (the pages and their b-trees, without
// the slow cross-checks of a full integrity check), and, while running, that the file is still the one opened (a
// file deleted or replaced under a running process goes on working on the old inode and loses every write).

import { statSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { AppError } from '../errors/app-error.js';

/** Problems SQLite's quick check lists at most, in the message. */
const LISTED = 5;

/** Refuses a damaged database, with what SQLite found and what to do. */
export function requireIntact(db: Database.Database, path: string): void {
  let found: string[];
  try {
    found = (db.pragma(`quick_check(${LISTED})`) as { quick_check: string }[]).map((row) => row.quick_check);
  } catch (error) {
    // Damage bad enough stops the check itself ("database disk image is malformed"). A file that is no database at
    // all (SQLITE_NOTADB) is a wrong path rather than damage: the caller says so.
    if ((error as { code?: unknown }).code !== 'SQLITE_CORRUPT') throw error;
    found = [(error as Error).message];
  }
  if (found.length === 1 && found[0] === 'ok') return;
  const message = `The database ${path} is damaged, so the service will not start on it. SQLite's quick check found: ${found.join('; ').replace(/\s*\n\s*/g, '; ')}. Restore the file from a backup (stop the service first), or move it aside to start again with an empty one.`;
  throw new AppError('store.unusable', message, { userFault: true, userMessage: { key: 'errors.store.unusable', params: { problem: message } }, details: { path, problems: found } });
}

/** The file as opened: its device and inode. */
export class FileIdentity {
  readonly #path: string;
  readonly #dev: number;
  readonly #ino: number;

  constructor(path: string) {
    const stat = statSync(path);
    this.#path = path;
    this.#dev = stat.dev;
    this.#ino = stat.ino;
  }

  /** Throws when the path no longer names the file this process has open. */
  check(): void {
    let stat: { dev: number; ino: number };
    try {
      stat = statSync(this.#path);
    } catch {
      throw new AppError('store.unusable', `The database ${this.#path} was deleted while the service was running`, { details: { path: this.#path } });
    }
    if (stat.dev !== this.#dev || stat.ino !== this.#ino) {
      throw new AppError('store.unusable', `The database ${this.#path} was replaced by another file while the service was running`, { details: { path: this.#path } });
    }
  }
}

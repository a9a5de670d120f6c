// A damaged SQLite database (a page overwritten: a bad disk, a copy taken mid-write) must stop the service at start
// with the reason, rather than serve from it and fail later in the middle of someone's work.

import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import { runCommand } from '../support/bot-process.js';

const dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-damaged-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a damaged SQLite database', () => {
  it('refuses to start, saying what SQLite found and what to do', async () => {
    const file = path.join(dir, 'passkey-coach.db');
    const store = SqliteStore.open({ path: file });
    for (let page = 0; page < 40; page++) {
      await store.insertMany('people', Array.from({ length: 50 }, (_, index) => ({ key: `p${page * 50 + index}`, value: { name: 'x'.repeat(200), page, index } })));
    }
    await store.close();
    // One page in the middle of the people's records overwritten with garbage; the start-up path never reads it.
    const pages = statSync(file).size / 4096;
    const handle = openSync(file, 'r+');
    writeSync(handle, Buffer.alloc(4096, 0x5a), 0, 4096, Math.floor(pages / 2) * 4096);
    closeSync(handle);

    const result = await runCommand(['start'], { DATA_DIR: dir, PORT: '0' }, 20_000);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The database ${file} is damaged, so the service will not start on it.`);
    expect(result.stderr).toMatch(/SQLite's quick check found: .*(malformed|[Pp]age \d+)/);
    expect(result.stderr).toContain('Restore the file from a backup');
    expect(result.stderr).not.toMatch(/^\s+at /m);
    expect(result.stdout).not.toContain('"listening"');
  }, 40_000);
});

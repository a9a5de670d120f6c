// The rollback attacks through the built command: a real service writes its anchors, someone rewrites the SQLite
// file, and `passkey-coach audit verify` must say "not verified" with exit 1.

import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAnchorLine } from '../../src/audit/audit-anchor.js';
import { activityFixture } from '../support/bot-harness.js';
import { runCommand, startProcess } from '../support/bot-process.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-anchors-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

type Row = { key: string; value: string };

async function auditedClicks(url: string, verbs: string[]): Promise<void> {
  const invoke = activityFixture('invoke-adaptive-card-action', { serviceUrl: 'http://127.0.0.1:9/' });
  for (const verb of verbs) {
    const response = await fetch(`${url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...invoke, value: { action: { type: 'Action.Execute', verb, data: {} }, trigger: 'manual' } }),
    });
    expect(response.status).toBe(200);
  }
}

/** A copy of the service's data folder for one attack, and a handle on its database. */
function attackCopy(source: string): { dir: string; db: Database.Database } {
  const dir = tempDir();
  cpSync(source, dir, { recursive: true });
  return { dir, db: new Database(path.join(dir, 'passkey-coach.db')) };
}

describe('audit verify against the anchors a running service wrote', () => {
  const dataDir = tempDir();
  let serviceLog = '';
  let olderHead: Row;

  beforeAll(async () => {
    const bot = await startProcess({ DATA_DIR: dataDir });
    await auditedClicks(bot.url, ['old.verb.one', 'old.verb.two']);
    const reader = new Database(path.join(dataDir, 'passkey-coach.db'), { readonly: true });
    olderHead = reader.prepare("SELECT key, value FROM records WHERE partition = 'audit-meta' AND key = 'head'").get() as Row;
    reader.close();
    await auditedClicks(bot.url, ['old.verb.three', 'old.verb.four']);
    bot.child.kill('SIGTERM');
    expect(await bot.exited).toBe(0);
    serviceLog = bot.output();
  });

  it('the service wrote its head to the anchor file beside the database and to the log, and the trail verifies against it', async () => {
    const anchors = readFileSync(path.join(dataDir, 'audit-anchors.jsonl'), 'utf8').trim().split('\n').map(parseAnchorLine);
    const logged = serviceLog.split('\n').filter((line) => line.includes('"msg":"audit.anchor"'));
    expect(anchors.at(-1)).toMatchObject({ seq: 4, keyId: 'demo' });
    expect(logged.map(parseAnchorLine)).toEqual(anchors);
    expect(JSON.parse(logged.at(-1)!)).toMatchObject({ level: 'info', msg: 'audit.anchor', anchor: { seq: 4, hash: anchors.at(-1)?.hash, mac: anchors.at(-1)?.mac, at: anchors.at(-1)?.at } });

    const verify = await runCommand(['audit', 'verify'], { DATA_DIR: dataDir });

    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('Audit trail verified: 4 entries');
    expect(verify.stdout).toContain(`It reaches its newest anchor: entry 4, written ${anchors.at(-1)?.at}`);
  });

  it('cutting off the tail and putting back an older head is not verified: exit 1', async () => {
    const { dir, db } = attackCopy(dataDir);
    db.prepare("DELETE FROM records WHERE partition = 'audit-entries' AND key > ?").run(String(JSON.parse(olderHead.value).seq).padStart(12, '0'));
    db.prepare("UPDATE records SET value = ? WHERE partition = 'audit-meta' AND key = 'head'").run(olderHead.value);
    db.close();

    const verify = await runCommand(['audit', 'verify'], { DATA_DIR: dir });

    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/^Audit trail FAILED verification/);
    expect(verify.stdout).toContain('seq 4: rolled-back — the trail ends at entry 2, but it reached entry 4');
    expect(JSON.parse(verify.stdout.trim().split('\n').at(-1)!)).toMatchObject({ ok: false, entries: 2, anchors: { newest: { seq: 4 } } });
  });

  it('deleting every entry and the head is not verified: exit 1', async () => {
    const { dir, db } = attackCopy(dataDir);
    db.prepare("DELETE FROM records WHERE partition IN ('audit-entries', 'audit-meta')").run();
    db.close();

    const verify = await runCommand(['audit', 'verify'], { DATA_DIR: dir });

    expect(verify.code).toBe(1);
    expect(verify.stdout).toContain('the trail is empty, but it held 4 entries');
    expect(verify.stdout).not.toContain('nothing to verify');
  });

  it('when the local anchor file was deleted as well, a copy of the log from the SIEM still catches it (--anchors)', async () => {
    const { dir, db } = attackCopy(dataDir);
    db.prepare("DELETE FROM records WHERE partition IN ('audit-entries', 'audit-meta')").run();
    db.close();
    rmSync(path.join(dir, 'audit-anchors.jsonl'));
    const siemCopy = path.join(tempDir(), 'siem-export.log');
    writeFileSync(siemCopy, serviceLog);

    const local = await runCommand(['audit', 'verify'], { DATA_DIR: dir });
    const held = await runCommand(['audit', 'verify', '--anchors', siemCopy], { DATA_DIR: dir });

    // Nothing left on the machine can tell this from a new installation, and the command says what it is missing.
    expect(local.code).toBe(0);
    expect(local.stdout).toContain('no anchor was ever written');
    expect(held.code).toBe(1);
    expect(held.stdout).toContain('the trail is empty, but it held 4 entries');
    expect(held.stdout).toMatch(/lines in the anchor sources were not anchors and were skipped/);
    expect((await runCommand(['audit', 'verify', '--anchors', path.join(dir, 'nope.jsonl')], { DATA_DIR: dir })).code).toBe(2);
  });

  it('export marks the rolled-back trail too: exit 1 and the reason on stderr', async () => {
    const { dir, db } = attackCopy(dataDir);
    db.prepare("DELETE FROM records WHERE partition = 'audit-entries' AND key > '000000000003'").run();
    db.prepare("UPDATE records SET value = ? WHERE partition = 'audit-meta' AND key = 'head'").run(olderHead.value);
    db.close();

    const exported = await runCommand(['audit', 'export'], { DATA_DIR: dir });

    expect(exported.code).toBe(1);
    expect(exported.stderr).toContain('rolled-back');
  });
});

describe('a sink that cannot be written', () => {
  it('does not stop the service: it logs, keeps serving and stops cleanly', async () => {
    const dataDir = tempDir();
    const bot = await startProcess({ DATA_DIR: dataDir, AUDIT_ANCHOR_FILE: path.join(dataDir, 'no-such-folder', 'anchors.jsonl') });
    await auditedClicks(bot.url, ['old.verb.one']);
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
    bot.child.kill('SIGTERM');

    expect(await bot.exited).toBe(0);
    expect(bot.output()).toContain('"msg":"audit anchor not written; trying again at the next checkpoint"');
    // The log stream still carried the anchor.
    expect(bot.output()).toContain('"msg":"audit.anchor"');
    expect(existsSync(path.join(dataDir, 'no-such-folder'))).toBe(false);
  });
});

// `passkey-coach erase` as an operator runs it: against the data a real demo run left (its campaign reached Ava), by
// UPN, with the request's reference; again, with nothing left; and the audit trail still verifies after it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCommand, startCommand } from '../support/bot-process.js';
import { until } from '../support/waiting.js';

const dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-erase-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { DATA_DIR: dir, PORT: '0' };

describe('passkey-coach erase', () => {
  it('erases a person by UPN, audited with the request reference; a second run finds nothing; the trail verifies', async () => {
    const demo = await startCommand(['demo'], env, /"msg":"listening".*?"url":"([^"]+)"/, 30_000);
    await until(() => demo.output().includes('"msg":"campaign targeting finished"'), 30_000);
    demo.child.kill('SIGTERM');
    await demo.exited;

    const first = await runCommand(['erase', 'ava.patel@northwind.example', '--request', 'DSR-2026-0107'], env, 60_000);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toMatch(/^Erased \(audit entry #\d+, reason on-request\):/);
    expect(first.stdout).toMatch(/campaignMembers: 1/);
    // Counts only: never who.
    expect(first.stdout).not.toMatch(/ava|patel/i);

    const again = await runCommand(['erase', 'ava.patel@northwind.example'], env, 60_000);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('Nothing to erase');

    const exported = await runCommand(['audit', 'export'], env, 60_000);
    const entries = exported.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    const erasures = entries.filter((entry) => entry.action === 'privacy.personal-data.erased');
    expect(erasures).toHaveLength(1);
    expect(erasures[0]).toMatchObject({ details: { reason: 'on-request', request: 'DSR-2026-0107' } });
    expect(exported.stdout).not.toContain('ava.patel@northwind.example');
    const verified = await runCommand(['audit', 'verify'], env, 60_000);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toContain('Audit trail verified');
  });

  it('says what is wrong, and exits non-zero, for someone Entra does not know or a name that is neither', async () => {
    const unknown = await runCommand(['erase', 'nobody@northwind.example'], env, 60_000);
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toContain('Entra has no account nobody@northwind.example');
    const garbled = await runCommand(['erase', 'nonsense'], env, 60_000);
    expect(garbled.code).not.toBe(0);
    expect(garbled.stderr).toContain('is neither a UPN');
  });
});

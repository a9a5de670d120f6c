import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runGraphEmulatorCommand } from '../../../src/dev/graph-emulator/index.js';

const seedFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'test-tenant.json');

function capture() {
  let text = '';
  return {
    stream: {
      write: (chunk: string) => {
        text += chunk;
        return true;
      },
    } as unknown as NodeJS.WritableStream,
    text: () => text,
  };
}

describe('passkey-coach graph-emulator', () => {
  const dirs: string[] = [];
  afterEach(() => {
    vi.restoreAllMocks();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('starts from a seed file, prints where it listens, saves its certificate, and stops', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'graph-emulator-'));
    dirs.push(dir);
    const out = capture();
    let stop = () => {};
    const stopped = new Promise<void>((resolve) => {
      stop = resolve;
    });
    const running = runGraphEmulatorCommand(['--seed', seedFile, '--ca-out', path.join(dir, 'ca.pem')], out.stream, stopped);
    await vi.waitFor(() => expect(out.text()).toContain('Press Ctrl+C'));
    expect(out.text()).toMatch(/Graph: +https:\/\/127\.0\.0\.1:\d+\/v1\.0/);
    expect(readFileSync(path.join(dir, 'ca.pem'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
    stop();
    await expect(running).resolves.toBe(0);
  });

  it('refuses a missing seed option, a bad port and an inconsistent seed, saying why', async () => {
    const errors = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await runGraphEmulatorCommand([], capture().stream)).toBe(2);
    expect(await runGraphEmulatorCommand(['--seed', seedFile, '--port', 'eighty'], capture().stream)).toBe(2);
    const dir = mkdtempSync(path.join(tmpdir(), 'graph-emulator-'));
    dirs.push(dir);
    const broken = JSON.parse(readFileSync(seedFile, 'utf8'));
    broken.users[1].managerId = '00000000-0000-0000-0000-000000000000';
    writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(broken));
    expect(await runGraphEmulatorCommand(['--seed', path.join(dir, 'broken.json')], capture().stream)).toBe(1);
    expect(errors.mock.calls.map((call) => String(call[0])).join('')).toMatch(/--seed is required[\s\S]*Ports must be[\s\S]*manager 00000000/);
  });
});

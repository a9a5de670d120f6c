// `npm run demo` in a real terminal (a pseudo-terminal from util-linux's `script`): the campaign's progress line is
// rewritten in place, and a log line written while it shows starts on a line of its own instead of after the bar.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, BIN } from '../support/bot-process.js';
import { screenLines } from '../support/terminal-screen.js';

const SCRIPT = '/usr/bin/script';
const dataDir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-tty-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const shellQuote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

describe('the demo on a terminal', () => {
  it('writes log lines above the progress line, never onto it', async () => {
    assertBuilt();
    if (!existsSync(SCRIPT)) throw new Error(`${SCRIPT} (util-linux) is needed to give the demo a terminal: apt-get install bsdutils`);
    const command = `exec env PORT=0 DATA_DIR=${shellQuote(dataDir)} ${shellQuote(process.execPath)} ${shellQuote(BIN)} demo`;
    // -q: no banner of its own, -e: its exit code is the demo's, -f: flush at once; the transcript goes to stdout.
    const child = spawn(SCRIPT, ['-qefc', command, '/dev/null'], { env: { PATH: process.env.PATH ?? '', TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let written = '';
    child.stdout.on('data', (chunk: Buffer) => {
      written += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    const waitFor = async (pattern: RegExp): Promise<RegExpExecArray> => {
      const started = performance.now();
      for (;;) {
        const match = pattern.exec(written);
        if (match) return match;
        if (performance.now() - started > 30_000 || child.exitCode !== null) throw new Error(`no ${pattern} on the terminal:\n${written}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    try {
      const url = (await waitFor(/"msg":"listening".*?"url":"([^"]+)"/))[1];
      await waitFor(/campaign "Demo roll-out" \[/);
      // A log line while the progress line shows: a body that is not an activity is refused, with a warning.
      expect((await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}' })).status).toBe(400);
      await waitFor(/rejected a body that is not an activity[^\n]*\n/);
      child.stdin.write('\u0003'); // Ctrl-C, as a person would stop it
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    const lines = screenLines(written);
    const warning = lines.find((line) => line.includes('rejected a body that is not an activity'));
    expect(warning, written).toMatch(/^\{"time":/);
    for (const line of lines.filter((candidate) => candidate.includes('{"time"'))) expect(line, 'a log line starts its own line').toMatch(/^\{"time":/);
    expect(lines.some((line) => line.startsWith('campaign "Demo roll-out" ['))).toBe(true);
  }, 60_000);
});

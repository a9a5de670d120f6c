// Runs the built `passkey-coach` command as a real process, the way an operator or App Service does.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'passkey-coach.cjs');

export function assertBuilt(): void {
  if (!existsSync(path.join(ROOT, 'dist', 'passkey-coach.cjs'))) throw new Error('dist/ is missing: run `npm run build` first (npm test does).');
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to completion with exactly the given environment (plus PATH), optionally feeding stdin. */
export function runCommand(args: string[], env: Record<string, string>, timeoutMs = 30_000, stdin?: string): Promise<CommandResult> {
  assertBuilt();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: ROOT });
    child.stdin.end(stdin ?? '');
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`passkey-coach ${args.join(' ')} did not finish in ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export interface ServingProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `passkey-coach start`, resolving once it logs the URL it listens on. */
export function startProcess(env: Record<string, string>, timeoutMs = 15_000): Promise<ServingProcess> {
  return startCommand(['start'], { PORT: '0', ...env }, /"msg":"listening".*?"url":"([^"]+)"/, timeoutMs);
}

/**
 * Starts a long-running command and resolves with its output once `ready` matches it. `from`: another install of the
 * command (its launcher and folder), e.g. the deployment package, instead of this checkout's.
 */
export function startCommand(args: string[], env: Record<string, string>, ready: RegExp, timeoutMs = 15_000, from?: { bin: string; cwd: string }): Promise<ServingProcess & { match: RegExpExecArray }> {
  if (!from) assertBuilt();
  const child = spawn(process.execPath, [from?.bin ?? BIN, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, cwd: from?.cwd ?? ROOT });
  let out = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no match for ${ready} within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve({ child, url: match[1] ?? '', match, output: () => out, exited });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code}:\n${out}`));
    });
  });
}

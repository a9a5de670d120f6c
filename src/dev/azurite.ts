// Azurite's Table (or Blob) service for tests and benchmarks: started on a free loopback port with in-memory storage,
// stopped afterwards.
// Azurite comes from npm (a dev dependency); nothing needs to be running before the test command.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Azurite's well-known development account (public, documented by Microsoft; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface RunningAzurite {
  connectionString: string;
  /** Its process, for benchmarks that report what it spent (its CPU: Azurite is one single-threaded process). */
  pid: number | undefined;
  /** Stops answering without going away (SIGSTOP): connections stay open, requests hang, as a frozen service's do. */
  freeze(): void;
  /** Answers again (SIGCONT). */
  thaw(): void;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface AzuriteOptions {
  /**
   * Point operations by key at Azure Table's cost instead of the partition's size (azurite-key-index.cjs, preloaded):
   * for benchmarks that measure the bot rather than the emulator. Off by default.
   */
  keyIndex?: boolean;
}

/** Said by azurite-key-index.cjs once it has taken over Azurite's key lookups. */
const KEY_INDEX_ON = 'azurite-key-index: point operations by key';

/**
 * azurite-key-index.cjs, beside this file in the sources; found by walking up from wherever this module runs (the
 * sources under a test runner, or a bundle the benchmarks build into build/scripts).
 */
function keyIndexScript(): string {
  const relative = path.join('src', 'dev', 'azurite-key-index.cjs');
  for (let dir = path.dirname(fileURLToPath(import.meta.url)); ; dir = path.dirname(dir)) {
    const beside = path.join(dir, 'azurite-key-index.cjs');
    if (existsSync(beside)) return beside;
    if (existsSync(path.join(dir, relative))) return path.join(dir, relative);
    if (path.dirname(dir) === dir) throw new Error(`${relative} not found above ${fileURLToPath(import.meta.url)}`);
  }
}

/** Starts one Azurite service: 'table' for the store, 'blob' for the audit trail's append-blob anchors. */
export async function startAzurite(service: 'table' | 'blob' = 'table', options: AzuriteOptions = {}): Promise<RunningAzurite> {
  const require = createRequire(import.meta.url);
  const entry = path.join(path.dirname(require.resolve('azurite/package.json')), 'dist', 'src', service, 'main.js');
  const preload = options.keyIndex ? ['--require', keyIndexScript()] : [];
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    let output = '';
    const child = spawn(process.execPath, [...preload, entry, '--inMemoryPersistence', `--${service}Host`, '127.0.0.1', `--${service}Port`, String(port), '--disableTelemetry', '--silent'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const started = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 15_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        if (/successfully (started|listen)/i.test(output)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    // A key index asked for and not taken (another LokiJS, the preload failing) is an error, never a silent plain run.
    if (options.keyIndex && !output.includes(KEY_INDEX_ON)) {
      await stopChild(child);
      throw new Error(`Azurite did not take the key index: ${output.trim().slice(-800) || '(no output)'}`);
    }
    if (started) {
      // However the caller ends (a failed test, a benchmark's exit), Azurite does not outlive it.
      const reap = () => child.kill('SIGKILL');
      process.once('exit', reap);
      child.once('exit', () => process.removeListener('exit', reap));
      return {
        pid: child.pid,
        connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};${service === 'blob' ? 'BlobEndpoint' : 'TableEndpoint'}=http://127.0.0.1:${port}/${ACCOUNT};`,
        freeze: () => child.kill('SIGSTOP'),
        thaw: () => child.kill('SIGCONT'),
        stop: () => {
          child.kill('SIGCONT');
          return stopChild(child);
        },
      };
    }
    await stopChild(child);
    // The free port was taken between finding it and Azurite binding it: try another.
    if (attempt >= 3) throw new Error('Azurite did not start');
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

// Server child processes for benchmarks: spawn, find the port, wait for /readyz, read RSS, stop — and never leak one.

import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import http from 'node:http';

/** @type {Set<import('node:child_process').ChildProcess>} */
const live = new Set();

// Last line of defence: whatever way this process ends, no server child outlives it.
process.on('exit', () => {
  for (const child of live) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

/**
 * @typedef {object} ServerChild
 * @property {import('node:child_process').ChildProcess} process
 * @property {number} pid
 * @property {number} startedAt performance.now() just before spawn
 * @property {() => string} stderrTail the last few KB of the child's stderr, for error reports
 * @property {() => number | undefined} announcedPort the port from a {"msg":"listening","url":…} stdout line, once seen
 * @property {Promise<{ code: number | null, signal: string | null }>} exited
 */

/**
 * Spawns `node ...args`. stdout is scanned for the JSON "listening" line; stderr is kept (tail only) for diagnostics.
 * @param {string[]} args
 * @param {{ cwd: string, env: Record<string, string>, execArgv?: string[] }} options
 * @returns {ServerChild}
 */
export function spawnServer(args, options) {
  const startedAt = performance.now();
  const child = spawn(process.execPath, [...(options.execArgv ?? []), ...args], {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  let port;
  let stdoutBuffer = '';
  let stderrTail = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    if (port !== undefined) return;
    stdoutBuffer += chunk;
    let newline = stdoutBuffer.indexOf('\n');
    while (newline >= 0 && port === undefined) {
      port = portOfListeningLine(stdoutBuffer.slice(0, newline));
      stdoutBuffer = stdoutBuffer.slice(newline + 1);
      newline = stdoutBuffer.indexOf('\n');
    }
    if (stdoutBuffer.length > 1 << 20) stdoutBuffer = '';
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderrTail = (stderrTail + chunk).slice(-4096);
  });
  const exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return {
    process: child,
    pid: /** @type {number} */ (child.pid),
    startedAt,
    stderrTail: () => stderrTail,
    announcedPort: () => port,
    exited,
  };
}

/** @param {string} line */
function portOfListeningLine(line) {
  if (!line.includes('"listening"')) return undefined;
  try {
    const parsed = JSON.parse(line);
    if (parsed?.msg !== 'listening' || typeof parsed.url !== 'string') return undefined;
    return Number(new URL(parsed.url).port) || undefined;
  } catch {
    return undefined; // not JSON: some other line that happens to contain the word
  }
}

/**
 * The TCP port `pid` listens on, read from /proc (Linux). Used when the child does not announce its port
 * on stdout — Passkey Coach logs "listening" at info level, so LOG_LEVEL=warn hides it.
 * @param {number} pid
 * @returns {number | undefined}
 */
export function listeningPortFromProc(pid) {
  /** @type {Set<string>} */
  const inodes = new Set();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (match) inodes.add(match[1]);
      } catch {
        // The fd closed between readdir and readlink: nothing to learn from it.
      }
    }
  } catch {
    return undefined; // the process is gone or not ours to read
  }
  if (inodes.size === 0) return undefined;
  for (const table of ['tcp', 'tcp6']) {
    let text;
    try {
      text = readFileSync(`/proc/${pid}/net/${table}`, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      // fields: sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
      if (fields.length < 10 || fields[3] !== '0A' || !inodes.has(fields[9])) continue;
      return Number.parseInt(fields[1].split(':')[1], 16);
    }
  }
  return undefined;
}

/**
 * Polls every `intervalMs` until the child's port is known and GET /readyz answers 200.
 * @param {ServerChild} child
 * @param {{ intervalMs?: number, timeoutMs?: number }} [options]
 * @returns {Promise<{ port: number, readyAt: number }>} readyAt is performance.now() at the 200
 */
export async function waitUntilReady(child, { intervalMs = 10, timeoutMs = 30_000 } = {}) {
  const deadline = performance.now() + timeoutMs;
  let port;
  let exitedEarly = false;
  child.exited.then(() => {
    exitedEarly = true;
  });
  while (performance.now() < deadline) {
    if (exitedEarly) throw new Error(`server exited before it was ready; stderr: ${child.stderrTail().trim() || '(empty)'}`);
    // The announced port wins. /proc is only a fallback for a child that does not announce (a quiet log
    // level), and then any of its ports may be an emulator's, so a port is kept only once /readyz answers 200.
    const candidate = child.announcedPort() ?? listeningPortFromProc(child.pid);
    if (candidate !== undefined && (await readyzStatus(candidate, intervalMs * 50)) === 200) return { port: candidate, readyAt: performance.now() };
    port = candidate;
    await sleep(intervalMs);
  }
  throw new Error(`server not ready within ${timeoutMs} ms (port ${port ?? 'unknown'}); stderr: ${child.stderrTail().trim() || '(empty)'}`);
}

/** @param {number} port @param {number} timeoutMs @returns {Promise<number>} status, or 0 when there was no answer */
function readyzStatus(port, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/readyz', agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

/** VmRSS of a live process in MB (from /proc/<pid>/status), or null when it cannot be read. */
export function rssMb(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** VmHWM (the peak resident set so far) of a live process in MB, or null when it cannot be read. */
export function peakRssMb(pid) {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round((Number(match[1]) / 1024) * 10) / 10 : null;
  } catch {
    return null;
  }
}

/** CPU time (user + system) a live process has used so far, in seconds, or null when it cannot be read. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // After the command name (which may hold spaces, hence the last ')'), utime and stime are fields 12 and 13, in
    // clock ticks: 100 a second on Linux (sysconf(_SC_CLK_TCK), which Node does not expose).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return null;
  }
}

/**
 * SIGTERM, wait up to `graceMs` for a clean exit, then SIGKILL.
 * @param {ServerChild} child
 * @param {number} [graceMs]
 */
export async function stopServer(child, graceMs = 12_000) {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return child.exited;
  child.process.kill('SIGTERM');
  let timer;
  const outcome = await Promise.race([
    child.exited,
    new Promise((resolve) => {
      timer = setTimeout(() => resolve('timeout'), graceMs);
    }),
  ]);
  clearTimeout(timer);
  if (outcome !== 'timeout') return outcome;
  process.stderr.write(`bench: pid ${child.pid} ignored SIGTERM for ${graceMs} ms; killing it\n`);
  child.process.kill('SIGKILL');
  return child.exited;
}

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

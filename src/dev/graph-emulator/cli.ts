// `passkey-coach graph-emulator --seed FILE [--port P] [--authority-port Q] [--ca-out FILE] [--report-lag-minutes N]
// [--latency-ms N] [--install-rps N]`: runs the emulator on its own until interrupted, and prints what a client
// needs to reach it.

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { parseTenantSeed } from '../tenant-seed.js';
import { startGraphEmulator } from './graph-emulator.js';

export const GRAPH_EMULATOR_USAGE = `Usage: passkey-coach graph-emulator --seed FILE [--port P] [--authority-port Q] [--ca-out FILE] [--report-lag-minutes N]
                                    [--latency-ms N] [--install-rps N]

Runs the local Microsoft Graph emulator on 127.0.0.1 until interrupted. Both servers use HTTPS with a
certificate made at start; --ca-out writes it (PEM) so clients can trust it (e.g. curl --cacert FILE).
--latency-ms delays every Graph request by N ms; --install-rps allows N Teams app installs a second per app
(default 30).`;

const OPTIONS = {
  seed: { type: 'string' },
  port: { type: 'string' },
  'authority-port': { type: 'string' },
  'ca-out': { type: 'string' },
  'report-lag-minutes': { type: 'string' },
  'latency-ms': { type: 'string' },
  'install-rps': { type: 'string' },
} as const;

/** Runs until SIGINT/SIGTERM, or until `stop` settles (tests). */
export async function runGraphEmulatorCommand(args: string[], out: NodeJS.WritableStream = process.stdout, stop?: Promise<void>): Promise<number> {
  let values: Partial<Record<keyof typeof OPTIONS, string>>;
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (!values.seed) return usageError('--seed is required.');
  const port = parsePort(values.port);
  const authorityPort = parsePort(values['authority-port']);
  const lag = wholeNumber(values['report-lag-minutes']);
  if (port === null || authorityPort === null || lag === null) return usageError('Ports must be integers from 0 to 65535 and the lag a whole number of minutes.');
  const latencyMs = wholeNumber(values['latency-ms']);
  if (latencyMs === null) return usageError('--latency-ms must be a whole number of milliseconds.');
  const installRps = wholeNumber(values['install-rps']);
  if (installRps === null || installRps === 0) return usageError('--install-rps must be a whole number of installs a second, at least 1.');
  let seed: ReturnType<typeof parseTenantSeed>;
  try {
    seed = parseTenantSeed(JSON.parse(readFileSync(values.seed, 'utf8')));
  } catch (error) {
    process.stderr.write(`Cannot use the seed ${values.seed}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const emulator = await startGraphEmulator({
    seed,
    port,
    authorityPort,
    reportLagMinutes: lag,
    installThrottle: installRps === undefined ? undefined : { limit: installRps, windowMs: 1000 },
  });
  if (latencyMs !== undefined) emulator.faults.setLatency(latencyMs);
  if (values['ca-out']) writeFileSync(values['ca-out'], emulator.caCertificate);
  out.write(
    [
      'Local Microsoft Graph emulator (not Microsoft Graph: demo data only)',
      `  Graph:          ${emulator.graphUrl}/v1.0`,
      `  Authority host: ${emulator.authorityHost}  (tenant ${emulator.tenantId})`,
      `  Apps:           ${seed.apps.map((app) => `${app.displayName} ${app.clientId}`).join('; ')}`,
      `  Certificate:    ${values['ca-out'] ?? 'pass --ca-out FILE to save it'}`,
      `  Emulator API:   ${emulator.graphUrl}/_emulator`,
      `  Users:          ${seed.users.length}; installs ${installRps ?? 30}/s per app; latency ${latencyMs ?? 0} ms`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
  await (stop ?? untilSignal());
  await emulator.close();
  return 0;
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n\n${GRAPH_EMULATOR_USAGE}\n`);
  return 2;
}

/** undefined when absent, null when not a whole number ≥ 0. */
function wholeNumber(raw: string | undefined): number | undefined | null {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return raw.trim() !== '' && Number.isInteger(value) && value >= 0 ? value : null;
}

function parsePort(raw: string | undefined): number | undefined | null {
  if (raw === undefined) return undefined;
  const port = Number(raw);
  return Number.isInteger(port) && port >= 0 && port <= 65535 ? port : null;
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

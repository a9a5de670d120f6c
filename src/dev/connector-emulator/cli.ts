// `passkey-coach connector-emulator [--port P] [--seed FILE] [--lenient] [--latency-ms N] [--tenant-rps R]`: runs the
// Bot Connector emulator on its own until interrupted, with the seed's people as Teams users.

import path from 'node:path';
import { parseArgs } from 'node:util';
import { connectorUsersFromSeed, loadSeed } from '../demo-environment.js';
import type { TenantSeed } from '../tenant-seed.js';
import { startConnectorEmulator } from './index.js';

export const CONNECTOR_EMULATOR_USAGE = `Usage: passkey-coach connector-emulator [--port P] [--seed FILE] [--lenient] [--latency-ms N] [--tenant-rps R]

Runs the local Bot Connector (Teams) emulator on 127.0.0.1 until interrupted. Point a bot's serviceUrl at it;
read what the bot sent at GET /_emulator/activities. --latency-ms delays every /v3 answer by N ms; --tenant-rps
allows R calls a second per tenant (default 30, Teams' documented rate; 0 turns the tenant rate off).
See docs/connector-emulator.md.`;

/** Runs until SIGINT/SIGTERM, or until `stop` settles (tests). */
export async function runConnectorEmulatorCommand(args: string[], out: NodeJS.WritableStream = process.stdout, stop?: Promise<void>): Promise<number> {
  let values: { port?: string; seed?: string; lenient?: boolean; 'latency-ms'?: string; 'tenant-rps'?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: { port: { type: 'string' }, seed: { type: 'string' }, lenient: { type: 'boolean' }, 'latency-ms': { type: 'string' }, 'tenant-rps': { type: 'string' } },
      strict: true,
    }));
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) return usageError('--port must be an integer from 0 to 65535.');
  const latencyMs = wholeNumber(values['latency-ms']);
  if (latencyMs === null) return usageError('--latency-ms must be a whole number of milliseconds.');
  const tenantRps = wholeNumber(values['tenant-rps']);
  if (tenantRps === null) return usageError('--tenant-rps must be a whole number of calls a second (0 turns the tenant rate off).');
  let seed: TenantSeed | undefined;
  try {
    // Relative to where the command runs, like every other file argument.
    seed = values.seed === undefined ? undefined : loadSeed(path.resolve(values.seed));
  } catch (error) {
    process.stderr.write(`Cannot use the seed ${values.seed}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  const emulator = await startConnectorEmulator({
    port,
    lenient: values.lenient ?? false,
    tenantId: seed?.tenant.id,
    users: seed ? connectorUsersFromSeed(seed) : undefined,
    latencyMs,
    limits: tenantRps === undefined ? undefined : { perTenant: tenantRps === 0 ? [] : [{ limit: tenantRps, windowMs: 1000 }] },
  });
  const tenantRate = emulator.limits.perTenant.map((window) => `${window.limit} per ${window.windowMs} ms`).join(', ') || 'off';
  out.write(
    [
      'Local Bot Connector emulator (not Microsoft Teams)',
      `  serviceUrl: ${emulator.serviceUrl}`,
      `  activities: ${emulator.serviceUrl}_emulator/activities`,
      `  users:      ${emulator.users().length}`,
      `  tenant rate: ${tenantRate}; latency: ${emulator.latencyMs} ms`,
      '',
    ].join('\n'),
  );
  await (stop ?? untilSignal());
  await emulator.close();
  return 0;
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n\n${CONNECTOR_EMULATOR_USAGE}\n`);
  return 2;
}

/** undefined when absent, null when not a whole number ≥ 0. */
function wholeNumber(raw: string | undefined): number | undefined | null {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  return raw.trim() !== '' && Number.isInteger(value) && value >= 0 ? value : null;
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

// `passkey-coach connector-emulator [--port P] [--seed FILE]`: runs the Bot Connector emulator on its own
// until interrupted, with the seed's people as Teams users.

import { parseArgs } from 'node:util';
import { connectorUsersFromSeed, loadSeed } from '../demo-environment.js';
import { startConnectorEmulator } from './index.js';

export const CONNECTOR_EMULATOR_USAGE = `Usage: passkey-coach connector-emulator [--port P] [--seed FILE] [--lenient]

Runs the local Bot Connector (Teams) emulator on 127.0.0.1 until interrupted. Point a bot's serviceUrl at it;
read what the bot sent at GET /_emulator/activities. See docs/connector-emulator.md.`;

export async function runConnectorEmulatorCommand(args: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  let values: { port?: string; seed?: string; lenient?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { port: { type: 'string' }, seed: { type: 'string' }, lenient: { type: 'boolean' } }, strict: true }));
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n\n${CONNECTOR_EMULATOR_USAGE}\n`);
    return 2;
  }
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be an integer from 0 to 65535.\n\n${CONNECTOR_EMULATOR_USAGE}\n`);
    return 2;
  }
  const seed = values.seed ? loadSeed(values.seed) : undefined;
  const emulator = await startConnectorEmulator({
    port,
    lenient: values.lenient ?? false,
    tenantId: seed?.tenant.id,
    users: seed ? connectorUsersFromSeed(seed) : undefined,
  });
  out.write(`Local Bot Connector emulator (not Microsoft Teams)\n  serviceUrl: ${emulator.serviceUrl}\n  activities: ${emulator.serviceUrl}_emulator/activities\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await emulator.close();
  return 0;
}

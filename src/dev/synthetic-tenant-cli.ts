// `passkey-coach synthetic-tenant --users N [--seed S] [--out FILE]`: writes a synthetic tenant seed (JSON) for
// benchmarks and load tests, to a file or to stdout.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { syntheticTenant } from './synthetic-tenant.js';
import type { TenantSeed } from './tenant-seed.js';

export const SYNTHETIC_TENANT_USAGE = `Usage: passkey-coach synthetic-tenant --users N [--seed S] [--out FILE]
                                      [--enrolled-share X] [--app-installed-share X] [--domain DOMAIN]

Writes a seeded, deterministic tenant of N accounts (people, guests, rooms, shared mailboxes, break-glass
accounts) as one line of JSON, to FILE or to stdout. The same N, S and shares always give the same tenant.
Serve it with graph-emulator --seed FILE and connector-emulator --seed FILE. See docs/demo-tenant.md.`;

const OPTIONS = {
  users: { type: 'string' },
  seed: { type: 'string' },
  out: { type: 'string' },
  'enrolled-share': { type: 'string' },
  'app-installed-share': { type: 'string' },
  domain: { type: 'string' },
} as const;

export function runSyntheticTenantCommand(args: string[], out: NodeJS.WritableStream = process.stdout): number {
  let values: Partial<Record<keyof typeof OPTIONS, string>>;
  try {
    ({ values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false }));
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  if (values.users === undefined) return usageError('--users is required.');
  const numbers = { users: numberOf(values.users), seed: numberOf(values.seed), enrolledShare: numberOf(values['enrolled-share']), appInstalledShare: numberOf(values['app-installed-share']) };
  const bad = Object.entries(numbers).find(([, value]) => Number.isNaN(value));
  if (bad) return usageError(`--${bad[0].replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`)} must be a number.`);
  let seed: TenantSeed;
  try {
    seed = syntheticTenant({ ...numbers, users: numbers.users as number, domain: values.domain });
  } catch (error) {
    if (error instanceof RangeError) return usageError(error.message);
    throw error;
  }
  const json = `${JSON.stringify(seed)}\n`;
  if (values.out === undefined) {
    out.write(json);
    return 0;
  }
  writeFileSync(values.out, json);
  const people = seed.users.filter((user) => user.accountKind === 'person' && user.userType === 'Member').length;
  out.write(`Wrote ${seed.users.length} accounts (${people} member people) of ${seed.tenant.displayName} (${seed.tenant.defaultDomain}) to ${values.out}.\n`);
  return 0;
}

/** undefined when absent, NaN when not a number. */
function numberOf(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  return raw.trim() === '' ? Number.NaN : Number(raw);
}

function usageError(message: string): number {
  process.stderr.write(`${message}\n\n${SYNTHETIC_TENANT_USAGE}\n`);
  return 2;
}

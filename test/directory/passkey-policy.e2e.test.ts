// The tenant's passkey (FIDO2) policy read through the real Graph SDK from the Graph emulator, in both of Graph's
// shapes: migrated to passkey profiles (the demo tenant), and the legacy one.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphDirectory } from '../../src/directory/directory.js';
import { createGraphClient } from '../../src/directory/graph-client.js';
import type { DemoEnvironment } from '../../src/dev/demo-environment.js';
import { PasskeyRulesReader } from '../../src/enrollment/passkey-rules.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { type RunningBot, startBot } from '../support/bot-harness.js';

let bot: RunningBot;
let demo: DemoEnvironment;
let directory: GraphDirectory;

beforeAll(async () => {
  bot = await startBot({}, { emulators: true });
  if (!bot.environment) throw new Error('demo mode started without its emulators');
  demo = bot.environment;
  directory = new GraphDirectory(createGraphClient({ baseUrl: demo.graph.graphUrl, credential: demo.credential, caCertificate: demo.graph.caCertificate, logger: createLogger({ sink: new MemorySink(), level: 'silent' }) }));
}, 60_000);

afterAll(async () => {
  await bot?.stop();
});

const user = (name: string) => {
  const found = demo.seed.users.find((candidate) => candidate.displayName === name);
  if (!found) throw new Error(`no ${name}`);
  return found.id;
};

describe('the passkey policy', () => {
  it('reads the demo tenant\'s passkey profiles and targets, and what they mean for Sales and for Finance', async () => {
    const policy = await directory.passkeyPolicy();
    expect(policy.passkeyProfiles?.map((profile) => profile.passkeyTypes)).toEqual(['deviceBound', 'deviceBound,synced']);
    expect(policy.defaultPasskeyProfile).toBe('00000000-0000-0000-0000-000000000001');
    const rules = new PasskeyRulesReader(directory, createLogger({ sink: new MemorySink(), level: 'silent' }));
    expect(await rules.rulesFor(user('Ava Patel'))).toEqual({ kind: 'rules', synced: true, restricted: false });
    const finance = demo.seed.users.find((candidate) => candidate.department === 'Finance');
    expect(await rules.rulesFor(finance?.id ?? '')).toEqual({ kind: 'rules', synced: false, restricted: false });
    const call = demo.graph.calls.list().find((entry) => entry.path.endsWith('/authenticationMethodConfigurations/fido2'));
    expect(call?.status).toBe(200);
  });

  it('reads the legacy shape (no profiles): attestation enforced means device-bound only, for everyone included', async () => {
    demo.graph.state.setPasskeyPolicy({ isAttestationEnforced: true, keyRestrictions: { isEnforced: true, enforcementType: 'allow', aaGuids: ['90a3ccdf-635c-4729-a248-9b709135078f'] } });
    const policy = await directory.passkeyPolicy();
    expect(policy.passkeyProfiles).toBeUndefined();
    expect(policy.isAttestationEnforced).toBe(true);
    const rules = new PasskeyRulesReader(directory, createLogger({ sink: new MemorySink(), level: 'silent' }));
    expect(await rules.rulesFor(user('Ava Patel'))).toEqual({ kind: 'rules', synced: false, restricted: true });
  });

  it('answers in general terms when Graph cannot say', async () => {
    demo.graph.faults.add({ method: 'GET', path: /authenticationMethodConfigurations\/fido2$/i, status: 503, times: 10 });
    try {
      const rules = new PasskeyRulesReader(directory, createLogger({ sink: new MemorySink(), level: 'silent' }));
      expect(await rules.rulesFor(user('Ava Patel'))).toEqual({ kind: 'unknown' });
    } finally {
      demo.graph.faults.clear();
    }
  });

  it('asks Graph once per person for a few minutes, and again a minute after it could not say', async () => {
    demo.graph.state.setPasskeyPolicy({ isAttestationEnforced: false });
    const rules = new PasskeyRulesReader(directory, createLogger({ sink: new MemorySink(), level: 'silent' }));
    const groupReads = () => demo.graph.calls.list().filter((entry) => entry.path.includes(`/users/${user('Ava Patel')}/transitiveMemberOf`)).length;
    const start = Date.parse('2026-12-07T09:00:00Z');
    const before = groupReads();
    const first = await rules.rulesFor(user('Ava Patel'), start);
    expect(await rules.rulesFor(user('Ava Patel'), start + 4 * 60_000)).toEqual(first);
    expect(groupReads()).toBe(before + 1);
    await rules.rulesFor(user('Ava Patel'), start + 6 * 60_000);
    expect(groupReads()).toBe(before + 2);

    const failing = new PasskeyRulesReader(directory, createLogger({ sink: new MemorySink(), level: 'silent' }));
    demo.graph.faults.add({ method: 'GET', path: /authenticationMethodConfigurations\/fido2$/i, status: 503, times: 10 });
    try {
      expect(await failing.rulesFor(user('Ava Patel'), start)).toEqual({ kind: 'unknown' });
    } finally {
      demo.graph.faults.clear();
    }
    expect(await failing.rulesFor(user('Ava Patel'), start + 30_000)).toEqual({ kind: 'unknown' });
    expect(await failing.rulesFor(user('Ava Patel'), start + 61_000)).toEqual(first);
  });
});

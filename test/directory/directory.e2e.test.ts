// The directory module over the real Graph SDK and @azure/identity, against demo mode's emulators.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphDirectory } from '../../src/directory/directory.js';
import { profilesPerCall } from '../../src/directory/directory-port.js';
import { createGraphClient } from '../../src/directory/graph-client.js';
import type { DemoEnvironment } from '../../src/dev/demo-environment.js';
import { isAppError } from '../../src/errors/app-error.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { Strings } from '../../src/shared/strings.js';
import { type RunningBot, startBot } from '../support/bot-harness.js';

let bot: RunningBot;
let demo: DemoEnvironment;
let directory: GraphDirectory;
const logs = new MemorySink();

beforeAll(async () => {
  bot = await startBot({}, { emulators: true });
  if (!bot.environment) throw new Error('demo mode started without its emulators');
  demo = bot.environment;
  // The product's client with short back-off, so a storm passes in milliseconds rather than seconds.
  directory = new GraphDirectory(
    createGraphClient({
      baseUrl: demo.graph.graphUrl,
      credential: demo.credential,
      caCertificate: demo.graph.caCertificate,
      logger: createLogger({ sink: logs, level: 'debug' }),
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
    }),
  );
}, 60_000);

afterAll(async () => {
  await bot?.stop();
});

const personas = () => {
  const p = demo.seed.personas;
  if (!p) throw new Error('the demo tenant has no personas');
  return p;
};

describe('reading the directory', () => {
  it('finds a person by id and by UPN, and their manager', async () => {
    const employee = await directory.getUser(personas().employee);
    expect(employee?.displayName).toBe('Ava Patel');
    expect((await directory.getUser(employee?.userPrincipalName ?? ''))?.id).toBe(personas().employee);
    expect((await directory.getManager(personas().employee))?.id).toBe(personas().manager);
  });

  it('answers undefined, not an error, for someone who does not exist or has no manager', async () => {
    expect(await directory.getUser('nobody@northwind.example')).toBeUndefined();
    const ceo = demo.seed.users.find((u) => !u.managerId && u.accountKind === 'person' && u.userType === 'Member' && u.department === 'Executive');
    expect(ceo).toBeDefined();
    expect(await directory.getManager(ceo?.id ?? '')).toBeUndefined();
  });

  it('looks many people up in $batch calls of 20, skipping ids that do not exist', async () => {
    const ids = demo.seed.users.slice(0, 45).map((u) => u.id);
    demo.graph.calls.clear();
    const found = await directory.getUsers([...ids, '00000000-0000-4000-8000-000000000000']);
    expect(found.size).toBe(45);
    expect(demo.graph.calls.list().filter((c) => c.path.endsWith('/$batch'))).toHaveLength(3);
  });

  it('reads profilesPerCall people’s profiles in one $batch call, with and without the install check', async () => {
    for (const catalogAppId of [undefined, 'catalog-app-id']) {
      const perCall = profilesPerCall({ catalogAppId });
      const ids = demo.seed.users.slice(0, perCall + 1).map((u) => u.id);
      demo.graph.calls.clear();
      expect((await directory.userProfiles(ids.slice(0, perCall), { catalogAppId })).size).toBe(perCall);
      expect(demo.graph.calls.list().filter((c) => c.path.endsWith('/$batch'))).toHaveLength(1);
      // One more person takes a second call: perCall is the most one call holds.
      demo.graph.calls.clear();
      expect((await directory.userProfiles(ids, { catalogAppId })).size).toBe(perCall + 1);
      expect(demo.graph.calls.list().filter((c) => c.path.endsWith('/$batch'))).toHaveLength(2);
    }
  });

  it('pages through every user', async () => {
    let count = 0;
    let pages = 0;
    for await (const page of directory.listUsers({ pageSize: 10 })) {
      count += page.length;
      pages += 1;
    }
    expect(count).toBe(demo.seed.users.length);
    expect(pages).toBeGreaterThan(1);
  });

  it('resolves group membership, nested groups included', async () => {
    const helpdesk = demo.seed.groups.find((g) => g.role === 'helpdesk');
    const groups = await directory.transitiveGroupIds(personas().helpdesk);
    if (!helpdesk) throw new Error('the demo tenant has no helpdesk group');
    expect(groups.has(helpdesk.id)).toBe(true);
    expect(await directory.groupMemberIds(helpdesk.id)).toContain(personas().helpdesk);
  });

  it('reads the registration report with the passkey kinds Graph hides from old clients', async () => {
    const rows = [];
    for await (const page of directory.registrationDetails({ filter: "methodsRegistered/any(m: m eq 'passKeyDeviceBoundAuthenticator')" })) rows.push(...page.rows);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.methodsRegistered).toContain('passKeyDeviceBoundAuthenticator');
  });

  it('tells privileged accounts apart by active and eligible roles', async () => {
    const grant = demo.seed.directoryRoles.eligibilities[0];
    expect(grant).toBeDefined();
    const roles = await directory.directoryRoles(grant?.principalId ?? '');
    expect(roles.eligible.length).toBeGreaterThan(0);
    expect(await directory.directoryRoles(personas().employee)).toEqual({ active: [], eligible: [] });
  });
});

describe('Temporary Access Passes', () => {
  it('returns the value only when created, and a second pass replaces the first', async () => {
    const first = await directory.createTemporaryAccessPass(personas().employee, { lifetimeInMinutes: 60, isUsableOnce: true });
    expect(first.temporaryAccessPass).toMatch(/^\S{8,}$/);
    const second = await directory.createTemporaryAccessPass(personas().employee, { lifetimeInMinutes: 60, isUsableOnce: true });
    const listed = await directory.temporaryAccessPasses(personas().employee);
    expect(listed.map((p) => p.id)).toEqual([second.id]);
    expect(listed[0]?.temporaryAccessPass ?? null).toBeNull();
    await directory.deleteTemporaryAccessPass(personas().employee, second.id);
    expect(await directory.temporaryAccessPasses(personas().employee)).toEqual([]);
    expect(logs.text()).not.toContain(first.temporaryAccessPass ?? 'unreachable');
  });
});

describe('riding out throttling and outages', () => {
  it('retries reads through a 429/503 storm and returns the answer', async () => {
    demo.graph.calls.clear();
    demo.graph.faults.add({ method: 'GET', path: /\/users\/[^/]+$/, status: 503, times: 2 });
    demo.graph.faults.add({ method: 'GET', path: /\/users\/[^/]+$/, status: 429, times: 2, retryAfterSeconds: 0 });
    expect((await directory.getUser(personas().manager))?.displayName).toBe(demo.seed.users.find((user) => user.id === personas().manager)?.displayName);
    expect(demo.graph.calls.list().filter((c) => c.method === 'GET').length).toBe(5);
  });

  it('never sends a create twice: a pass POST that meets a 503 is sent once and the error surfaces', async () => {
    demo.graph.calls.clear();
    const fault = demo.graph.faults.add({ method: 'POST', path: /temporaryAccessPassMethods$/, status: 503, times: 3 });
    try {
      const error = await directory.createTemporaryAccessPass(personas().employee, { lifetimeInMinutes: 60, isUsableOnce: true }).catch((e: unknown) => e);
      expect(isAppError(error, 'directory.unavailable')).toBe(true);
      expect(demo.graph.calls.list().filter((c) => c.method === 'POST')).toHaveLength(1);
    } finally {
      // The two 503s a retry would have met are left over: they must not meet the next test's pass.
      demo.graph.faults.remove(fault.id);
    }
  });
});

describe('installing the app, as a campaign will', () => {
  const strings = new Strings();
  it('installs for a person, and Teams (the emulators) tells the bot, which welcomes them in the new chat', async () => {
    const target = demo.seed.users.find((u) => u.accountKind === 'person' && u.teamsLicensed && !u.appInstalled && u.userType === 'Member' && u.accountEnabled);
    if (!target) throw new Error('the demo tenant has nobody without the app');
    expect(await directory.installAppForUser(target.id, demo.seed.teamsApp.catalogId)).toBe('installed');
    expect(await directory.installAppForUser(target.id, demo.seed.teamsApp.catalogId)).toBe('already-installed');
    const chatId = await directory.installedAppChatId(target.id, demo.seed.teamsApp.catalogId);
    expect(chatId).toMatch(/^19:/);
    const welcome = await demo.connector.waitFor((a) => a.conversationId === chatId, 5_000);
    // The welcome greets them by first name, in the language the directory gives for them.
    const firstName = target.givenName ?? target.displayName.split(' ')[0] ?? '';
    const locale = strings.supported(target.preferredLanguage);
    expect(JSON.stringify(welcome)).toContain(strings.text(locale, 'cards.welcome.hiIMPasskey', { firstName }));
    // The chat Teams announced is the one stored for the person.
    const stored = await bot.service.store.get<{ reference: { conversation?: { id?: string } } }>('personal-chats', target.id);
    expect(stored?.value.reference.conversation?.id).toBe(chatId);
  });
});

// Graph reads that get no answer at all (a connection reset, an attempt past its time limit) are asked again, as
// GRAPH_TIMEOUT_SECONDS promises; a create that gets no answer is sent once and the caller hears of it. Real Graph SDK
// and @azure/identity against the Graph emulator, which resets connections and holds answers on demand.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphDirectory } from '../../src/directory/directory.js';
import { createGraphClient } from '../../src/directory/graph-client.js';
import type { DemoEnvironment } from '../../src/dev/demo-environment.js';
import { isAppError } from '../../src/errors/app-error.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { type RunningBot, startBot } from '../support/bot-harness.js';

let bot: RunningBot;
let demo: DemoEnvironment;
let directory: GraphDirectory;
const logs = new MemorySink();

beforeAll(async () => {
  bot = await startBot({}, { emulators: true });
  if (!bot.environment) throw new Error('demo mode started without its emulators');
  demo = bot.environment;
  // Short back-off, and a short time limit per attempt, so a held answer counts as lost in a fraction of a second.
  directory = new GraphDirectory(
    createGraphClient({
      baseUrl: demo.graph.graphUrl,
      credential: demo.credential,
      caCertificate: demo.graph.caCertificate,
      logger: createLogger({ sink: logs, level: 'debug' }),
      retry: { baseDelayMs: 5, maxDelayMs: 20, attemptTimeoutMs: 400 },
    }),
  );
}, 60_000);

afterAll(async () => {
  await bot?.stop();
});

const manager = () => demo.seed.personas?.manager ?? '';
const employee = () => demo.seed.personas?.employee ?? '';

describe('Graph answers that never come', () => {
  it('reads through two connection resets', async () => {
    demo.graph.calls.clear();
    demo.graph.faults.add({ method: 'GET', path: /\/users\/[^/]+$/, reset: true, times: 2 });
    expect((await directory.getUser(manager()))?.displayName).toBeTruthy();
    expect(demo.graph.calls.list().filter((call) => call.method === 'GET').map((call) => call.status)).toEqual([0, 0, 200]);
  });

  it('reads through two attempts that outlast their time limit', async () => {
    demo.graph.calls.clear();
    demo.graph.faults.add({ method: 'GET', path: /\/groups\/[^/]+\/transitiveMembers/, delayMs: 5_000, times: 2 });
    const group = demo.seed.groups.find((candidate) => candidate.role === 'tap-approvers');
    expect((await directory.groupMemberIds(group?.id ?? '')).sort()).toEqual([...(group?.members ?? [])].sort());
    expect(logs.text()).toContain('graph call got no answer, retrying');
  });

  it('sends a create that got no answer once, and tells the caller', async () => {
    demo.graph.calls.clear();
    demo.graph.faults.add({ method: 'POST', path: /temporaryAccessPassMethods$/, reset: true, times: 3 });
    const error = await directory.createTemporaryAccessPass(employee(), { lifetimeInMinutes: 60, isUsableOnce: true }).catch((e: unknown) => e);
    expect(isAppError(error, 'directory.unavailable')).toBe(true);
    expect(demo.graph.calls.list().filter((call) => call.method === 'POST')).toHaveLength(1);
  });
});

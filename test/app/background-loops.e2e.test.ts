// The service's background work meets a failing store, one loop at a time: the escalation tick and pass expiry in a
// scheduled run, the retention purge at start, a status check after a turn (the sender and the scheduler have tests of
// their own). Each failure is logged, none reaches the process (no unhandled rejection), the other work goes on, and
// the service keeps answering.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OBJECTION_EVENTS_PARTITION } from '../../src/objections/objection-log.js';
import { activityFixture, type DemoBot, startDemoBot } from '../support/bot-harness.js';
import { FaultyStore } from '../support/faulty-store.js';
import { teamsChat } from '../support/teams-chat.js';
import { until } from '../support/waiting.js';

let bot: DemoBot | undefined;
let store: FaultyStore;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

async function start(failing?: (operation: string, partition: string | undefined) => boolean): Promise<DemoBot> {
  bot = await startDemoBot({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false' }, {
    inMemory: true,
    wrapStore: (inner) => {
      store = new FaultyStore(inner);
      if (failing) store.fail(failing);
      return store;
    },
  });
  return bot;
}

beforeEach(() => {
  unhandled.length = 0;
  process.on('unhandledRejection', onUnhandled);
});
afterEach(async () => {
  process.off('unhandledRejection', onUnhandled);
  await bot?.stop();
  bot = undefined;
});

describe('background work on a failing store', () => {
  it('a scheduled run whose escalation tick and pass expiry fail still does the campaign\'s work, and logs each failure', async () => {
    const running = await start();
    const started = await running.service.features.campaigns.start({ name: 'Partly', deadline: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10), waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    await running.service.features.scheduler.stop();
    // What the two jobs read: refusals and escalations (and their open markers), pass requests (and their open slots).
    store.fail((_operation, partition) => ['refusals', 'escalations', 'escalations-open', 'tap-requests', 'tap-open'].includes(partition ?? ''));

    expect(await running.service.features.scheduler.runOnce()).toBe('ran');
    expect((await running.service.features.campaigns.records.get(started.started.id))?.value.state).toBe('running');
    const failures = running.logs.entries().filter((entry) => entry.msg === 'scheduled work failed; the next run tries again');
    expect(failures).toHaveLength(2);
    expect(JSON.stringify(failures)).toContain('database or disk is full');

    store.heal();
    expect(await running.service.features.scheduler.runOnce()).toBe('ran');
    expect(running.logs.entries().filter((entry) => entry.msg === 'scheduled work failed; the next run tries again')).toHaveLength(2);
    expect(unhandled).toEqual([]);
  });

  it('the retention purge failing at start is logged and tried again; the service answers meanwhile', async () => {
    const running = await start((_operation, partition) => partition === OBJECTION_EVENTS_PARTITION);
    await until(() => running.logs.text().includes('"task":"retention"'));
    expect(running.logs.entries().find((entry) => entry.task === 'retention')?.msg).toBe('background work failed');
    const help = await running.post(activityFixture('message-personal', { text: 'help', deliveryMode: 'expectReplies' }));
    expect(help.status).toBe(200);
    expect(unhandled).toEqual([]);
  });

  it('a status check whose enrolment cannot be written tells the person it could not check, and logs why', async () => {
    const running = await start((_operation, partition) => partition === 'enrolments');
    const chat = teamsChat(() => running, () => running.demo);
    const who = chat.person(running.demo.seed.personas?.employee ?? '');
    running.demo.graph.state.enrolMethod(who.id, { kind: 'passKeyDeviceBoundAuthenticator', displayName: 'iPhone 15', aaGuid: '90a3ccdf-635c-4729-a248-9b709135078f', attestationLevel: 'attested' });

    const checking = await chat.say(who, 'status');
    expect(checking.texts.join(' ')).toMatch(/checking/i);
    const answer = await running.demo.connector.waitFor((a) => a.conversationId === who.conversationId && JSON.stringify(a.activity).includes("I can't check right now"), 15_000);
    expect(JSON.stringify(answer.activity)).not.toContain("You're all set");
    expect(store.failures.get('get')).toBeGreaterThan(0);
    const failure = running.logs.entries().find((entry) => entry.msg === 'status check failed');
    expect(JSON.stringify(failure)).toContain('database or disk is full');

    // The store back, the same check records the passkey.
    store.heal();
    await chat.say(who, 'status');
    await running.demo.connector.waitFor((a) => a.conversationId === who.conversationId && JSON.stringify(a.activity).includes("You're all set"), 15_000);
    expect((await running.service.store.get<{ kinds: string[] }>('enrolments', who.id))?.value.kinds).toEqual(['authenticator-passkey']);
    expect(unhandled).toEqual([]);
  });
});

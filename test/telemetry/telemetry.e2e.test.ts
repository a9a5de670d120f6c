// What an operator sees of a running coach: each metric moves when its condition happens (a turn, a send, a retry, a
// give-up, a paused tenant, an open breaker, a throttled Graph call, a pass request about to lapse, an open
// escalation, a failing store answering 5xx), read through an in-memory exporter from the real service in demo mode;
// and nothing any exporter receives names a person or carries a secret.

import { SpanKind } from '@opentelemetry/api';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMO_AUDIT_KEY } from '../../src/config/load-config.js';
import type { Escalation } from '../../src/escalation/escalation-records.js';
import type { TapRequest } from '../../src/helpdesk/tap-records.js';
import { METRIC, SPAN, word } from '../../src/telemetry/telemetry.js';
import { isNudge } from '../support/campaign-nudges.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { FaultyStore } from '../support/faulty-store.js';
import { captureTelemetry } from '../support/telemetry-capture.js';
import { outboxDrained, until } from '../support/waiting.js';

// Registered before the service is built, as the bootstrap registers Azure Monitor's before the bundle loads.
const telemetry = captureTelemetry();
let faulty: FaultyStore | undefined;
const { bot, demo, chat } = demoBotSuite(
  { CAMPAIGN_RESPECT_WORKING_HOURS: 'false', OUTREACH_CONCURRENCY: '4' },
  {
    inMemory: true,
    wrapStore: (store) => {
      faulty = new FaultyStore(store);
      return faulty;
    },
  },
);
afterAll(() => telemetry.stop());

const features = () => bot().service.features;
const value = async (name: string, attributes?: Record<string, string>) => (await telemetry.value(name, attributes)) ?? 0;
const inMinutes = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const strong = new Set(['passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'passKeyDeviceBoundWindowsHello', 'passKeySynced', 'fido2SecurityKey', 'windowsHelloForBusiness']);

/** People of the demo tenant a campaign reaches: installed, licensed, enabled members without a passkey. */
function campaignTargets() {
  const excluded = new Set(demo().seed.groups.filter((group) => group.role === 'excluded').flatMap((group) => group.members));
  return demo().seed.users.filter(
    (user) => user.appInstalled && user.teamsLicensed && user.accountEnabled && user.accountKind === 'person' && user.userType === 'Member' && !excluded.has(user.id) && !user.methods.some((method) => strong.has(method.kind)),
  );
}

/** Anyone of the demo tenant with the app, for what does not need a campaign. */
const person = (index: number) => {
  const people = demo().seed.users.filter((user) => user.accountKind === 'person' && user.appInstalled && user.accountEnabled);
  const found = people[index % people.length];
  if (!found) throw new Error('the demo tenant has nobody with the app');
  return found;
};

describe('telemetry of a running coach', () => {
  it('counts, times and traces a turn, and counts its replies', async () => {
    const someone = chat.person(person(0).id);
    const [turns, timed, replies] = [await value(METRIC.turns, { kind: 'message', outcome: 'ok' }), await value(METRIC.turnDuration, { kind: 'message' }), await value(METRIC.replies)];
    const reply = await chat.say(someone, 'help');
    expect(reply.cards.length + reply.texts.length).toBeGreaterThan(0);
    expect(await value(METRIC.turns, { kind: 'message', outcome: 'ok' })).toBe(turns + 1);
    expect(await value(METRIC.turnDuration, { kind: 'message' })).toBe(timed + 1);
    expect(await value(METRIC.replies)).toBeGreaterThanOrEqual(replies + 1);
    const span = telemetry.spans().findLast((candidate) => candidate.name === SPAN.turn);
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.attributes).toMatchObject({ 'coach.activity.type': 'message', 'coach.conversation.type': 'personal', 'coach.turn.outcome': 'ok' });
    expect(await value(METRIC.httpResponses, { route: 'messages', status_class: '2xx' })).toBeGreaterThan(0);
  });

  it('counts sends, retries by reason, give-ups and expiries by reason, with a span per delivery', async () => {
    const targets = campaignTargets();
    const blocked = targets[1]!;
    demo().connector.blockUser(blocked.id);
    demo().connector.faults.add({ method: 'POST', path: '/v3/conversations', status: 429, retryAfterSeconds: 1, times: 2 });
    const before = { sent: await value(METRIC.sends, { kind: 'campaign', step: 'invite' }), throttled: await value(METRIC.retries, { reason: 'throttled' }), blocked: await value(METRIC.giveUps, { kind: 'campaign', reason: 'blocked-app' }) };
    const started = await features().campaigns.start({ name: 'Measured', deadline: inMinutes(20 * 24 * 60).slice(0, 10), waves: 1, by: { id: 'test-admin' } });
    if (!('started' in started)) throw new Error(started.refused);
    features().scheduler.kick();
    await until(async () => (await features().campaigns.records.get(started.started.id))?.value.state === 'running');
    await until(() => outboxDrained(features()), 60_000);
    const invited = demo().connector.activities({ kind: 'send' }).filter((record) => isNudge(record.activity)).length;
    expect(invited).toBeGreaterThan(0);
    expect(await value(METRIC.sends, { kind: 'campaign', step: 'invite' })).toBeGreaterThanOrEqual(before.sent + invited);
    expect(await value(METRIC.retries, { reason: 'throttled' })).toBeGreaterThanOrEqual(before.throttled + 2);
    expect(await value(METRIC.giveUps, { kind: 'campaign', reason: 'blocked-app' })).toBe(before.blocked + 1);
    const sends = telemetry.spans().filter((span) => span.name === SPAN.send);
    expect(sends.length).toBeGreaterThanOrEqual(invited);
    expect(sends.every((span) => span.kind === SpanKind.CONSUMER && span.attributes['coach.send.kind'] !== undefined)).toBe(true);

    // A reminder still queued when the campaign ends is not sent: it expires, counted with its reason.
    await features().campaigns.finish({ id: 'test-admin' });
    const expired = await value(METRIC.expiries, { kind: 'campaign', reason: 'the-campaign-had-ended' });
    await features().outbox.enqueue({ subjectId: started.started.id, userId: targets[0]!.id, step: 'reminder-1', dueAt: new Date().toISOString() });
    await until(async () => (await value(METRIC.expiries, { kind: 'campaign', reason: 'the-campaign-had-ended' })) === expired + 1, 30_000);
  });

  it('shows the outbox not draining: its depth and the age of its oldest due row, back to 0 once sent', async () => {
    await features().sender.stop();
    const admin = person(2);
    await features().outbox.enqueue({ kind: 'notice', subjectId: 'telemetry-stuck', userId: admin.id, step: 'notice', dueAt: inMinutes(-40) });
    // Queued for later (the next working hour): waiting, but not due.
    await features().outbox.enqueue({ kind: 'notice', subjectId: 'telemetry-later', userId: admin.id, step: 'notice', dueAt: inMinutes(600) });
    expect(await value(METRIC.outboxDepth)).toBe(2);
    const age = await value(METRIC.outboxOldestAge);
    expect(age).toBeGreaterThanOrEqual(40 * 60);
    expect(age).toBeLessThan(45 * 60);
    const cancelled = await value(METRIC.cancellations, { kind: 'notice' });
    features().sender.start();
    await until(async () => (await value(METRIC.outboxDepth)) === 1, 30_000);
    expect(await value(METRIC.outboxOldestAge)).toBe(0);
    // The notice it named does not exist: the row ends as not needed, counted with its reason.
    expect(await value(METRIC.cancellations, { kind: 'notice', reason: 'no-such-notice' })).toBe(cancelled + 1);
  });

  it('shows sending paused while Teams refuses the tenant, and a breaker open while Graph is down', async () => {
    const { tenant, breakers } = features().health;
    expect(await value(METRIC.sendingPaused)).toBe(0);
    for (const person of ['a', 'b', 'c']) tenant.refused(`refused-${person}`, '401', 'the bot credentials were refused');
    expect(await value(METRIC.sendingPaused)).toBe(1);
    tenant.delivered();
    expect(await value(METRIC.sendingPaused)).toBe(0);

    expect(await value(METRIC.circuitState, { endpoint: 'graph' })).toBe(0);
    for (let failure = 0; failure < 5; failure++) breakers.failed('graph');
    expect(await value(METRIC.circuitState, { endpoint: 'graph' })).toBeGreaterThanOrEqual(1);
    breakers.answered('graph');
    expect(await value(METRIC.circuitState, { endpoint: 'graph' })).toBe(0);
  });

  it('counts Graph calls and throttles by bucket, with a span per call that names the route, not the person', async () => {
    const someone = chat.person(person(3).id);
    demo().graph.faults.add({ method: 'GET', path: /\/authentication\//i, status: 429, times: 1, retryAfterSeconds: 0 });
    const [throttles, calls] = [await value(METRIC.graphThrottles, { bucket: 'reports' }), await value(METRIC.graphCalls, { bucket: 'reports', status_class: '2xx' })];
    // The answer is posted after the turn, once Graph has said: the calls are made in the background.
    await chat.say(someone, 'status');
    await until(async () => (await value(METRIC.graphCalls, { bucket: 'reports', status_class: '2xx' })) > calls, 30_000);
    expect(await value(METRIC.graphThrottles, { bucket: 'reports' })).toBe(throttles + 1);
    const span = telemetry.spans().findLast((candidate) => candidate.name === SPAN.graph && candidate.attributes['coach.graph.bucket'] === 'reports');
    expect(span?.kind).toBe(SpanKind.CLIENT);
    expect(String(span?.attributes['url.template'])).toMatch(/\{id\}/);
    expect(Number(span?.attributes['coach.graph.attempts'])).toBeGreaterThanOrEqual(1);
  });

  it('counts open pass requests by state, and those about to lapse with nobody approving', async () => {
    const records = features().temporaryAccess.records;
    const before = { waiting: await value(METRIC.passRequests, { state: 'awaiting-approval' }), expiring: await value(METRIC.passRequestsExpiring) };
    const [soon, later] = [person(4), person(5)];
    for (const [id, target, expiresAt] of [['T-TELEM1', soon, inMinutes(5)], ['T-TELEM2', later, inMinutes(50)]] as const) {
      await records.create(passRequest(id, target, expiresAt));
      expect(await records.claimTarget(target.id, id)).toBeUndefined();
    }
    expect(await value(METRIC.passRequests, { state: 'awaiting-approval' })).toBe(before.waiting + 2);
    expect(await value(METRIC.passRequestsExpiring)).toBe(before.expiring + 1);
    await records.update('T-TELEM1', (request) => ({ ...request, state: 'approved', approval: { by: { id: 'approver', name: 'Approver' }, at: new Date().toISOString() } }));
    expect(await value(METRIC.passRequestsExpiring)).toBe(before.expiring);
  });

  it('counts open escalations by where they stand', async () => {
    const records = features().escalations.records;
    const before = await value(METRIC.escalations, { state: 'up-the-chain' });
    const employee = person(6);
    const id = await records.claimId(employee.id);
    await records.create(escalation(id, employee, 1));
    expect(await value(METRIC.escalations, { state: 'up-the-chain' })).toBe(before + 1);
  });

  it('counts 5xx answers: readiness fails while the store cannot write', async () => {
    const before = await value(METRIC.httpResponses, { route: 'health', status_class: '5xx' });
    faulty?.fail((operation) => ['put', 'insert', 'update', 'delete', 'probe'].includes(operation));
    try {
      await until(async () => (await fetch(`${bot().url}/readyz`)).status === 503);
    } finally {
      faulty?.heal();
    }
    expect(await value(METRIC.httpResponses, { route: 'health', status_class: '5xx' })).toBeGreaterThan(before);
    expect(await value(METRIC.anchorAge)).toBeLessThan(3600);
  });

  it('exports no name, address, id, conversation or secret: every attribute is a word of the service’s own', async () => {
    const collected = await telemetry.collect();
    const texts: string[] = [];
    for (const [name, points] of collected) {
      texts.push(name);
      for (const point of points) texts.push(...Object.keys(point.attributes), ...Object.values(point.attributes).map(String));
    }
    for (const span of telemetry.spans()) {
      texts.push(span.name, span.status.message ?? '', ...Object.keys(span.attributes), ...Object.values(span.attributes).map(String));
      for (const event of span.events) texts.push(event.name, ...Object.values(event.attributes ?? {}).map(String));
    }
    expect(collected.size).toBeGreaterThan(10);
    expect(telemetry.spans().length).toBeGreaterThan(10);
    const haystack = texts.join('\n').toLowerCase();
    const { seed, connector } = demo();
    const personal = seed.users.flatMap((user) => [user.id, user.displayName, user.userPrincipalName, user.mail ?? '', ...user.displayName.split(' ').filter((part) => part.length > 3)]);
    const conversations = connector.activities({ kind: 'send' }).map((record) => record.conversationId ?? '');
    const secrets = [DEMO_AUDIT_KEY, ...bot().service.config.audit.keys.values(), seed.tenant.id];
    for (const needle of [...personal, ...conversations, ...secrets].filter((text) => text.length >= 4)) expect(haystack, needle).not.toContain(needle.toLowerCase());
    // Every string value went through the vocabulary check on its way out.
    for (const span of telemetry.spans()) for (const attribute of Object.values(span.attributes)) if (typeof attribute === 'string') expect(word(attribute)).toBe(attribute);
  });
});

function passRequest(id: string, target: { id: string; displayName: string; userPrincipalName: string }, expiresAt: string): TapRequest {
  return {
    id,
    requester: { id: 'agent-telemetry', name: 'Agent Telemetry' },
    target: { id: target.id, name: target.displayName, upn: target.userPrincipalName },
    receiverId: 'agent-telemetry',
    state: 'awaiting-approval',
    createdAt: new Date().toISOString(),
    expiresAt,
    policy: { minimumLifetimeInMinutes: 60, maximumLifetimeInMinutes: 480, defaultLifetimeInMinutes: 60, isUsableOnce: true },
    replacesExistingPass: false,
    copies: [],
  } as TapRequest;
}

function escalation(id: string, employee: { id: string; displayName: string }, level: number): Escalation {
  return {
    id,
    employee: { id: employee.id, name: employee.displayName },
    refusal: { reason: 'privacy', intents: [], recordedAt: new Date().toISOString() },
    state: 'open',
    decider: { kind: 'user', id: 'manager-of-manager', name: 'Second Line' },
    level,
    earlierDeciders: ['manager'],
    round: 1,
    remindersAtLevel: 0,
    nextAskAt: inMinutes(24 * 60),
    copies: [],
    createdAt: new Date().toISOString(),
  } as Escalation;
}

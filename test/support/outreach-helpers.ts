// Shared by the end-to-end tests of the features that send through the outbox (campaigns, escalations, passes):
// waiting for the sender to drain, fake-time steps, looking people up in the demo tenant, and pass requests.

import { expect, vi } from 'vitest';
import type { DemoEnvironment } from '../../src/dev/demo-environment.js';
import type { RecordedActivity } from '../../src/dev/connector-emulator/state.js';
import { activityFixture, type RunningBot } from './bot-harness.js';
import { nudgeOf } from './campaign-nudges.js';
import type { Person, TeamsChat } from './teams-chat.js';
import { type Params, Strings } from '../../src/shared/strings.js';

/**
 * Waits (in real time) until the sender has nothing due and nothing in flight. With `fakeClock` the clock stands
 * still (vi fake Date): a row Teams throttled (the emulator's per-chat limits count in that clock too) waits for its
 * retry, so the clock is moved on to it, as the seconds would pass in a real chat.
 */
export async function settle(bot: () => RunningBot, options: { fakeClock?: boolean } = {}): Promise<void> {
  const outreach = () => bot().service.features;
  // A paused campaign's rows stay where they are: waiting for them would wait forever.
  const paused = (await outreach().campaigns.records.active())?.value.state === 'paused';
  const started = performance.now();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    outreach().sender.wake();
    let due = 0;
    let retryAt: string | undefined;
    const now = new Date().toISOString();
    for await (const page of outreach().outbox.due(new Date())) {
      for (const { value } of page) {
        if (!value.notBefore || value.notBefore <= now) due += 1;
        else if (!retryAt || value.notBefore < retryAt) retryAt = value.notBefore;
      }
    }
    const idle = outreach().sender.stats().inFlight === 0 && (due === 0 || paused);
    if (performance.now() - started > 15_000) throw new Error(`the outbox did not drain: ${due} due, ${outreach().sender.stats().inFlight} in flight`);
    if (options.fakeClock && !paused && idle && retryAt && Date.parse(retryAt) - Date.parse(now) <= 60_000) {
      vi.setSystemTime(new Date(retryAt));
      continue;
    }
    if (idle && performance.now() - started > (paused ? 500 : 100)) return;
  }
}

/** Fake time: moves the clock, lets the scheduler run once (unless `schedule` is false) and the sender drain. */
export async function at(bot: () => RunningBot, iso: string, options: { schedule?: boolean } = {}): Promise<void> {
  vi.setSystemTime(new Date(iso));
  const demo = bot().environment;
  // The standing clock never frees Graph's throttles by itself.
  demo?.graph.state.resetThrottles();
  if (options.schedule ?? true) await bot().service.features.scheduler.runOnce();
  bot().service.features.sender.wake();
  await settle(bot, { fakeClock: true });
}

export interface DemoPeople {
  user(name: string): DemoEnvironment['seed']['users'][number];
  /** Member ids of the demo tenant's group with that role. */
  members(role: string): string[];
  /** Messages the bot sent to the person whose JSON matches. */
  received(userId: string, pattern: RegExp): RecordedActivity[];
  /** Campaign invitations the bot sent to the person, in whatever language. */
  invitations(userId: string): RecordedActivity[];
  /**
   * A sentence as the coach writes it to this person (in the language the directory gives them, else English), as a
   * pattern for `received`; `then` follows it anywhere later in the message.
   */
  saying(userId: string, key: string, params?: Params, then?: string): RegExp;
  /** The sentence itself, in that person's language. */
  said(userId: string, key: string, params?: Params): string;
}

const strings = new Strings();
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function demoPeople(demo: () => DemoEnvironment): DemoPeople {
  return {
    user(name) {
      const found = demo().seed.users.find((candidate) => candidate.displayName === name);
      if (!found) throw new Error(`no ${name} in the demo tenant`);
      return found;
    },
    members: (role) => demo().seed.groups.find((group) => group.role === role)?.members ?? [],
    received: (userId, pattern) => demo().connector.activities({ userId, kind: 'send' }).filter((record) => pattern.test(JSON.stringify(record.activity))),
    invitations: (userId) => demo().connector.activities({ userId, kind: 'send' }).filter((record) => nudgeOf(record.activity)?.step === 'invite'),
    said: (userId, key, params = {}) => strings.text(strings.supported(demo().seed.users.find((candidate) => candidate.id === userId)?.preferredLanguage), key, params),
    saying(userId, key, params = {}, then) {
      const said = escapeRegExp(JSON.stringify(this.said(userId, key, params)).slice(1, -1));
      return new RegExp(then === undefined ? said : `${said}[\\s\\S]*${escapeRegExp(then)}`);
    },
  };
}

/** `tap request <upn>` as the agent: the request id from the form (undefined when refused), and the whole reply. */
export async function requestPass(chat: TeamsChat, people: DemoPeople, agent: Person, targetName: string): Promise<{ id?: string; reply: string }> {
  const reply = await chat.say(agent, `tap request ${people.user(targetName).userPrincipalName}`);
  const id = (reply.cards[0]?.actions as { data?: { requestId?: string } }[] | undefined)?.[0]?.data?.requestId;
  return { id, reply: JSON.stringify(reply) };
}

/** The "Reveal" click: Teams' task/fetch invoke for the dialog; returns the invoke response's body. */
export async function revealPass(bot: () => RunningBot, chat: TeamsChat, who: Person, requestId: string): Promise<{ task: { type: string; value: unknown } }> {
  const invoke = activityFixture('invoke-adaptive-card-action', chat.activityFrom(who, {}));
  const result = await bot().post({ ...invoke, name: 'task/fetch', value: { data: { verb: 'tap.reveal', requestId }, context: { theme: 'default' } } });
  expect(result.status, result.text).toBe(200);
  return result.body as { task: { type: string; value: unknown } };
}

/** The pass as the dialog shows it (a text run of its card), if the dialog shows one. */
export function passShown(dialog: { task: { type: string; value: unknown } }): string | undefined {
  const card = (dialog.task.value as { card?: { content?: { body?: { inlines?: { text?: string }[] }[] } } }).card?.content;
  return card?.body?.find((element) => element.inlines)?.inlines?.[0]?.text;
}

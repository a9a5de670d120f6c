// One suite's demo-mode bot with its emulators, started before the suite's tests and stopped after them, and the
// ways the tests talk to it (a chat as Teams would, the demo tenant's people). With `startAt`, the suite runs on a
// fake clock (Date only) that starts there before the bot does, and real time comes back after it stops.

import { afterAll, beforeAll, vi } from 'vitest';
import type { DemoEnvironment } from '../../src/dev/demo-environment.js';
import { type DemoBot, startDemoBot } from './bot-harness.js';
import { type DemoPeople, demoPeople } from './outreach-helpers.js';
import { type TeamsChat, teamsChat } from './teams-chat.js';

export interface DemoSuite {
  bot(): DemoBot;
  demo(): DemoEnvironment;
  chat: TeamsChat;
  people: DemoPeople;
}

export interface DemoSuiteOptions extends NonNullable<Parameters<typeof startDemoBot>[1]> {
  /** ISO instant the fake clock starts at. */
  startAt?: string;
}

export function demoBotSuite(env: Record<string, string> = {}, options: DemoSuiteOptions = {}): DemoSuite {
  const { startAt, ...start } = options;
  let running: DemoBot | undefined;
  beforeAll(async () => {
    if (startAt) {
      vi.useFakeTimers({ toFake: ['Date'] });
      vi.setSystemTime(new Date(startAt));
    }
    running = await startDemoBot(env, start);
  }, 60_000);
  afterAll(async () => {
    await running?.stop();
    if (startAt) vi.useRealTimers();
  });
  const bot = () => {
    if (!running) throw new Error('the demo bot is not running (used outside a test?)');
    return running;
  };
  const demo = () => bot().demo;
  return { bot, demo, chat: teamsChat(bot, demo), people: demoPeople(demo) };
}

// One suite's demo-mode bot with its emulators, started before the suite's tests and stopped after them, and the
// ways the tests talk to it (a chat as Teams would, the demo tenant's people).

import { afterAll, beforeAll } from 'vitest';
import type { DemoEnvironment } from '../../src/dev/demo-environment.js';
import { type RunningBot, startDemoBot } from './bot-harness.js';
import { type DemoPeople, demoPeople } from './outreach-helpers.js';
import { type TeamsChat, teamsChat } from './teams-chat.js';

export interface DemoSuite {
  bot(): RunningBot;
  demo(): DemoEnvironment;
  chat: TeamsChat;
  people: DemoPeople;
}

export function demoBotSuite(env: Record<string, string> = {}): DemoSuite {
  let running: (RunningBot & { demo: DemoEnvironment }) | undefined;
  beforeAll(async () => {
    running = await startDemoBot(env);
  }, 60_000);
  afterAll(async () => {
    await running?.stop();
  });
  const bot = () => {
    if (!running) throw new Error('the demo bot is not running (used outside a test?)');
    return running;
  };
  const demo = () => bot().demo;
  return { bot, demo, chat: teamsChat(bot, demo), people: demoPeople(demo) };
}

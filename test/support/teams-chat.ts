// Talking to the bot as people of the demo tenant, the way Teams does: a message or a card click from someone who has
// the app installed, in their personal chat, through the real HTTP endpoint.

import { expect } from 'vitest';
import type { DemoEnvironment } from '../../src/dev/demo-environment.js';
import { activityFixture, cardsIn, type RunningBot } from './bot-harness.js';

export interface Person {
  id: string;
  name: string;
  conversationId: string;
}

export interface TeamsChat {
  /** A demo-tenant user with the app installed and a personal chat with the bot. */
  person(id: string): Person;
  /** The activity JSON Teams would send from that person (fields in `overrides` win). */
  activityFrom(who: Person, overrides: Record<string, unknown>): Record<string, unknown>;
  /** A message; the replies come back in the HTTP response (`expectReplies`). `overrides` win (e.g. `locale`). */
  say(who: Person, text: string, overrides?: Record<string, unknown>): Promise<{ cards: Record<string, unknown>[]; texts: string[] }>;
  /** An Action.Execute click; returns the invoke response's body. */
  click(who: Person, verb: string, data?: Record<string, unknown>, overrides?: Record<string, unknown>): Promise<{ type: string; value: unknown }>;
}

export function teamsChat(bot: () => RunningBot, demo: () => DemoEnvironment): TeamsChat {
  const chat: TeamsChat = {
    person(id) {
      const user = demo().seed.users.find((u) => u.id === id);
      if (!user) throw new Error(`no user ${id}`);
      // Someone chatting with the bot has it installed: Teams refuses messages into a chat otherwise.
      demo().connector.installApp(id);
      const conversation = demo().connector.addConversation({ userId: id });
      return { id, name: user.displayName, conversationId: conversation.id };
    },
    activityFrom(who, overrides) {
      const { connector, seed } = demo();
      return {
        serviceUrl: connector.serviceUrl,
        from: { id: `29:${who.id}`, aadObjectId: who.id, name: who.name },
        conversation: { id: who.conversationId, conversationType: 'personal', tenantId: seed.tenant.id },
        channelData: { tenant: { id: seed.tenant.id } },
        ...overrides,
      };
    },
    async say(who, text, overrides = {}) {
      const result = await bot().post(activityFixture('message-personal', chat.activityFrom(who, { text, deliveryMode: 'expectReplies', ...overrides })));
      expect(result.status, result.text).toBe(200);
      const activities = (result.body as { activities: { text?: string }[] }).activities;
      return { cards: cardsIn(activities), texts: activities.map((a) => a.text ?? '').filter(Boolean) };
    },
    async click(who, verb, data = {}, overrides = {}) {
      const invoke = activityFixture('invoke-adaptive-card-action', chat.activityFrom(who, overrides));
      const result = await bot().post({ ...invoke, value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' } });
      expect(result.status, result.text).toBe(200);
      return result.body as { type: string; value: unknown };
    },
  };
  return chat;
}

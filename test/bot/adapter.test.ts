// The Teams adapter reuses a turn's Bot Connector client per service URL instead of building one (with its whole
// HTTP pipeline) for every turn, and keeps the user-token client the same way.

import { describe, expect, it } from 'vitest';
import type { Activity, TurnContext } from 'botbuilder';
import { ConnectorClient, UserTokenClient } from 'botframework-connector';
import { createTeamsAdapter } from '../../src/messaging/teams-adapter.js';
import { loadConfig } from '../../src/config/load-config.js';
import { activityFixture } from '../support/bot-harness.js';

function message(serviceUrl: string): Activity {
  return activityFixture('message-personal', { serviceUrl, text: 'hello' }) as unknown as Activity;
}

describe('CoachAdapter turn clients', () => {
  it('hands every turn from one service URL the same connector client, and another URL its own', async () => {
    const adapter = createTeamsAdapter(loadConfig({ PORT: '0', DATA_DIR: '/nonexistent-unused' }));
    const seen: { connector: unknown; userToken: unknown }[] = [];
    const logic = async (context: TurnContext) => {
      seen.push({ connector: context.turnState.get(context.adapter.ConnectorClientKey), userToken: context.turnState.get((context.adapter as unknown as { UserTokenClientKey: symbol }).UserTokenClientKey) });
    };
    // Demo mode: no app id, so the empty Authorization header is accepted (inbound auth is off).
    await adapter.handleActivity('', message('http://127.0.0.1:1/a/'), logic);
    await adapter.handleActivity('', message('http://127.0.0.1:1/a/'), logic);
    await adapter.handleActivity('', message('http://127.0.0.1:1/b/'), logic);
    expect(seen).toHaveLength(3);
    // Real clients on every turn: equal undefineds would pass the identity checks below.
    for (const turn of seen) {
      expect(turn.connector).toBeInstanceOf(ConnectorClient);
      expect(turn.userToken).toBeInstanceOf(UserTokenClient);
    }
    expect(seen[1]?.connector).toBe(seen[0]?.connector);
    expect(seen[2]?.connector).not.toBe(seen[0]?.connector);
    expect(seen[1]?.userToken).toBe(seen[0]?.userToken);
  });
});

// The status check against the person's enrolment tier, through the demo bot (real HTTP, Teams activity JSON, the
// Graph and Bot Connector emulators): an admin with only a synced passkey is told what is missing and why.

import { describe, expect, it } from 'vitest';
import { demoBotSuite } from '../support/demo-suite.js';
import type { Person } from '../support/teams-chat.js';

const ANY_PASSKEY = ['authenticator-passkey', 'windows-hello', 'security-key', 'device-passkey', 'synced-passkey'];
const TIERS = [
  { id: 'privileged', adminRoles: true, rule: { anyOf: ['authenticator-passkey', 'windows-hello', 'security-key'], deviceBound: true, minimumMethods: 2 } },
  { id: 'everyone', rule: { anyOf: ANY_PASSKEY } },
];

const { bot, demo, chat } = demoBotSuite({ ENROLMENT_TIERS: JSON.stringify(TIERS) }, { inMemory: true });
const { person, say } = chat;

const named = (name: string) => person(demo().seed.users.find((user) => user.displayName === name)?.id ?? '');

async function statusCard(who: Person, containing: RegExp, overrides?: Record<string, unknown>): Promise<string> {
  await say(who, 'status', overrides);
  const sent = await demo().connector.waitFor((a) => a.conversationId === who.conversationId && containing.test(JSON.stringify(a.activity)), 15_000);
  return JSON.stringify(sent.activity);
}

describe('the status check in a stricter tier', () => {
  it('tells an admin whose only passkey is synced that it does not meet their tier, what is missing and why, and records no enrolment', async () => {
    // Stefan Novak may take up User Administrator (PIM) and has a synced passkey in Google Password Manager.
    const stefan = named('Stefan Novak');
    const card = await statusCard(stefan, /your role needs more/);
    expect(card).toContain('a synced passkey');
    expect(card).toContain('admin role');
    expect(card).toContain('A device-bound passkey');
    expect(card).toContain('A second phishing-resistant method');
    expect(card).not.toContain("You're all set");
    expect(await bot().service.store.get('enrolments', stefan.id)).toBeUndefined();
  });

  it('counts an admin with an Authenticator passkey and security keys as enrolled', async () => {
    const katarzyna = named('Katarzyna Zielińska');
    expect(await statusCard(katarzyna, /You're all set/)).toContain('a security key');
    expect((await bot().service.store.get<{ kinds: string[] }>('enrolments', katarzyna.id))?.value.kinds).toEqual(expect.arrayContaining(['authenticator-passkey', 'security-key']));
  });

  it('keeps any passkey enough for someone with no admin role', async () => {
    expect(await statusCard(named('Daniel Okafor'), /You're all set/)).toContain('a synced passkey');
  });

  it('says it in the person\'s language', async () => {
    // Stefan again, writing from a Teams client set to German: the tier's words come from strings/de.
    const card = await statusCard(named('Stefan Novak'), /Ihre Rolle braucht aber mehr/, { locale: 'de-DE' });
    expect(card).toContain('gerätegebundenen Passkey');
  });
});

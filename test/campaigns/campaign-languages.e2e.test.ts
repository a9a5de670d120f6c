// A campaign speaks each person's language, end to end through /api/messages: the invitation goes out in the language
// the directory gives for the employee (German, French), or in English to someone who asked for English; the admin's
// replies and report are in the language of the admin's own turn, whoever the campaign writes to. The directory is
// read once per person for it (while targeting), not again to write the invitation.

import { describe, expect, it } from 'vitest';
import type { SeedUser } from '../../src/dev/tenant-seed.js';
import { formatDeadline } from '../../src/shared/formatting.js';
import { nudgeOf } from '../support/campaign-nudges.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { expectedTargets } from '../support/seed-targets.js';
import { until } from '../support/waiting.js';

const { bot, demo, chat } = demoBotSuite({ ORGANISATION_NAME: 'Northwind Pharma', CAMPAIGN_RESPECT_WORKING_HOURS: 'false' }, { inMemory: true });

const DEADLINE = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);

/** People the campaign targets (worked out from the seed, not with the product's code) whose directory language is `language`. */
function targetsSpeaking(language: string): SeedUser[] {
  return expectedTargets(demo().seed).filter((user) => user.id !== demo().seed.personas?.admin && (user.preferredLanguage ?? '').toLowerCase().startsWith(language));
}

const invitationTo = (userId: string) => demo().connector.activities({ userId, kind: 'send' }).find((record) => nudgeOf(record.activity)?.step === 'invite')?.activity;

describe('a campaign in each person’s language', () => {
  it('invites a German and a French speaker in their languages, someone who asked for English in English, and answers the admin in theirs', async () => {
    const [german, askedForEnglish] = targetsSpeaking('de');
    const [french] = targetsSpeaking('fr');
    if (!german || !askedForEnglish || !french) throw new Error('the demo tenant has too few German or French speakers to target');
    const admin = chat.person(demo().seed.personas?.admin ?? '');

    // Before the campaign: one German speaker asks the coach to keep to English.
    await chat.say(chat.person(askedForEnglish.id), 'English please', { locale: 'de-DE' });

    const started = await chat.say(admin, `campaign start Sprachen deadline ${DEADLINE} waves 1`, { locale: 'en-US' });
    expect(started.texts.join(' ')).toMatch(/^Started "Sprachen"/);
    await until(() => [german, askedForEnglish, french].every((user) => invitationTo(user.id) !== undefined));

    const inGerman = invitationTo(german.id);
    expect(nudgeOf(inGerman)).toEqual({ step: 'invite', locale: 'de', variant: 'standard' });
    expect(JSON.stringify(inGerman)).toContain('Northwind Pharma stellt die Anmeldung für alle auf Passkeys um');
    expect(JSON.stringify(inGerman)).toContain(`"title":"Frist","value":"${formatDeadline(DEADLINE, 'de')}"`);
    expect(JSON.stringify(inGerman)).toContain('Später: in 3 Tagen erinnern');

    // The language came from what targeting read of them: the invitation did not ask the directory again.
    const mailboxReads = (userId: string) => demo().graph.calls.list().filter((entry) => entry.path.includes(`/users/${userId}/mailboxSettings`)).length;
    expect(mailboxReads(german.id)).toBe(1);
    expect(mailboxReads(french.id)).toBe(1);

    const inFrench = invitationTo(french.id);
    expect(nudgeOf(inFrench)).toEqual({ step: 'invite', locale: 'fr', variant: 'standard' });
    expect(JSON.stringify(inFrench)).toContain(formatDeadline(DEADLINE, 'fr'));

    const inEnglish = invitationTo(askedForEnglish.id);
    expect(nudgeOf(inEnglish)).toEqual({ step: 'invite', locale: 'en', variant: 'standard' });
    expect(JSON.stringify(inEnglish)).toContain('Everyone at Northwind Pharma is moving to passkeys');

    // The German speaker's "Not now" is answered in German; the campaign's records are the same in every language.
    const campaignId = (await bot().service.features.campaigns.records.active())?.value.id ?? '';
    const snoozed = await chat.click(chat.person(german.id), 'campaign.snooze', { campaignId }, { locale: 'de-DE' });
    expect(JSON.stringify(snoozed)).toContain('Kein Problem. Ich erinnere Sie in 3 Tagen wieder');
    expect((await bot().service.features.campaigns.records.member(campaignId, german.id))?.value.snoozes).toBe(1);

    // The admin's report is in the admin's language of the turn: English here…
    const english = JSON.stringify((await chat.say(admin, 'campaign status', { locale: 'en-US' })).cards[0]);
    expect(english).toContain('"title":"Targeted"');
    expect(english).toContain('Campaign: Sprachen');
    // …and German when the admin's Teams is in German.
    const deutsch = JSON.stringify((await chat.say(admin, 'campaign status', { locale: 'de-DE' })).cards[0]);
    expect(deutsch).toContain('"title":"Zielgruppe"');
    expect(deutsch).toContain('Kampagne: Sprachen');
    expect((await chat.say(admin, 'campaign pause', { locale: 'de-DE' })).texts.join(' ')).toMatch(/^„Sprachen“ ist pausiert/);
  });
});

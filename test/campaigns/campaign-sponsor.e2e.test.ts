// A sponsor's word on the invitation, end to end through /api/messages: the start form takes a leader's name and a short
// message (too long, or without a name, is refused and nothing starts); every invitation opens with it, in the leader's
// own words as written (in a TextRun, never markdown) framed in the reader's language, in each of the coach's five
// languages; reminders go without it; the audit says a sponsor's message was set without sealing the leader's words
// forever; a campaign started without one has none.

import { describe, expect, it } from 'vitest';
import { AUDIT_ENTRIES } from '../../src/audit/audit-entry.js';
import type { SeedUser } from '../../src/dev/tenant-seed.js';
import { firstName } from '../../src/shared/formatting.js';
import { Strings } from '../../src/shared/strings.js';
import { nudgeOf } from '../support/campaign-nudges.js';
import { demoBotSuite } from '../support/demo-suite.js';
import { expectedTargets } from '../support/seed-targets.js';
import { outboxDrained, until } from '../support/waiting.js';

const { bot, demo, chat } = demoBotSuite({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false' }, { inMemory: true });

const strings = new Strings();
const DEADLINE = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
const SPONSOR = 'Helena Brandt, CEO';
// Written with what markdown would act on: shown as written, it proves the words went into a TextRun untouched.
const MESSAGE = 'Passkeys keep *all* of us safe from phishing. I set mine up in two minutes: please do the same before the deadline. [Thank you](https://example.com)';

const admin = () => chat.person(demo().seed.personas?.admin ?? '');
const features = () => bot().service.features;

/** People the campaign targets whose directory language is `language`, the admin left out. */
function targetsSpeaking(language: string): SeedUser[] {
  return expectedTargets(demo().seed).filter((user) => user.id !== demo().seed.personas?.admin && (user.preferredLanguage ?? '').toLowerCase().startsWith(language));
}

type Run = { type: string; text: string; weight?: string; italic?: boolean };
type Element = { type: string; text?: string; inlines?: Run[]; items?: Element[] };
type Body = Element[];
/** The invitations and other campaign messages the person got, newest last, as card bodies. */
function cardsTo(userId: string, step: 'invite' | 'reminder'): { locale: string; body: Body }[] {
  return demo()
    .connector.activities({ userId, kind: 'send' })
    .flatMap((record) => {
      const nudge = nudgeOf(record.activity);
      const content = (record.activity as { attachments?: { content?: { body?: Body } }[] }).attachments?.[0]?.content;
      return nudge?.step === step && content?.body ? [{ locale: nudge.locale, body: content.body }] : [];
    });
}

/** The sponsor's lines at the top of a card body, as text runs: [framing, message], or undefined when it opens otherwise. */
function sponsorLines(body: Body): { framing: string; nameRun?: Run; message: Run } | undefined {
  const top = body[0];
  if (top?.type !== 'Container') return undefined;
  const [framing, message] = top.items ?? [];
  if (framing?.type !== 'RichTextBlock' || message?.type !== 'RichTextBlock') return undefined;
  const runs = framing.inlines ?? [];
  return { framing: runs.map((run) => run.text).join(''), nameRun: runs.find((run) => run.text === SPONSOR), message: message.inlines?.[0] ?? { type: 'none', text: '' } };
}

const startClick = (data: Record<string, unknown>) => chat.click(admin(), 'campaign.start', { name: 'With a word', deadline: DEADLINE, waves: 1, ...data }, { locale: 'en-US' });

describe('a sponsor’s message on the invitation', () => {
  it('is asked for in the start form, and refused when too long or without a name, starting nothing', async () => {
    const form = JSON.stringify((await chat.say(admin(), 'campaign start')).cards[0]);
    expect(form).toMatch(/"type":"Input.Text","id":"sponsorName",[^}]*"maxLength":80/);
    expect(form).toMatch(/"type":"Input.Text","id":"sponsorMessage",[^}]*"isMultiline":true,[^}]*"maxLength":300/);

    const tooLong = await startClick({ sponsorName: SPONSOR, sponsorMessage: 'x'.repeat(301) });
    expect(String(tooLong.value)).toBe(strings.text('en', 'campaigns.command.sponsorTooLong', { max: 300, count: 301 }));
    const noName = await startClick({ sponsorName: '  ', sponsorMessage: MESSAGE });
    expect(String(noName.value)).toBe(strings.text('en', 'campaigns.command.sponsorNeedsName'));
    const noMessage = await startClick({ sponsorName: SPONSOR, sponsorMessage: '' });
    expect(String(noMessage.value)).toBe(strings.text('en', 'campaigns.command.sponsorNeedsMessage'));
    expect(await features().campaigns.records.active()).toBeUndefined();
  });

  it('opens every invitation in each of the five languages, in the leader’s own words, and no reminder', async () => {
    const [german] = targetsSpeaking('de');
    const [french] = targetsSpeaking('fr');
    const [spanish] = targetsSpeaking('es');
    const [english, asksForDutch] = targetsSpeaking('en');
    if (!german || !french || !spanish || !english || !asksForDutch) throw new Error('the demo tenant has too few targets in some language');
    // Nobody in the demo tenant who still needs a passkey reads Dutch in Entra: one English speaker asks for it.
    await chat.say(chat.person(asksForDutch.id), 'Nederlands graag', { locale: 'en-US' });
    const readers = { de: german, fr: french, es: spanish, en: english, nl: asksForDutch };

    const started = await startClick({ sponsorName: ` ${SPONSOR} `, sponsorMessage: `${MESSAGE}\n` });
    expect(String(started.value)).toMatch(/^Started "With a word"\. .*Each invitation opens with the word from Helena Brandt, CEO\./);
    await until(() => Object.values(readers).every((user) => cardsTo(user.id, 'invite').length > 0));

    for (const [locale, user] of Object.entries(readers)) {
      const [invitation] = cardsTo(user.id, 'invite');
      expect(invitation?.locale, user.displayName).toBe(locale);
      const sponsor = sponsorLines(invitation?.body ?? []);
      // The framing words are the reader's language; the name and the message are the leader's, exactly as given.
      expect(sponsor?.framing, locale).toBe(strings.text(locale, 'campaigns.nudge.invite.sponsor', { sponsor: SPONSOR }));
      expect(sponsor?.nameRun, locale).toMatchObject({ type: 'TextRun', text: SPONSOR, weight: 'Bolder' });
      expect(sponsor?.message, locale).toMatchObject({ type: 'TextRun', text: MESSAGE, italic: true });
      // Then the invitation as ever, its title in the reader's language.
      expect(invitation?.body[1]?.text, locale).toBe(strings.text(locale, 'campaigns.variants.standard.title', { name: firstName(user.displayName) }));
    }

    // The audit says a sponsor's message was set, and how long; the leader's name and words are not sealed into it.
    const entries = (await bot().service.store.list<{ action: string; details?: Record<string, unknown> }>(AUDIT_ENTRIES, { limit: 1000 })).records.map((record) => record.value);
    const start = entries.filter((entry) => entry.action === 'campaign.started').at(-1);
    expect(start?.details).toMatchObject({ sponsorMessage: true, sponsorMessageChars: MESSAGE.length });
    expect(JSON.stringify(start)).not.toContain('Helena');
    expect(JSON.stringify(start)).not.toContain('phishing');

    // A reminder comes due for the German reader: it goes without the sponsor's word.
    const campaignId = (await features().campaigns.records.active())?.value.id ?? '';
    await until(async () => outboxDrained(features()));
    const dueAt = new Date(Date.now() - 1000).toISOString();
    await features().campaigns.records.updateMember(campaignId, german.id, (member) => ({ ...member, nextNudgeAt: dueAt, lastNudgeLocalDate: '2000-01-01' }));
    await features().outbox.enqueue({ subjectId: campaignId, userId: german.id, step: 'reminder-1', dueAt });
    features().sender.wake();
    await until(() => cardsTo(german.id, 'reminder').length > 0);
    const [reminder] = cardsTo(german.id, 'reminder');
    expect(reminder?.locale).toBe('de');
    expect(sponsorLines(reminder?.body ?? [])).toBeUndefined();
    expect(JSON.stringify(reminder)).not.toContain('Helena Brandt');
  });

  it('is not there when the campaign was started without one', async () => {
    await features().campaigns.finish({ id: 'test-admin' });
    const [german] = targetsSpeaking('de');
    if (!german) throw new Error('no German speaker to target');
    const before = cardsTo(german.id, 'invite').length;
    const reply = (await chat.say(admin(), `campaign start Plain deadline ${DEADLINE} waves 1`, { locale: 'en-US' })).texts.join(' ');
    expect(reply).toMatch(/^Started "Plain"/);
    expect(reply).not.toMatch(/opens with the word/);
    await until(() => cardsTo(german.id, 'invite').length > before);
    const invitation = cardsTo(german.id, 'invite').at(-1);
    expect(sponsorLines(invitation?.body ?? [])).toBeUndefined();
    expect(invitation?.body[0]?.text).toBe(strings.text('de', 'campaigns.variants.standard.title', { name: firstName(german.displayName) }));
  });
});

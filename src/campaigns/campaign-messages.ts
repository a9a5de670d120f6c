// What a campaign says to people: the invitation, the reminders and, after too many "not now"s, the question that asks
// for a decision, in the employee's language. Friendly, short, honest about the deadline; every button leads into the
// employee conversation.

import { PersonText } from '../cards/card-renderer.js';
import { COACH_VERBS } from '../cards/card-verbs.js';
import { firstName, formatDeadline } from '../shared/formatting.js';
import { organisationIn, type Params, type Strings } from '../shared/strings.js';
import type { Campaign, CampaignMember } from './campaign-records.js';
import { variantOfMember } from './invitation-variants.js';

export const CAMPAIGN_VERBS = {
  snooze: 'campaign.snooze',
  /** "No thanks" to a second way to sign in. */
  declineBackup: 'campaign.backup-no',
  startForm: 'campaign.start',
  status: 'campaign.status',
} as const;

export interface NudgeCard {
  title: string;
  paragraphs: string[];
  facts: { title: string; value: string }[];
  actions: { title: string; verb: string; data: Record<string, string> }[];
  /** The sponsor's word at the top (the invitation only): none or one. */
  sponsor: SponsorLines[];
}

/**
 * The framing in the reader's language around the sponsor's name, and the sponsor's own words: the name and the words
 * are the leader's, shown as written (PersonText: a TextRun, never markdown, never translated).
 */
export interface SponsorLines {
  before: string;
  name: PersonText;
  after: string;
  message: PersonText;
}

export interface NudgeContext {
  campaign: Pick<Campaign, 'id' | 'deadline' | 'sponsor'>;
  /** `variant`: the invitation text they were given, which their reminders keep (invitation-variants.ts). */
  member: Pick<CampaignMember, 'displayName' | 'snoozes' | 'timeZone' | 'variant'>;
  step: string;
  /** ORGANISATION_NAME (or the demo tenant's); unset, each language's own words for "your organisation". */
  organisationName: string | undefined;
  snoozeDays: number;
  maxSnoozes: number;
  /** The employee's language, and the words in it. */
  locale: string;
  strings: Strings;
}

export function nudgeCard({ campaign, member, step, organisationName, snoozeDays, maxSnoozes, locale, strings }: NudgeContext): NudgeCard {
  const say = (key: string, params?: Params) => strings.text(locale, `campaigns.nudge.${key}`, params);
  // The person's own text for the invitation and the reminders' opening line: one person reads one voice throughout.
  const text = (key: 'title' | 'why' | 'how' | 'reminder', params?: Params) => strings.text(locale, `campaigns.variants.${variantOfMember(member)}.${key}`, params);
  const name = firstName(member.displayName);
  const deadline = formatDeadline(campaign.deadline, locale);
  const facts = [{ title: say('deadline'), value: deadline }];
  const showMeHow = { title: say('showMeHow'), verb: COACH_VERBS.showMeHow, data: {} };
  const concern = { title: say('questionFirst'), verb: COACH_VERBS.anotherConcern, data: {} };
  const done = { title: say('doneCheck'), verb: COACH_VERBS.checkStatus, data: {} };
  const person = { title: say('talkToPerson'), verb: COACH_VERBS.talkToPerson, data: {} };
  const snooze = { title: say('notNow', { count: snoozeDays }), verb: CAMPAIGN_VERBS.snooze, data: { campaignId: campaign.id } };
  const canSnooze = member.snoozes < maxSnoozes;

  if (step === 'invite') {
    return {
      title: text('title', { name }),
      // A sentence starts with {organisation} only where the language's own "your organisation" has a capital (German
      // "Ihre Organisation"); a name is written as its owner writes it.
      paragraphs: [text('why', { organisation: organisationIn(strings, locale, organisationName) }), text('how')],
      facts,
      actions: [showMeHow, concern, done, ...(canSnooze ? [snooze] : [])],
      // The leader's word opens the campaign; repeated on every reminder it would wear thin, so only here.
      sponsor: campaign.sponsor ? [sponsorLines(campaign.sponsor, say)] : [],
    };
  }
  if (step.startsWith('backup-')) {
    return {
      title: say('backup.title', { name }),
      paragraphs: [say('backup.why'), say('backup.how')],
      facts: [],
      actions: [
        showMeHow,
        { title: say('backup.addedOne'), verb: COACH_VERBS.checkStatus, data: {} },
        { title: say('backup.noThanks'), verb: CAMPAIGN_VERBS.declineBackup, data: { campaignId: campaign.id } },
      ],
      sponsor: [],
    };
  }
  if (step === 'decision') {
    return {
      title: say('decision.title', { name }),
      paragraphs: [say('decision.ask', { deadline }), say('decision.choices')],
      facts,
      actions: [showMeHow, person, { title: say('dontWant'), verb: COACH_VERBS.stillNo, data: {} }],
      sponsor: [],
    };
  }
  return {
    title: say('reminder.title', { name }),
    paragraphs: [text('reminder', { organisation: organisationIn(strings, locale, organisationName), deadline }), say('reminder.help')],
    facts,
    actions: [showMeHow, concern, done, ...(canSnooze ? [snooze] : [person])],
    sponsor: [],
  };
}

const NAME_MARK = '\u0000';

/** The language's sentence split where the name goes, so the name can be a text run of its own wherever it stands. */
function sponsorLines(sponsor: NonNullable<Campaign['sponsor']>, say: (key: string, params?: Params) => string): SponsorLines {
  const [before = '', after = ''] = say('invite.sponsor', { sponsor: NAME_MARK }).split(NAME_MARK);
  return { before, name: new PersonText(sponsor.name), after, message: new PersonText(sponsor.message) };
}

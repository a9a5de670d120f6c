// What a campaign says to people: the invitation, the reminders and, after too many "not now"s, the question that asks
// for a decision. Friendly, short, honest about the deadline; every button leads into the employee conversation.

import { COACH_VERBS } from '../cards/card-verbs.js';
import { firstName, formatDeadline } from '../shared/formatting.js';
import type { Campaign, CampaignMember } from './campaign-records.js';

export const CAMPAIGN_VERBS = {
  snooze: 'campaign.snooze',
  startForm: 'campaign.start',
  status: 'campaign.status',
} as const;

export interface NudgeCard {
  title: string;
  paragraphs: string[];
  facts: { title: string; value: string }[];
  actions: { title: string; verb: string; data: Record<string, string> }[];
}

export interface NudgeContext {
  campaign: Pick<Campaign, 'id' | 'deadline'>;
  member: Pick<CampaignMember, 'displayName' | 'snoozes' | 'timeZone'>;
  step: string;
  organisationName: string;
  snoozeDays: number;
  maxSnoozes: number;
}

export function nudgeCard({ campaign, member, step, organisationName, snoozeDays, maxSnoozes }: NudgeContext): NudgeCard {
  const first = firstName(member.displayName);
  const deadline = formatDeadline(campaign.deadline);
  const facts = [{ title: 'Deadline', value: deadline }];
  const showMeHow = { title: 'Show me how', verb: COACH_VERBS.showMeHow, data: {} };
  const concern = { title: 'I have a question first', verb: COACH_VERBS.anotherConcern, data: {} };
  const done = { title: "I've done it: check", verb: COACH_VERBS.checkStatus, data: {} };
  const person = { title: 'Talk to a person', verb: COACH_VERBS.talkToPerson, data: {} };
  const snooze = { title: `Not now: remind me in ${snoozeDays} days`, verb: CAMPAIGN_VERBS.snooze, data: { campaignId: campaign.id } };
  const canSnooze = member.snoozes < maxSnoozes;

  if (step === 'invite') {
    return {
      title: `${first}, a two-minute job: your passkey`,
      paragraphs: [
        // Not at the start of the sentence: "your organisation" (the default) is not written with a capital.
        `Everyone at ${organisationName} is moving to passkeys for signing in. A passkey lets you sign in with your face, fingerprint or phone PIN instead of a password and codes, and it cannot be phished: a fake sign-in page gets nothing it can use.`,
        'Setting it up takes about two minutes on your phone or computer, with no IT ticket. I can walk you through it step by step, and answer any question you have first.',
      ],
      facts,
      actions: [showMeHow, concern, done, ...(canSnooze ? [snooze] : [])],
    };
  }
  if (step === 'decision') {
    return {
      title: `${first}, can we settle the passkey?`,
      paragraphs: [
        `You've asked me to wait a few times, so instead of another reminder I'd like to know what works for you before ${deadline}.`,
        "You can set it up now (two minutes), talk it through with a person, or tell me you don't want to. If you don't want to, I'll ask your manager to decide with you; nothing changes for you until they do.",
      ],
      facts,
      actions: [showMeHow, person, { title: "I don't want to", verb: COACH_VERBS.stillNo, data: {} }],
    };
  }
  return {
    title: `${first}, a reminder: your passkey`,
    paragraphs: [
      `Your passkey isn't set up yet. It takes about two minutes, and ${organisationName} asks everyone to have one by ${deadline}.`,
      'If something stopped you last time, tell me what it was: I can help, or put you in touch with a person.',
    ],
    facts,
    actions: [showMeHow, concern, done, ...(canSnooze ? [snooze] : [person])],
  };
}

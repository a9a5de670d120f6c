// The campaign's messages read well with the default organisation name: "your organisation" never starts a sentence.

import { describe, expect, it } from 'vitest';
import { nudgeCard } from '../../src/campaigns/campaign-messages.js';

describe('campaign messages', () => {
  it('start every title and paragraph with a capital, whatever the organisation is called', () => {
    for (const organisationName of ['your organisation', 'Northwind Pharma', 'iRobot']) {
      for (const step of ['invite', 'reminder-1', 'decision']) {
        const card = nudgeCard({ campaign: { id: 'c1', deadline: '2027-01-15' }, member: { displayName: 'Ava Patel', snoozes: 0, timeZone: 'UTC' }, step, organisationName, snoozeDays: 3, maxSnoozes: 2 });
        for (const text of [card.title, ...card.paragraphs]) expect(text.charAt(0), `${step}: ${text}`).toMatch(/[A-Z]/);
      }
    }
  });

  it('names the organisation in the invitation', () => {
    const card = nudgeCard({ campaign: { id: 'c1', deadline: '2027-01-15' }, member: { displayName: 'Ava Patel', snoozes: 0, timeZone: 'UTC' }, step: 'invite', organisationName: 'your organisation', snoozeDays: 3, maxSnoozes: 2 });
    expect(card.paragraphs[0]).toMatch(/^Everyone at your organisation is moving to passkeys/);
  });
});

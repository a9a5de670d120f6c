// Each campaign figure counts the people it says, at every step of a person's way through a campaign: "ever" never
// goes down, "now" follows the state; and a refusal is still counted after the manager has decided.

import { describe, expect, it } from 'vitest';
import { FIGURE_LABELS, FIGURES, type FigureId, figuresOf } from '../../src/campaigns/campaign-figures.js';
import type { CampaignMember } from '../../src/campaigns/campaign-records.js';

const now = new Date('2026-12-01T10:00:00.000Z');
const earlier = '2026-11-30T10:00:00.000Z';
const later = '2026-12-04T09:00:00.000Z';

const base: CampaignMember = { userId: 'u1', upn: 'u1@example.com', displayName: 'Ava Patel', department: 'Sales', timeZone: 'UTC', wave: 0, state: 'pending', nudges: 0, snoozes: 0 };
const reached: CampaignMember = { ...base, state: 'reached', reachedAt: earlier, nudges: 1 };
const replied: CampaignMember = { ...reached, state: 'replied', repliedAt: earlier };
const refused: CampaignMember = { ...replied, state: 'refused', refusedAt: earlier };
const escalated: CampaignMember = { ...refused, state: 'escalated', escalatedAt: earlier };

const counted = (member: CampaignMember): FigureId[] => figuresOf(member, now);

describe('campaign figures', () => {
  it('counts a targeted person who has heard nothing yet in "targeted" only', () => {
    expect(counted(base)).toEqual(['targeted']);
  });

  it('counts the stages cumulatively', () => {
    expect(counted(reached)).toEqual(['targeted', 'reached']);
    expect(counted(replied)).toEqual(['targeted', 'reached', 'replied']);
    expect(counted({ ...replied, state: 'enrolled', enrolledAt: earlier })).toEqual(['targeted', 'reached', 'replied', 'enrolled']);
  });

  it('counts a refusal as refused ever and not settled now, before and while the manager is asked', () => {
    expect(counted(refused)).toEqual(['targeted', 'reached', 'replied', 'refusedEver', 'refusedNow']);
    expect(counted(escalated)).toEqual(['targeted', 'reached', 'replied', 'refusedEver', 'refusedNow', 'escalatedEver', 'escalatedNow']);
  });

  it('keeps counting the refusal and the escalation after each decision, and nobody as waiting', () => {
    const ever: FigureId[] = ['targeted', 'reached', 'replied', 'refusedEver', 'escalatedEver'];
    expect(counted({ ...escalated, decision: 'security-key' })).toEqual(ever);
    expect(counted({ ...escalated, state: 'replied', decision: 'require' })).toEqual(ever);
    expect(counted({ ...escalated, decision: 'exception', exceptionUntil: '2026-12-10', exceptionGrantedAt: now.toISOString() })).toEqual([...ever, 'exceptionEver', 'exceptionNow']);
  });

  it('keeps "exception ever" once the exception has ended, and counts the person as enrolled when they enrol', () => {
    const ended: CampaignMember = { ...escalated, state: 'replied', exceptionGrantedAt: earlier };
    expect(counted(ended)).toEqual(['targeted', 'reached', 'replied', 'refusedEver', 'escalatedEver', 'exceptionEver']);
    expect(counted({ ...ended, state: 'enrolled', enrolledAt: now.toISOString() })).toEqual(['targeted', 'reached', 'replied', 'enrolled', 'refusedEver', 'escalatedEver', 'exceptionEver']);
  });

  it('counts a snooze now only until the postponed date, and ever after', () => {
    const snoozed: CampaignMember = { ...replied, snoozes: 1, snoozedUntil: later, nextNudgeAt: later };
    expect(counted(snoozed)).toEqual(['targeted', 'reached', 'replied', 'snoozedEver', 'snoozedNow']);
    expect(figuresOf(snoozed, new Date(later))).toEqual(['targeted', 'reached', 'replied', 'snoozedEver']);
    // Someone who snoozed and then refused is not waiting for a reminder any more.
    expect(counted({ ...snoozed, state: 'refused', refusedAt: now.toISOString() })).not.toContain('snoozedNow');
  });

  it('counts people who removed or blocked the app, or whose invitation failed, as unreachable', () => {
    expect(counted({ ...base, state: 'unreachable', reason: 'removed-app: gone' })).toEqual(['targeted', 'unreachable']);
    expect(counted({ ...base, state: 'failed', reason: 'Teams refused' })).toEqual(['targeted', 'unreachable']);
  });

  it('still counts rows stored before escalatedAt and exceptionGrantedAt existed', () => {
    const old: CampaignMember = { ...refused, state: 'escalated', decision: 'exception', exceptionUntil: '2026-12-10' };
    expect(counted(old)).toEqual(expect.arrayContaining(['escalatedEver', 'exceptionEver', 'exceptionNow']));
  });

  it('names every figure, and says which are "ever" and which are "now"', () => {
    for (const id of FIGURES) expect(FIGURE_LABELS[id].length).toBeGreaterThan(3);
    expect(FIGURE_LABELS.refusedEver).toMatch(/\(ever\)$/);
    expect(FIGURE_LABELS.escalatedNow).toBe("Waiting for a manager's decision now");
    expect(new Set(Object.values(FIGURE_LABELS)).size).toBe(FIGURES.length);
  });
});

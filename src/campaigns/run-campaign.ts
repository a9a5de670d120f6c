// An admin starts, pauses, resumes or ends the one campaign at a time; each change is a compare-and-swap on the
// campaign, audited with who made it.

import type { CampaignContext } from './campaign-context.js';
import { type Campaign, type CampaignSponsor, newCampaignId } from './campaign-records.js';
import { formatDeadline } from '../shared/formatting.js';
import type { VariantId } from './invitation-variants.js';
import { DEFAULT_LOCALE, type Params } from '../shared/strings.js';
import { localParts } from '../shared/wall-clock.js';

export interface StartRequest {
  name: string;
  deadline: string;
  waves: number;
  /** A leader's word for the top of every invitation (validated by the form that took it). */
  sponsor?: CampaignSponsor;
  /** The invitation texts to compare (up to MAX_VARIANTS, checked by the form); absent or empty: the usual one. */
  variants?: readonly VariantId[];
  by: { id: string; name?: string };
  /** The admin's language, for a refusal (English when none is given: a start by the demo or a script). */
  locale?: string;
}

export type StartResult = { started: Campaign } | { refused: string };

type Admin = { id: string; name?: string };

export async function startCampaign(ctx: CampaignContext, request: StartRequest, now = new Date()): Promise<StartResult> {
  const locale = request.locale ?? DEFAULT_LOCALE;
  const say = (key: string, params?: Params) => ctx.deps.cards.strings.text(locale, `campaigns.start.${key}`, params);
  if (!ctx.deps.directory) return { refused: say('noGraph') };
  const today = localParts(now, ctx.deps.timeZone).dateKey;
  if (request.deadline <= today) return { refused: say('deadlinePassed', { today: formatDeadline(today, locale) }) };
  const campaign: Campaign = {
    id: newCampaignId(now),
    name: request.name,
    deadline: request.deadline,
    waves: request.waves,
    ...(ctx.deps.targeting.firstWaveGroupId ? { firstWaveGroupId: ctx.deps.targeting.firstWaveGroupId } : {}),
    ...(request.sponsor ? { sponsor: request.sponsor } : {}),
    ...(request.variants && request.variants.length > 0 ? { variants: [...request.variants] } : {}),
    state: 'targeting',
    createdAt: now.toISOString(),
    createdBy: request.by,
    targeted: 0,
    excluded: {},
  };
  const created = await ctx.records.create(campaign);
  if (!created) {
    const active = await ctx.records.active();
    return { refused: active ? say('otherRunning', { name: active.value.name }) : say('otherRunningUnnamed') };
  }
  ctx.forget(campaign.id);
  await ctx.deps.audit.record({
    action: 'campaign.started',
    outcome: 'success',
    actor: { kind: 'user', aadObjectId: request.by.id, displayName: request.by.name },
    // That a leader's word opens the invitations, not the word itself or whose it is: details are sealed for good and
    // cannot be erased, and the campaign keeps both.
    details: {
      campaignId: campaign.id,
      deadline: campaign.deadline,
      waves: campaign.waves,
      ...(campaign.firstWaveGroupId ? { firstWaveGroupId: campaign.firstWaveGroupId } : {}),
      ...(campaign.sponsor ? { sponsorMessage: true, sponsorMessageChars: campaign.sponsor.message.length } : {}),
      ...(campaign.variants ? { variants: campaign.variants } : {}),
    },
  });
  return { started: created.value };
}

export async function pauseCampaign(ctx: CampaignContext, by: Admin): Promise<Campaign | undefined> {
  return changeState(ctx, by, 'campaign.paused', (campaign) => (campaign.state === 'targeting' || campaign.state === 'running' ? { ...campaign, state: 'paused', resumeTo: campaign.state } : undefined));
}

export async function resumeCampaign(ctx: CampaignContext, by: Admin): Promise<Campaign | undefined> {
  return changeState(ctx, by, 'campaign.resumed', (campaign) => (campaign.state === 'paused' ? { ...campaign, state: campaign.resumeTo ?? 'running', resumeTo: undefined } : undefined));
}

/** Ends the active campaign now (also done by the scheduler the day after the deadline). */
export async function finishCampaign(ctx: CampaignContext, by: Admin | undefined, now = new Date()): Promise<Campaign | undefined> {
  const active = await ctx.records.active();
  if (!active) return undefined;
  const updated = await ctx.records.update(active.value.id, (campaign) => (campaign.state === 'finished' ? undefined : { ...campaign, state: 'finished', finishedAt: now.toISOString() }));
  if (!updated) return undefined;
  ctx.forget(active.value.id);
  await ctx.deps.audit.record({
    action: 'campaign.finished',
    outcome: 'success',
    actor: by ? { kind: 'user', aadObjectId: by.id, displayName: by.name } : { kind: 'system', name: 'campaign-scheduler' },
    details: { campaignId: active.value.id },
  });
  return updated.value;
}

async function changeState(ctx: CampaignContext, by: Admin, action: string, change: (campaign: Campaign) => Campaign | undefined): Promise<Campaign | undefined> {
  const active = await ctx.records.active();
  if (!active) return undefined;
  const updated = await ctx.records.update(active.value.id, change);
  if (!updated) return undefined;
  ctx.forget(active.value.id);
  await ctx.deps.audit.record({ action, outcome: 'success', actor: { kind: 'user', aadObjectId: by.id, displayName: by.name }, details: { campaignId: active.value.id } });
  return updated.value;
}

// An admin stops one invitation text in the middle of a campaign: new invitations use the texts left, people it reached
// keep it for their reminders (campaign-delivery.ts moves only those it has not reached yet). The last text still sent
// is never stopped: that would be a pause, which has its own command. Audited with who stopped what.

import type { CampaignContext } from './campaign-context.js';
import type { Campaign } from './campaign-records.js';
import { activeVariants, isVariantId, variantsOf } from './invitation-variants.js';

/** A refusal names its sentence in `campaigns.command.*`. */
export type StopVariantResult = { stopped: Campaign } | { refused: 'variantNotRunning' | 'variantLast' | 'variantAlreadyStopped' | 'staleButton' };

export async function stopVariant(ctx: CampaignContext, by: { id: string; name?: string }, campaignId: string, variant: string, now = new Date()): Promise<StopVariantResult> {
  let refused: Exclude<StopVariantResult, { stopped: Campaign }>['refused'] | undefined;
  const updated = await ctx.records.update(campaignId, (campaign) => {
    if (campaign.state === 'finished') refused = 'variantNotRunning';
    else if (!isVariantId(variant) || !variantsOf(campaign).includes(variant)) refused = 'staleButton';
    else if (campaign.stoppedVariants?.[variant] !== undefined) refused = 'variantAlreadyStopped';
    else if (activeVariants(campaign).length < 2) refused = 'variantLast';
    else refused = undefined;
    return refused ? undefined : { ...campaign, stoppedVariants: { ...campaign.stoppedVariants, [variant]: now.toISOString() } };
  });
  if (!updated) return { refused: refused ?? 'staleButton' };
  ctx.forget(campaignId);
  await ctx.deps.audit.record({
    action: 'campaign.variant-stopped',
    outcome: 'success',
    actor: { kind: 'user', aadObjectId: by.id, displayName: by.name },
    details: { campaignId, variant, stillSent: activeVariants(updated.value) },
  });
  return { stopped: updated.value };
}

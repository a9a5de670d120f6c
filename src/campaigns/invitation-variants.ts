// The invitation texts a campaign can test against each other, and which one each person gets. The words are data
// (`campaigns.variants.<id>.*` in every language); this is only the list of ids and the rule that assigns them.

import { createHmac } from 'node:crypto';
import type { Campaign, CampaignMember } from './campaign-records.js';

/** Every invitation text there is, the usual one first (the form's default, and every campaign's before variants). */
export const INVITATION_VARIANTS = ['standard', 'security', 'convenience'] as const;
export type VariantId = (typeof INVITATION_VARIANTS)[number];
export const STANDARD_VARIANT: VariantId = 'standard';
/** More arms split the same people thinner: three already need about 90 people a week to say anything (variant-stats.ts). */
export const MAX_VARIANTS = 3;

export const isVariantId = (id: string): id is VariantId => (INVITATION_VARIANTS as readonly string[]).includes(id);

type Variants = Pick<Campaign, 'variants' | 'stoppedVariants'>;

/** The texts the campaign compares, in the order the admin's form lists them; a campaign from before variants has one. */
export function variantsOf(campaign: Variants): readonly VariantId[] {
  const chosen = (campaign.variants ?? []).filter(isVariantId);
  return chosen.length > 0 ? chosen : [STANDARD_VARIANT];
}

/** The texts new invitations may still use: the campaign's, less those an admin stopped. */
export function activeVariants(campaign: Variants): readonly VariantId[] {
  return variantsOf(campaign).filter((id) => campaign.stoppedVariants?.[id] === undefined);
}

/** Whether the campaign compares texts at all (one text: no experiment, nothing to show but the CSV's column). */
export const isExperiment = (campaign: Variants): boolean => variantsOf(campaign).length > 1;

/**
 * The person's text among `active`: a keyed hash of the person under the campaign's id, so every instance and every
 * restart gives the same answer without storing anything first, and campaigns do not share one split of the people.
 * The first 48 bits of HMAC-SHA256 are uniform, and 2^48 mod 3 leaves a bias far below anything measurable.
 */
export function assignVariant(campaignId: string, userId: string, active: readonly VariantId[]): VariantId {
  if (active.length === 0) return STANDARD_VARIANT;
  const digest = createHmac('sha256', campaignId).update(userId).digest();
  return active[digest.readUIntBE(0, 6) % active.length] ?? STANDARD_VARIANT;
}

/** The text a member reads (a member from before variants, or of a text since removed from the data, reads the usual one). */
export function variantOfMember(member: Pick<CampaignMember, 'variant'>): VariantId {
  return member.variant !== undefined && isVariantId(member.variant) ? member.variant : STANDARD_VARIANT;
}

// A sponsor's word for the invitation: a named leader's short message, as the admin typed it in the start form. Both
// or neither: words without a name would read as the coach's own, a name without words says nothing.

import type { CampaignSponsor } from './campaign-records.js';

/** Short enough to read above the invitation on a phone without scrolling past it. */
export const SPONSOR_MESSAGE_MAX = 300;
export const SPONSOR_NAME_MAX = 80;

/** A refusal names its sentence in `campaigns.command.*` and what fills it. */
export type SponsorProblem = { problem: 'sponsorTooLong' | 'sponsorNameTooLong' | 'sponsorNeedsName' | 'sponsorNeedsMessage'; params?: Record<string, number> };

/**
 * The sponsor from the form's two fields, or none when both are empty. Runs of spaces and line breaks become one space:
 * the card shows the message as one paragraph, and the count is of what it shows.
 */
export function sponsorFrom(name: string | undefined, message: string | undefined): { sponsor?: CampaignSponsor } | SponsorProblem {
  const who = oneLine(name);
  const words = oneLine(message);
  if (who === '' && words === '') return {};
  if (words.length > SPONSOR_MESSAGE_MAX) return { problem: 'sponsorTooLong', params: { max: SPONSOR_MESSAGE_MAX, count: words.length } };
  if (who.length > SPONSOR_NAME_MAX) return { problem: 'sponsorNameTooLong', params: { max: SPONSOR_NAME_MAX } };
  if (who === '') return { problem: 'sponsorNeedsName' };
  if (words === '') return { problem: 'sponsorNeedsMessage' };
  return { sponsor: { name: who, message: words } };
}

function oneLine(text: string | undefined): string {
  return (text ?? '').replace(/\s+/g, ' ').trim();
}

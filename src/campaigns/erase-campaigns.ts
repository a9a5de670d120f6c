// Right to erasure, for campaigns: the person leaves every campaign through CampaignRecords (so the figures stay
// exact), a campaign they started no longer names them, and the export links they asked for go.

import { pagesOf } from '../store/pages.js';
import type { Store } from '../store/store-port.js';
import { ERASED, type ErasureCounts, type ErasureSubject, isPerson } from '../shared/erased.js';
import { type Campaign, CAMPAIGNS_PARTITION, CampaignRecords } from './campaign-records.js';
import { EXPORT_LINKS_PARTITION } from './export-links.js';

/** What was erased, and every campaign's id (their outbox logs may hold messages to the person). */
export async function eraseFromCampaigns(store: Store, subject: ErasureSubject): Promise<{ counts: ErasureCounts; campaignIds: string[] }> {
  const records = new CampaignRecords(store);
  const counts: ErasureCounts = {};
  const campaignIds: string[] = [];
  for await (const page of pagesOf<Campaign>(store, CAMPAIGNS_PARTITION, 200)) {
    for (const row of page) {
      // The marker of the active campaign ('~active') names no one.
      if (row.key.startsWith('~')) continue;
      campaignIds.push(row.key);
      if (await records.removeMember(row.key, subject.id)) counts.campaignMembers = (counts.campaignMembers ?? 0) + 1;
      if (!isPerson(subject, row.value.createdBy.id)) continue;
      const changed = await records.update(row.key, (campaign) => (isPerson(subject, campaign.createdBy.id) ? { ...campaign, createdBy: { id: ERASED, name: ERASED } } : undefined));
      if (changed) counts.campaignsStartedBy = (counts.campaignsStartedBy ?? 0) + 1;
    }
  }
  for await (const page of pagesOf<{ createdBy: string }>(store, EXPORT_LINKS_PARTITION, 500)) {
    for (const row of page) {
      if (!isPerson(subject, row.value.createdBy)) continue;
      await store.delete(EXPORT_LINKS_PARTITION, row.key);
      counts.exportLinks = (counts.exportLinks ?? 0) + 1;
    }
  }
  return { counts, campaignIds };
}

// One-time links for campaign exports: the admin gets a link in chat; the file is made when the link is opened,
// from the data as it is then, and the link works once, for a few minutes. Only a hash of the token is stored.

import { createHash, randomBytes } from 'node:crypto';
import { isAppError } from '../errors/app-error.js';
import type { Download } from '../shared/download.js';
import type { Store } from '../store/store-port.js';

export const EXPORT_LINKS_PARTITION = 'export-links';
export const EXPORT_LINK_TTL_MS = 10 * 60_000;

interface ExportLink {
  campaignId: string;
  createdBy: string;
  expiresAt: string;
}

export class ExportLinks {
  constructor(
    private readonly store: Store,
    private readonly makeFile: (campaignId: string) => Download,
  ) {}

  /** A new token for the campaign's export. */
  async create(campaignId: string, createdBy: string, now = new Date()): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.store.insert<ExportLink>(EXPORT_LINKS_PARTITION, hashOf(token), { campaignId, createdBy, expiresAt: new Date(now.getTime() + EXPORT_LINK_TTL_MS).toISOString() });
    return token;
  }

  /** The file for a token, once: the row is deleted with its etag, so two clicks at once get one file. */
  async take(token: string, now = new Date()): Promise<Download | undefined> {
    const key = hashOf(token);
    const row = await this.store.get<ExportLink>(EXPORT_LINKS_PARTITION, key);
    if (!row) return undefined;
    try {
      await this.store.delete(EXPORT_LINKS_PARTITION, key, row.etag);
    } catch (error) {
      if (isAppError(error, 'store.conflict') || isAppError(error, 'store.not-found')) return undefined;
      throw error;
    }
    if (row.value.expiresAt <= now.toISOString()) return undefined;
    return this.makeFile(row.value.campaignId);
  }
}

/** Deletes links nobody opened before they expired; returns how many. */
export async function purgeExpiredLinks(store: Store, now = new Date()): Promise<number> {
  let purged = 0;
  let continuationToken: string | undefined;
  do {
    const page = await store.list<ExportLink>(EXPORT_LINKS_PARTITION, { limit: 500, continuationToken });
    for (const row of page.records) {
      if (row.value.expiresAt > now.toISOString()) continue;
      await store.delete(EXPORT_LINKS_PARTITION, row.key, row.etag).catch(() => undefined);
      purged += 1;
    }
    continuationToken = page.continuationToken;
  } while (continuationToken);
  return purged;
}

function hashOf(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

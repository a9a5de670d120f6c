// A Verified ID presentation waiting for its callback: found by the `state` the coach gave the service, it holds the
// callback secret's hash (the secret itself exists only in the request to the service and the callbacks it sends) and
// the QR code for the person's card. The evidence the approvers read is kept on the pass request.

import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { lostRace } from '../store/cas-update.js';
import type { Store } from '../store/store-port.js';
import { TAP_PRESENTATIONS_PARTITION } from './tap-records.js';

/** The callback header the service sends back as it was given (Microsoft's samples call it api-key). */
export const CALLBACK_SECRET_HEADER = 'api-key';

export interface PendingPresentation {
  /** The pass request it is for. */
  tapRequestId: string;
  /** The Request Service's id of the presentation request: each callback must name it. */
  serviceRequestId: string;
  /** SHA-256 of the callback secret, hex. */
  secretHash: string;
  expiresAt: string;
  /** The QR code (a data: URL) for the person's card; dropped once the presentation is settled. */
  qrCode?: string;
}

/** A fresh state (the record's key) and callback secret: unguessable, URL-safe. */
export function newPresentationKeys(): { state: string; secret: string } {
  return { state: randomBytes(18).toString('base64url'), secret: randomBytes(32).toString('base64url') };
}

export function secretHash(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Whether a callback's header carries the secret: compared as hashes, in constant time. */
export function secretMatches(presented: string | undefined, expectedHash: string): boolean {
  if (!presented) return false;
  const actual = Buffer.from(secretHash(presented), 'hex');
  const expected = Buffer.from(expectedHash, 'hex');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

export class PresentationRecords {
  constructor(private readonly store: Store) {}

  async get(state: string): Promise<PendingPresentation | undefined> {
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(state)) return undefined;
    return (await this.store.get<PendingPresentation>(TAP_PRESENTATIONS_PARTITION, state))?.value;
  }

  async create(state: string, pending: PendingPresentation): Promise<void> {
    await this.store.insert(TAP_PRESENTATIONS_PARTITION, state, pending);
  }

  /** Settled: the QR code is of no more use. */
  async settle(state: string): Promise<void> {
    const current = await this.store.get<PendingPresentation>(TAP_PRESENTATIONS_PARTITION, state);
    if (!current?.value.qrCode) return;
    const { qrCode: _qrCode, ...rest } = current.value;
    try {
      await this.store.update(TAP_PRESENTATIONS_PARTITION, state, rest, current.etag);
    } catch (error) {
      // Changed or gone meanwhile (erased): whoever wrote last decided, and the code is of no use either way.
      if (!lostRace(error)) throw error;
    }
  }

  async delete(state: string): Promise<void> {
    if (await this.store.get(TAP_PRESENTATIONS_PARTITION, state)) await this.store.delete(TAP_PRESENTATIONS_PARTITION, state);
  }
}

// A store that disappeared while the service had state must not be replaced, without a word, by an empty one that
// reports ready: the campaign, the outbox and the audit trail would be gone. At start the service compares the store
// with what it knows from outside it: the state marker (which store it used) and the audit anchors (how long the
// trail was). A new, empty store where one was known, or another store than the one noted, stops the start with
// what was found and two ways on: restore, or START_FRESH with the code of the loss.

import { rename } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import type { AnchorSource } from '../audit/audit-anchor.js';
import { loadAnchorBook } from '../audit/anchor-check.js';
import { readAuditHead } from '../audit/audit-verify.js';
import { AppError, isAppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { MarkerPlace, StateMarker } from '../store/state-marker.js';
import type { Store } from '../store/store-port.js';

/** The store's own name for itself, written once when it is new. */
export const IDENTITY_PARTITION = 'service-meta';
export const IDENTITY_KEY = 'identity';

interface StoreIdentity {
  id: string;
  createdAt: string;
}

export interface ContinuityOptions {
  store: Store;
  /** The store as a person would name it: "the database /data/passkey-coach.db", "the Azure table passkeycoach". */
  storeName: string;
  marker: MarkerPlace | undefined;
  /** The anchors the service writes (file, blobs), with the keys that seal them. */
  anchors: readonly AnchorSource[];
  keys: ReadonlyMap<string, string>;
  /** The local anchor file, put aside on a fresh start so the new trail is not held to the old one's anchors. */
  anchorFile: string | undefined;
  /** START_FRESH: the code of the loss the operator accepts. */
  startFresh: string | undefined;
  logger: Logger;
  now?: () => Date;
}

interface Loss {
  /** What START_FRESH must say to accept it. */
  code: string;
  /** What was found, in a sentence's words. */
  found: string;
  /** Another store than the one noted (not an empty one). */
  replaced: boolean;
  /** Found through the anchors: the local anchor file belongs to the lost trail. */
  anchored: boolean;
}

/** Throws `store.unusable` when the store lost the service's state; otherwise notes the store (marker, identity). */
export async function requireStateContinuity(options: ContinuityOptions): Promise<void> {
  const { store, marker, logger } = options;
  const now = options.now ?? (() => new Date());
  // The marker first: an instance starting beside this one creates the identity before it writes the marker, so a
  // marker read here is never newer than the identity read after it.
  const noted = await marker?.read();
  const identity = (await store.get<StoreIdentity>(IDENTITY_PARTITION, IDENTITY_KEY))?.value;
  const loss = identity ? replacedStore(identity, noted, marker) : await lostState(options, noted);
  if (loss) {
    if (options.startFresh !== loss.code) throw refusal(loss, options.storeName);
    logger.warn('starting on this store on purpose, as START_FRESH says: the earlier state is not here', { store: options.storeName, code: loss.code });
    if (loss.anchored && options.anchorFile) await putAside(options.anchorFile, now(), logger);
  }
  const current = identity ?? (await createIdentity(store, now()));
  if (noted?.storeId !== current.id) {
    const note: StateMarker = { v: 1, storeId: current.id, createdAt: current.createdAt, ...(loss ? { replaced: { code: loss.code, at: now().toISOString() } } : {}) };
    await marker?.write(note);
  }
}

function replacedStore(identity: StoreIdentity, noted: StateMarker | undefined, marker: MarkerPlace | undefined): Loss | undefined {
  if (!noted || noted.storeId === identity.id) return undefined;
  return { code: noted.storeId, found: `${marker?.name} says the service used store ${noted.storeId} (created ${noted.createdAt}), but this one is ${identity.id}`, replaced: true, anchored: false };
}

/** A store without an identity is new, or from a version before identities: did the service have state elsewhere? */
async function lostState(options: ContinuityOptions, noted: StateMarker | undefined): Promise<Loss | undefined> {
  if (noted) return { code: noted.storeId, found: `${options.marker?.name} says the service kept its state in store ${noted.storeId} (created ${noted.createdAt})`, replaced: false, anchored: false };
  if (options.anchors.length === 0) return undefined;
  const book = await loadAnchorBook(options.anchors, options.keys);
  const newest = book.summary().newest;
  if (!newest) return undefined;
  const head = (await readAuditHead(options.store, options.keys)).head?.seq ?? 0;
  if (head > 0) {
    // A trail shorter than anchored was cut back (a restore from an older backup): `audit verify` says so; the
    // state is there, so the service starts.
    if (head < newest.seq) options.logger.warn('the audit trail is shorter than its newest anchor: was the store restored from an older backup?', { headSeq: head, anchoredSeq: newest.seq });
    return undefined;
  }
  return { code: `audit-${newest.seq}-${newest.hash.slice(0, 8)}`, found: `the audit anchors in ${newest.source} show its audit trail had reached entry ${newest.seq} by ${newest.at}`, replaced: false, anchored: true };
}

function refusal(loss: Loss, storeName: string): AppError {
  const message = loss.replaced
    ? `${capitalised(storeName)} is not the store this service used: ${loss.found}. The service will not start on another store's state. Put the right one back; or, to go on with this one on purpose, set START_FRESH=${loss.code} and start again.`
    : `${capitalised(storeName)} is new and empty, but the service had state before: ${loss.found}. Starting now would lose the campaign, the outbox and the audit trail without a word, so the service will not start. Restore the store from a backup; or, to start empty on purpose, set START_FRESH=${loss.code} and start again (it accepts this loss only).`;
  return new AppError('store.unusable', message, { userFault: true, userMessage: { key: 'errors.store.unusable', params: { problem: message } }, details: { code: loss.code } });
}

async function createIdentity(store: Store, now: Date): Promise<StoreIdentity> {
  const identity: StoreIdentity = { id: randomUUID(), createdAt: now.toISOString() };
  try {
    await store.insert(IDENTITY_PARTITION, IDENTITY_KEY, identity);
    return identity;
  } catch (error) {
    // Another instance starting at the same moment named it first.
    if (!isAppError(error, 'store.already-exists')) throw error;
    const stored = (await store.get<StoreIdentity>(IDENTITY_PARTITION, IDENTITY_KEY))?.value;
    if (!stored) throw error;
    return stored;
  }
}

/** Keeps the lost trail's anchors, under another name: they are evidence, and the new trail starts its own file. */
async function putAside(file: string, now: Date, logger: Logger): Promise<void> {
  const aside = `${file}.before-${now.toISOString().replace(/[:.]/g, '-')}`;
  try {
    await rename(file, aside);
    logger.warn('the anchors of the earlier audit trail were put aside', { file: aside });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

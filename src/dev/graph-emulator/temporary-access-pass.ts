// Temporary Access Pass values: generated like Entra's (policy length, no look-alike characters) and kept
// only as a keyed hash, so neither the emulator's state nor its logs ever hold a usable pass.

import { createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

/** Letters and digits without 0/O/o, 1/l/I, plus a few symbols, as in Entra's passes (e.g. "+drkzqAD"). */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789+%@#!?';

export function generatePass(length: number): string {
  let value = '';
  for (let i = 0; i < length; i += 1) value += ALPHABET[randomInt(ALPHABET.length)];
  return value;
}

export interface PassDigest {
  salt: Buffer;
  digest: Buffer;
}

export class PassHasher {
  private readonly key = randomBytes(32);

  digest(value: string): PassDigest {
    const salt = randomBytes(16);
    return { salt, digest: this.mac(salt, value) };
  }

  matches(stored: PassDigest, candidate: string): boolean {
    return timingSafeEqual(stored.digest, this.mac(stored.salt, candidate));
  }

  private mac(salt: Buffer, value: string): Buffer {
    return createHmac('sha256', this.key).update(salt).update(value, 'utf8').digest();
  }
}

export type UsabilityReason = 'EnabledByPolicy' | 'DisabledByPolicy' | 'Expired' | 'NotYetValid' | 'OneTimeUsed';

export interface PassTerms {
  startAt: number;
  lifetimeInMinutes: number;
  isUsableOnce: boolean;
  used: boolean;
}

/** isUsable and methodUsabilityReason at `now`, in the order Entra checks them. */
export function usability(terms: PassTerms, policyEnabled: boolean, now: number): { isUsable: boolean; methodUsabilityReason: UsabilityReason } {
  if (!policyEnabled) return { isUsable: false, methodUsabilityReason: 'DisabledByPolicy' };
  if (terms.isUsableOnce && terms.used) return { isUsable: false, methodUsabilityReason: 'OneTimeUsed' };
  if (now < terms.startAt) return { isUsable: false, methodUsabilityReason: 'NotYetValid' };
  if (now >= terms.startAt + terms.lifetimeInMinutes * 60_000) return { isUsable: false, methodUsabilityReason: 'Expired' };
  return { isUsable: true, methodUsabilityReason: 'EnabledByPolicy' };
}

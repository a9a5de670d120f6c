// Identifiers shaped like Teams': `29:` pairwise user ids, `a:` personal conversation ids, epoch-millisecond activity ids.

import { createHash } from 'node:crypto';

/** Stable per bot and user, like Teams' pairwise ids, so conversation references survive an emulator restart. */
export function pairwiseUserId(botId: string, aadObjectId: string): string {
  return `29:1${digest('sha256', `user|${botId}|${aadObjectId.toLowerCase()}`)}`;
}

/** Teams keeps one 1:1 chat per bot and user, so its id is a function of both. */
export function personalConversationId(botId: string, tenantId: string, aadObjectId: string): string {
  return `a:1${digest('sha512', `personal|${botId}|${tenantId.toLowerCase()}|${aadObjectId.toLowerCase()}`)}`;
}

function digest(algorithm: 'sha256' | 'sha512', input: string): string {
  return createHash(algorithm).update(input).digest('base64url');
}

/** Teams answers a 1:1 send with the message's epoch-millisecond timestamp as its id; kept unique under a frozen clock. */
export class ActivityIds {
  private last = 0;

  constructor(private readonly now: () => number) {}

  next(): string {
    this.last = Math.max(Math.floor(this.now()), this.last + 1);
    return String(this.last);
  }
}

// Teams' documented Bot Connector limits; the shared sliding-window counter enforces them against an injected clock.

import type { RateWindow } from '../../shared/sliding-window.js';

export type { RateWindow };

export interface ConnectorLimits {
  /** Per bot per conversation: send, reply and create conversation (msteams-docs bots/how-to/rate-limit). */
  readonly perConversationSend: readonly RateWindow[];
  /** Per bot per conversation: member reads ("Get Conversation Members"). */
  readonly perConversationRead: readonly RateWindow[];
  /** Per app per tenant, every bot API call. Microsoft gives 50 requests/s on one page and 30 on others: 30 by default. */
  readonly perTenant: readonly RateWindow[];
  /**
   * Largest activity accepted, counted as its JSON in UTF-16 with base64 data URIs left out, as Teams counts it.
   * Microsoft's pages say 40 KB (older) and 100 KB (newer): the stricter 40 KB by default.
   */
  readonly maxMessageBytes: number;
}

const SECOND = 1000;

export const DEFAULT_CONNECTOR_LIMITS: ConnectorLimits = Object.freeze({
  perConversationSend: Object.freeze([
    { limit: 7, windowMs: 1 * SECOND },
    { limit: 8, windowMs: 2 * SECOND },
    { limit: 60, windowMs: 30 * SECOND },
    { limit: 1800, windowMs: 3600 * SECOND },
  ]),
  perConversationRead: Object.freeze([
    { limit: 14, windowMs: 1 * SECOND },
    { limit: 16, windowMs: 2 * SECOND },
    { limit: 120, windowMs: 30 * SECOND },
    { limit: 3600, windowMs: 3600 * SECOND },
  ]),
  perTenant: Object.freeze([{ limit: 30, windowMs: 1 * SECOND }]),
  maxMessageBytes: 40 * 1024,
});

export function resolveLimits(overrides: Partial<ConnectorLimits> = {}): ConnectorLimits {
  const limits = { ...DEFAULT_CONNECTOR_LIMITS, ...overrides };
  for (const window of [...limits.perConversationSend, ...limits.perConversationRead, ...limits.perTenant]) {
    if (!Number.isInteger(window.limit) || window.limit < 1 || !Number.isFinite(window.windowMs) || window.windowMs <= 0) {
      throw new RangeError(`connector emulator: a rate window needs a positive integer limit and a positive windowMs, got ${JSON.stringify(window)}`);
    }
  }
  if (!(limits.maxMessageBytes > 0)) throw new RangeError('connector emulator: maxMessageBytes must be positive');
  return limits;
}

/** The size Teams counts: the JSON as UTF-16 (two bytes a code unit), base64 data URIs excluded. */
export function messageBytes(activity: unknown): number {
  const json = JSON.stringify(activity) ?? '';
  return json.replace(/data:[^"\\;,]*;base64,[A-Za-z0-9+/=]*/g, '').length * 2;
}

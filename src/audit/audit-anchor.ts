// Anchors: checkpoints of the audit head (seq, hash, time, MAC) kept where the database's writer cannot rewrite
// them, and the ports that write and read them. A trail that falls short of an anchor was rolled back or emptied.

import { z } from 'zod';
import { type AuditKeyring, anchorMac } from './audit-crypto.js';
import { MAX_AUDIT_SEQ } from './audit-entry.js';

/** The `msg` of the log line that carries an anchor to the SIEM. */
export const ANCHOR_LOG_MESSAGE = 'audit.anchor';

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

export const auditAnchorSchema = z.object({
  v: z.literal(1),
  seq: z.number().int().min(1).max(MAX_AUDIT_SEQ),
  hash: hex64,
  keyId: z.string().min(1).max(32),
  at: z.string().datetime(),
  mac: hex64,
});

/** The head as it was at `at`, sealed with the audit key under its own purpose (see anchorMac). */
export type AuditAnchor = z.infer<typeof auditAnchorSchema>;

/** Where the service writes anchors. Each adapter only ever appends: none can change or remove what it wrote. */
export interface AnchorSink {
  /** Where the anchors go, as a person would name it (a path, a container URL, "the log"). */
  readonly name: string;
  write(anchor: AuditAnchor): Promise<void>;
}

/** Where verification reads anchors back: every line, as written (a missing file or container holds none). */
export interface AnchorSource {
  readonly name: string;
  readLines(): Promise<string[]>;
}

export function makeAnchor(keyring: AuditKeyring, head: { seq: number; hash: string }, at: Date): AuditAnchor {
  const key = keyring.keys.get(keyring.keyId);
  if (key === undefined) throw new Error(`The audit key id '${keyring.keyId}' has no key`);
  const unsealed = { v: 1 as const, seq: head.seq, hash: head.hash, keyId: keyring.keyId, at: at.toISOString() };
  return { ...unsealed, mac: anchorMac(key, unsealed) };
}

/**
 * The anchor in one line: a line of an anchor file or blob, or a JSON log line whose `msg` is `audit.anchor`
 * (so a copy taken from the SIEM reads as it is). Undefined for anything else.
 */
export function parseAnchorLine(line: string): AuditAnchor | undefined {
  const text = line.trim();
  if (text === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const candidate = isRecord(value) && value.msg === ANCHOR_LOG_MESSAGE ? value.anchor : value;
  const parsed = auditAnchorSchema.safeParse(candidate);
  return parsed.success ? parsed.data : undefined;
}

/** The structured log as a sink: one info line per anchor, which the log stream carries to the SIEM. */
export class LogAnchorSink implements AnchorSink {
  readonly name = 'the log (audit.anchor lines)';

  constructor(private readonly logger: { info(message: string, fields?: Record<string, unknown>): void }) {}

  async write(anchor: AuditAnchor): Promise<void> {
    this.logger.info(ANCHOR_LOG_MESSAGE, { anchor });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// Where the audit trail's anchors go (see src/audit/audit-anchor.ts): read from the environment once, checked here.

import type { EnvSettings } from './config-schema.js';

export type AnchorBlobSettings =
  | { container: string; connectionString: string }
  | { container: string; accountUrl: string; managedIdentityClientId?: string };

export interface AuditAnchorSettings {
  intervalMs: number;
  /** The append-only file; undefined means audit-anchors.jsonl beside the SQLite database. */
  file?: string;
  /** The Azure append blobs; undefined when not configured. */
  blob?: AnchorBlobSettings;
}

export function auditAnchorSettings(s: EnvSettings, problems: string[], demo: boolean, isLoopbackUrl: (url: string) => boolean): AuditAnchorSettings {
  const settings: AuditAnchorSettings = { intervalMs: s.AUDIT_ANCHOR_INTERVAL_MINUTES * 60_000, file: s.AUDIT_ANCHOR_FILE };
  const container = s.AUDIT_ANCHOR_CONTAINER;
  if (s.AUDIT_ANCHOR_BLOB_URL && s.AUDIT_ANCHOR_CONNECTION_STRING) {
    problems.push('Audit anchors: set AUDIT_ANCHOR_BLOB_URL or AUDIT_ANCHOR_CONNECTION_STRING, not both.');
    return settings;
  }
  if (s.AUDIT_ANCHOR_CONNECTION_STRING) {
    const endpoint = /BlobEndpoint=([^;]+)/i.exec(s.AUDIT_ANCHOR_CONNECTION_STRING)?.[1];
    if (demo && (!endpoint || !isLoopbackUrl(endpoint))) problems.push('Demo mode only uses a local blob emulator: AUDIT_ANCHOR_CONNECTION_STRING must name a BlobEndpoint on 127.0.0.1 (Azurite).');
    return { ...settings, blob: { container, connectionString: s.AUDIT_ANCHOR_CONNECTION_STRING } };
  }
  if (s.AUDIT_ANCHOR_BLOB_URL) {
    const url = s.AUDIT_ANCHOR_BLOB_URL;
    if (demo && !isLoopbackUrl(url)) problems.push('Demo mode touches nothing real: AUDIT_ANCHOR_BLOB_URL must be a loopback URL (or unset).');
    else if (!demo && !url.startsWith('https://')) problems.push('AUDIT_ANCHOR_BLOB_URL must be https (the managed identity\'s token is sent with every write).');
    return { ...settings, blob: { container, accountUrl: url, managedIdentityClientId: s.AUDIT_ANCHOR_CLIENT_ID } };
  }
  if (s.AUDIT_ANCHOR_CLIENT_ID) problems.push('AUDIT_ANCHOR_CLIENT_ID is set but AUDIT_ANCHOR_BLOB_URL is not: set the blob endpoint it should write to, or remove it.');
  return settings;
}

/** The connection string and the account key in it, for the log redactor. */
export function anchorSecrets(settings: AuditAnchorSettings): string[] {
  if (settings.blob === undefined || !('connectionString' in settings.blob)) return [];
  const key = /AccountKey=([^;]+)/i.exec(settings.blob.connectionString)?.[1];
  return key ? [settings.blob.connectionString, key] : [settings.blob.connectionString];
}

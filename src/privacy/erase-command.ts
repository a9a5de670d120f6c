// `passkey-coach erase <upn|objectId> [--request REF]`: a data subject's request, done now against the configured
// store. It resolves a UPN through Graph (a deleted person by the UPN they had, from the recycle bin; after that only
// by object id), asks nothing, prints counts per kind (never a name), and is audited with the reason on-request.

import path from 'node:path';
import { anchorFilePath, anchorSources } from '../audit/audit-anchoring.js';
import { StoreAuditLog } from '../audit/audit-log.js';
import type { AppConfig } from '../config/app-config.js';
import type { Directory } from '../directory/directory-port.js';
import { AppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import { Redactor } from '../logging/redact.js';
import { ObjectionLog } from '../objections/objection-log.js';
import { IDENTITY_KEY, IDENTITY_PARTITION, requireStateContinuity } from '../app/state-continuity.js';
import { openStoreAndMarker } from '../store/open-store.js';
import { erasePerson, isObjectId } from './erasure.js';

/** Who the audit trail says erased a person on request: the operator's command (their request reference beside it). */
export const ERASE_COMMAND = { kind: 'system', name: 'erase-command' } as const;

export interface EraseCommandOptions {
  config: AppConfig;
  databasePath: string;
  /** Graph, to resolve a UPN and learn names; undefined without a credential (then only an object id is accepted). */
  directory: Directory | undefined;
  who: string;
  /** The request's own reference (a ticket number), kept in the audit entry. */
  reference?: string;
  out(line: string): void;
  logger: Logger;
}

export async function runEraseCommand(options: EraseCommandOptions): Promise<number> {
  const { config, directory, who, out } = options;
  const id = await resolve(directory, who);
  const { store, marker } = await openStoreAndMarker(config.store, options.databasePath);
  try {
    // A store the service never ran on (a wrong DATA_DIR or table name) is refused, not set up as a new installation.
    if (!(await store.get(IDENTITY_PARTITION, IDENTITY_KEY))) throw new AppError('config.invalid', 'This store holds no Passkey Coach data: check DATA_DIR (or the table settings).', { userFault: true });
    // A store that lost its state (a wrong DATA_DIR, an emptied table) must not get an audit trail begun by this.
    await requireStateContinuity({
      store,
      storeName: config.store.kind === 'sqlite' ? `the database ${path.resolve(options.databasePath)}` : `the Azure table ${config.store.table}`,
      marker: await marker(),
      anchors: await anchorSources(config.audit.anchors, options.databasePath),
      keys: config.audit.keys,
      anchorFile: anchorFilePath(config.audit.anchors, options.databasePath),
      startFresh: undefined,
      logger: options.logger,
    });
    const audit = new StoreAuditLog({ store, keyring: config.audit, redactor: new Redactor() });
    const objections = new ObjectionLog(store, { keepText: config.coach.keepObjectionText, retentionDays: config.coach.retentionDays });
    const result = await erasePerson({ store, audit, objections, directory }, id, { kind: 'on-request', ...(options.reference ? { reference: options.reference } : {}) }, ERASE_COMMAND);
    const kinds = Object.entries(result.erased).sort(([a], [b]) => a.localeCompare(b));
    if (kinds.length === 0) {
      out('Nothing to erase: the coach holds no personal data about this person (erased before, or never here).');
      return 0;
    }
    out(`Erased (audit entry #${result.auditSeq ?? '?'}, reason on-request):`);
    for (const [kind, count] of kinds) out(`  ${kind}: ${count}`);
    return 0;
  } finally {
    await store.close();
  }
}

/** An object id as given; a UPN through Graph: an account, or a deleted one by the UPN it had. */
async function resolve(directory: Directory | undefined, who: string): Promise<string> {
  const given = who.trim();
  if (isObjectId(given)) return given.toLowerCase();
  if (!given.includes('@')) throw new AppError('request.malformed', `"${given}" is neither a UPN (name@domain) nor an Entra object id.`, { userFault: true });
  if (!directory) throw new AppError('config.invalid', 'A UPN needs Graph to find the person: configure a Graph credential, or give the object id instead.', { userFault: true });
  const user = await directory.getUser(given);
  if (user) return user.id.toLowerCase();
  const deleted = await directory.deletedUserByUpn(given);
  if (deleted) return deleted.id.toLowerCase();
  throw new AppError('request.not-found', `Entra has no account ${given}, not even among deleted users (they stay 30 days): give the person's object id instead.`, { userFault: true });
}

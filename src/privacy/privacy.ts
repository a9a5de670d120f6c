// The service's face for privacy: erase one person now (the command), and the daily check that erases people who
// left Entra, run on one instance at a time.

import type { AuditParty, StoreAuditLog } from '../audit/audit-log.js';
import type { Directory } from '../directory/directory-port.js';
import type { Logger } from '../logging/logger.js';
import type { ObjectionLog } from '../objections/objection-log.js';
import type { BackgroundWork } from '../shared/background-work.js';
import { PeriodicJob } from '../shared/periodic-job.js';
import type { Store } from '../store/store-port.js';
import { type ErasureReason, type ErasureResult, erasePerson } from './erasure.js';
import { type ErasureRunSummary, ScheduledErasure } from './erasure-schedule.js';

/** How often the check runs. */
export const ERASURE_CHECK_MS = 24 * 3600_000;
/** The first run waits this long after start: start-up is a budget, and a restart loop should not ask Graph each time. */
const FIRST_CHECK_AFTER_MS = 15 * 60_000;
/** Who the audit trail says erased a person the daily check found gone. */
export const SCHEDULED_ERASURE: AuditParty = { kind: 'system', name: 'scheduled-erasure' };

export interface PrivacyDeps {
  store: Store;
  audit: StoreAuditLog;
  objections: ObjectionLog;
  directory: Directory | undefined;
  afterDisabledDays: number;
  instanceId: string;
  logger: Logger;
  background: BackgroundWork;
  /** A deployment for real says loudly that it cannot erase on schedule; demo mode without its tenant only notes it. */
  production: boolean;
  now?: () => Date;
}

export interface Privacy {
  erase(objectId: string, reason: ErasureReason, actor: AuditParty): Promise<ErasureResult>;
  /** One run of the daily check now (tests, and the schedule); undefined without a Graph to ask. */
  check(): Promise<ErasureRunSummary | undefined>;
  start(): void;
  stop(): void;
}

export function createPrivacy(deps: PrivacyDeps): Privacy {
  const { logger } = deps;
  const erase = (objectId: string, reason: ErasureReason, actor: AuditParty) => erasePerson({ store: deps.store, audit: deps.audit, objections: deps.objections, directory: deps.directory, now: deps.now }, objectId, reason, actor);
  const directory = deps.directory;
  const scheduled = directory
    ? new ScheduledErasure({
        store: deps.store,
        directory,
        erase: (objectId, reason) => erase(objectId, reason, SCHEDULED_ERASURE),
        afterDisabledDays: deps.afterDisabledDays,
        instanceId: deps.instanceId,
        logger,
        now: deps.now,
      })
    : undefined;
  const check = async () => {
    if (!scheduled) return undefined;
    const summary = await scheduled.run();
    if (summary.heldElsewhere) return summary;
    // Counts only: who was erased is in the audit trail, under a reference, and nowhere else.
    const level = summary.erasedPeople > 0 ? 'info' : 'debug';
    logger[level]('checked who left Entra', { checked: summary.checked, erasedPeople: summary.erasedPeople, erased: summary.erased, watching: summary.watching, roundFinished: summary.roundFinished });
    return summary;
  };
  const job = new PeriodicJob('erasure-check', ERASURE_CHECK_MS, async () => {
    await check();
  }, deps.background);
  let first: NodeJS.Timeout | undefined;
  return {
    erase,
    check,
    start() {
      if (!scheduled) {
        const say = deps.production ? logger.warn.bind(logger) : logger.info.bind(logger);
        say('no Graph credential: people who leave Entra are not erased on a schedule (`passkey-coach erase` still works)');
        return;
      }
      first = setTimeout(() => job.start(), FIRST_CHECK_AFTER_MS);
      first.unref();
    },
    stop() {
      clearTimeout(first);
      job.stop();
    },
  };
}

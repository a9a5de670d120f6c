// The service's side of the anchors: now and then, when the head moved, it writes the head to every sink. A sink
// that fails is logged and tried again next time; nothing here ever stops the service.

import path from 'node:path';
import type { AuditAnchorSettings } from '../config/anchor-settings.js';
import type { Logger } from '../logging/logger.js';
import type { BackgroundWork } from '../shared/background-work.js';
import { PeriodicJob } from '../shared/periodic-job.js';
import type { Store } from '../store/store-port.js';
import { type AnchorSink, type AnchorSource, LogAnchorSink, makeAnchor } from './audit-anchor.js';
import type { AuditKeyring } from './audit-crypto.js';
import { readAuditHead } from './audit-verify.js';
import { ANCHOR_FILE_NAME, FileAnchorSink } from './anchor-file-sink.js';

export interface AuditAnchorerOptions {
  store: Store;
  keyring: AuditKeyring;
  sinks: readonly AnchorSink[];
  logger: Logger;
  now?: () => Date;
}

export class AuditAnchorer {
  readonly #options: AuditAnchorerOptions;
  readonly #now: () => Date;
  /** What each sink last took, so an unmoved head is not written again and a failed sink is retried. */
  readonly #written = new Map<string, { seq: number; hash: string }>();
  #highest = 0;
  /** When every sink last held the head (or there was nothing to anchor): how stale the anchors may be. */
  #confirmedAt: Date;
  /** One checkpoint at a time: the periodic one and the one at stop must not interleave. */
  #running: Promise<void> = Promise.resolve();

  constructor(options: AuditAnchorerOptions) {
    this.#options = options;
    this.#now = options.now ?? (() => new Date());
    this.#confirmedAt = this.#now();
  }

  /** Seconds since every sink last held the trail's head: about the interval at most while anchoring works. */
  anchorAgeSeconds(): number {
    return Math.max(0, Math.round((this.#now().getTime() - this.#confirmedAt.getTime()) / 1000));
  }

  /** Writes the head to every sink that does not hold it yet. Never throws. */
  checkpoint(): Promise<void> {
    const run = this.#running.then(() => this.#checkpoint());
    this.#running = run;
    return run;
  }

  async #checkpoint(): Promise<void> {
    const { store, keyring, sinks, logger } = this.#options;
    let read: Awaited<ReturnType<typeof readAuditHead>>;
    try {
      read = await readAuditHead(store, keyring.keys);
    } catch (error) {
      logger.error('audit head could not be read: no anchor written', { error });
      return;
    }
    if (read.problems.length > 0) {
      // Anchoring a head that does not verify would vouch for whatever was put there.
      logger.error('audit head does not verify: not anchored; run `passkey-coach audit verify`', { problems: read.problems });
      return;
    }
    const head = read.head;
    const checkedAt = this.#now();
    if (head === undefined || head.seq === 0) {
      this.#confirmedAt = checkedAt;
      return;
    }
    if (head.seq < this.#highest) {
      logger.error('audit trail is shorter than this service anchored it: it was rolled back', { headSeq: head.seq, anchoredSeq: this.#highest });
    }
    const anchor = makeAnchor(keyring, head, this.#now());
    for (const sink of sinks) {
      const last = this.#written.get(sink.name);
      if (last !== undefined && last.seq === head.seq && last.hash === head.hash) continue;
      try {
        await sink.write(anchor);
        this.#written.set(sink.name, { seq: head.seq, hash: head.hash });
        this.#highest = Math.max(this.#highest, head.seq);
      } catch (error) {
        logger.error('audit anchor not written; trying again at the next checkpoint', { sink: sink.name, seq: head.seq, error });
      }
    }
    if (sinks.every((sink) => this.#written.get(sink.name)?.seq === head.seq)) this.#confirmedAt = checkedAt;
  }
}

export interface AuditAnchoring {
  anchorer: AuditAnchorer;
  /** The sinks that can be read back: what the tab and `audit verify` hold the trail to. */
  sources: AnchorSource[];
  /** Starts the periodic checkpoint (one now, then every interval). */
  start(): void;
  /** Stops the schedule and writes a last checkpoint, giving up at the deadline (ms since the epoch). */
  stop(deadline: number): Promise<void>;
  /** Stops the schedule only (a start that failed: the store may be closed already). */
  halt(): void;
}

/** The anchor file as configured: AUDIT_ANCHOR_FILE, else beside the SQLite database (none for one in memory). */
export function anchorFilePath(settings: AuditAnchorSettings, databasePath: string): string | undefined {
  if (settings.file !== undefined) return settings.file;
  return databasePath === ':memory:' ? undefined : path.join(path.dirname(databasePath), ANCHOR_FILE_NAME);
}

/** The sinks verification reads: the file and, when configured, the append blobs. */
export async function anchorSources(settings: AuditAnchorSettings, databasePath: string): Promise<(AnchorSink & AnchorSource)[]> {
  const sources: (AnchorSink & AnchorSource)[] = [];
  const file = anchorFilePath(settings, databasePath);
  if (file !== undefined) sources.push(new FileAnchorSink(file));
  if (settings.blob !== undefined) {
    // Loaded only when configured: the blob SDK is no part of an ordinary start.
    const { AppendBlobAnchorSink } = await import('./anchor-blob-sink.js');
    sources.push(AppendBlobAnchorSink.fromSettings(settings.blob));
  }
  return sources;
}

export async function createAuditAnchoring(options: {
  settings: AuditAnchorSettings;
  databasePath: string;
  store: Store;
  keyring: AuditKeyring;
  logger: Logger;
  background: BackgroundWork;
  now?: () => Date;
}): Promise<AuditAnchoring> {
  const { settings, logger } = options;
  const sources = await anchorSources(settings, options.databasePath);
  if (!logger.isLevelEnabled('info')) logger.warn('audit anchors go to the log at info level, which LOG_LEVEL leaves out: the SIEM gets none');
  const anchorer = new AuditAnchorer({ store: options.store, keyring: options.keyring, sinks: [new LogAnchorSink(logger), ...sources], logger, now: options.now });
  const job = new PeriodicJob('audit-anchor', settings.intervalMs, () => anchorer.checkpoint(), options.background);
  return {
    anchorer,
    sources,
    start: () => job.start(),
    halt: () => job.stop(),
    async stop(deadline: number) {
      job.stop();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(() => {
          logger.warn('the last audit anchor was not written before shutdown');
          resolve();
        }, Math.max(0, deadline - Date.now()));
      });
      await Promise.race([anchorer.checkpoint(), late]);
      clearTimeout(timer);
    },
  };
}

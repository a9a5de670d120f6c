// The leadership digest: every week, to the members of LEADERSHIP_GROUP_ID at DIGEST_DAY DIGEST_HOUR on their own
// clock, a card with the roll-out's progress overall and by department (small departments folded together), the
// concerns raised most and a link to the tab; on demand with `digest`. The figures come from the store through the
// composition root (`count`), so they are the status card's and the tab's own.
//
// This is the feature's one face for the chat, the tab, the scheduler and the outbox.

import type { AuditLog } from '../audit/audit-log.js';
import type { CardJson, CardRenderer } from '../cards/card-renderer.js';
import type { DigestSettings } from '../config/app-config.js';
import type { Directory } from '../directory/directory-port.js';
import type { GroupMembership } from '../directory/group-membership.js';
import type { Logger } from '../logging/logger.js';
import type { ProactiveMessenger } from '../messaging/proactive-messenger.js';
import type { Outbox, OutboxRow } from '../outbox/outbox.js';
import type { DeliveryResult, OutboxHandler } from '../outbox/outbox-sender.js';
import type { BackgroundWork } from '../shared/background-work.js';
import { PeriodicJob } from '../shared/periodic-job.js';
import type { PersonLanguage } from '../shared/person-language.js';
import type { Store } from '../store/store-port.js';
import { DIGEST_CARD, digestCardData } from './digest-card.js';
import { digestDelivery } from './digest-delivery.js';
import { type DigestCount, type DigestFigures, foldDepartments } from './digest-figures.js';
import { DigestRecords } from './digest-records.js';
import { type DigestRun, DigestSchedule } from './digest-schedule.js';
import { digestWeekAt } from './digest-week.js';
import { type DigestLanguage, type WordedDigest, wordDigest } from './digest-words.js';

/** How often the weekly run looks whether a copy is due (it does nothing most of the week). */
export const DIGEST_CHECK_MS = 5 * 60_000;

export interface DigestDeps {
  store: Store;
  outbox: Outbox;
  directory: Directory | undefined;
  messenger: ProactiveMessenger;
  cards: CardRenderer;
  languages: PersonLanguage;
  membership: GroupMembership;
  audit: AuditLog;
  logger: Logger;
  background: BackgroundWork;
  settings: DigestSettings;
  /**
   * Whether the weekly run starts with the service. Demo mode runs it only for the demo itself (DEMO_CAMPAIGN): the
   * tests' and benchmarks' demo bots keep their own clocks and outboxes, and call `run` when they mean to.
   */
  scheduled: boolean;
  /** The campaign admins may read it too: they run the roll-out the digest reports on. */
  adminsGroupId: string | undefined;
  defaultTimeZone: string;
  instanceId: string;
  /** One count of the store (src/app/digest-source.ts). */
  count(now: Date): Promise<DigestCount>;
  concernTitle(intent: string, locale: string): string;
  /** The invitation texts compared, worded (from the composition root). */
  experiment?: DigestLanguage['experiment'];
  /** Where the card's link opens the tab's Leadership view; undefined when the service has no address for it. */
  tabUrl(): string | undefined;
  now?: () => Date;
}

export interface Reader {
  id: string;
  name: string;
}

/** The digest as of now, and the weekly snapshot it is compared with. */
export interface CurrentDigest {
  figures: DigestFigures;
  baseline: DigestFigures | undefined;
}

export class LeadershipDigest implements OutboxHandler {
  readonly records: DigestRecords;
  readonly #deps: DigestDeps;
  readonly #schedule: DigestSchedule;
  readonly #delivery: OutboxHandler;
  readonly #job: PeriodicJob;

  constructor(deps: DigestDeps) {
    this.#deps = deps;
    this.records = new DigestRecords(deps.store);
    const { settings } = deps;
    this.#schedule = new DigestSchedule({
      store: deps.store,
      records: this.records,
      outbox: deps.outbox,
      directory: deps.directory,
      groupId: settings.leadershipGroupId,
      moment: { day: settings.day, hour: settings.hour },
      minDepartment: settings.minDepartment,
      defaultTimeZone: deps.defaultTimeZone,
      instanceId: deps.instanceId,
      logger: deps.logger,
      count: deps.count,
    });
    this.#delivery = digestDelivery({ records: this.records, messenger: deps.messenger, cards: deps.cards, languages: deps.languages, concernTitle: deps.concernTitle, experiment: deps.experiment, link: (locale) => this.#link(locale) });
    this.#job = new PeriodicJob('leadership-digest', DIGEST_CHECK_MS, async () => {
      await this.run();
    }, deps.background);
  }

  /** Members of the leadership group, and the campaign admins; false when the directory cannot say. */
  async mayRead(userId: string): Promise<boolean> {
    const { membership, settings, adminsGroupId } = this.#deps;
    return (await membership.isMember(userId, settings.leadershipGroupId, 'the leadership digest')) || (await membership.isMember(userId, adminsGroupId, 'the leadership digest'));
  }

  /** `digest`: the card as of now for a reader, a sentence (and an audit entry) for anyone else. */
  async onDemand(reader: Reader, locale: string): Promise<{ card: CardJson } | { message: string }> {
    if (!(await this.mayRead(reader.id))) {
      await this.#deps.audit.record({ action: 'digest.read.refused', outcome: 'denied', actor: { kind: 'user', aadObjectId: reader.id, displayName: reader.name }, details: { via: 'chat' } });
      return { message: this.#deps.cards.strings.text(locale, 'digest.onlyLeadership') };
    }
    const worded = this.word(await this.current(), locale);
    return { card: this.#deps.cards.render(DIGEST_CARD, digestCardData(worded, this.#link(locale)), locale) };
  }

  /** Counted from the store now, with the same folding as the weekly copy, and its baseline (the tab shows this too). */
  async current(now = this.#now()): Promise<CurrentDigest> {
    const { settings } = this.#deps;
    const figures = foldDepartments(await this.#deps.count(now), settings.minDepartment);
    const baseline = await this.records.baselineFor(digestWeekAt(now, { day: settings.day, hour: settings.hour }), now);
    return { figures, baseline: baseline?.figures };
  }

  word(digest: CurrentDigest, locale: string): WordedDigest {
    return wordDigest(digest.figures, digest.baseline, { strings: this.#deps.cards.strings, locale, concernTitle: this.#deps.concernTitle, experiment: this.#deps.experiment });
  }

  /** One weekly run now (the job's, and tests'). */
  run(now = this.#now()): Promise<DigestRun> {
    return this.#schedule.run(now);
  }

  start(): void {
    if (this.#deps.scheduled && this.#deps.settings.leadershipGroupId) this.#job.start();
  }

  stop(): void {
    this.#job.stop();
  }

  #link(locale: string): { title: string; url: string } | undefined {
    const url = this.#deps.tabUrl();
    return url ? { title: this.#deps.cards.strings.text(locale, 'digest.openTab'), url } : undefined;
  }

  #now(): Date {
    return this.#deps.now?.() ?? new Date();
  }

  expiry = (row: OutboxRow, now: Date): Promise<string | undefined> => this.#delivery.expiry?.(row, now) ?? Promise.resolve(undefined);
  deliver = (row: OutboxRow): Promise<DeliveryResult> => this.#delivery.deliver(row);
  settled = (row: OutboxRow, result: DeliveryResult): Promise<void> => this.#delivery.settled(row, result);
}

// Notices to the people who run the service, the members of the campaign admins' group: sending paused because Teams
// refuses the whole tenant, and resumed. Each is kept in the store and queued for the group through the outbox, so it
// arrives however long Teams takes to come back; the log has it at once.

import type { CardRenderer } from '../cards/card-renderer.js';
import { isAppError } from '../errors/app-error.js';
import { type ProactiveMessenger, UnreachableError } from '../messaging/proactive-messenger.js';
import type { PersonLanguage } from '../shared/person-language.js';
import type { Params, Strings } from '../shared/strings.js';
import type { Store } from '../store/store-port.js';
import type { Outbox } from './outbox.js';
import type { OutboxHandler } from './outbox-sender.js';

export const ADMIN_NOTICES_PARTITION = 'admin-notices';

/** One sentence of a notice, written in each reader's language when it is sent. */
export interface NoticeText {
  key: string;
  params?: Params;
  /** Params that are instants (ISO): written as the reader's date and time, in UTC. */
  instants?: Record<string, string>;
  /** Params that are sentences of their own. */
  texts?: Record<string, { key: string; params?: Params }>;
}

export interface NoticeWords {
  title: NoticeText;
  paragraphs: NoticeText[];
}

export interface AdminNotice {
  /** What it says, as keys and values (notices kept before they were, as English text). */
  words?: NoticeWords;
  title?: string;
  paragraphs?: string[];
  at: string;
}

export interface AdminNoticeDeps {
  store: Store;
  outbox: Outbox;
  messenger: ProactiveMessenger;
  cards: CardRenderer;
  languages: PersonLanguage;
  adminsGroupId: string | undefined;
}

export class AdminNotices implements OutboxHandler {
  constructor(private readonly deps: AdminNoticeDeps) {}

  /** Queues the notice for the admins once per `id` (an id taken before is a notice already on its way). */
  async queue(id: string, notice: Omit<AdminNotice, 'at'>, now = new Date()): Promise<boolean> {
    const { store, outbox, adminsGroupId } = this.deps;
    if (!adminsGroupId) return false;
    try {
      await store.insert<AdminNotice>(ADMIN_NOTICES_PARTITION, id, { ...notice, at: now.toISOString() });
    } catch (error) {
      if (isAppError(error, 'store.already-exists')) return false;
      throw error;
    }
    return outbox.enqueueForGroup({ kind: 'notice', subjectId: id, step: 'notice', dueAt: now.toISOString() }, adminsGroupId);
  }

  async deliver(row: Parameters<OutboxHandler['deliver']>[0]): ReturnType<OutboxHandler['deliver']> {
    const notice = (await this.deps.store.get<AdminNotice>(ADMIN_NOTICES_PARTITION, row.subjectId))?.value;
    if (!notice) return { outcome: 'cancelled', reason: 'no such notice' };
    const locale = await this.deps.languages.ofRecipient(row.userId);
    const { title, paragraphs } = notice.words ? wordsIn(this.deps.cards.strings, locale, notice.words) : { title: notice.title ?? '', paragraphs: notice.paragraphs ?? [] };
    try {
      const delivered = await this.deps.messenger.send(row.userId, { type: 'message', attachments: [this.deps.cards.attachment('notice', { title, paragraphs, actions: [] }, locale)] });
      return { outcome: 'sent', ...delivered };
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      return { outcome: 'failed', reason: `${error.reason}: ${error.message}` };
    }
  }

  async settled(): Promise<void> {}
}

function wordsIn(strings: Strings, locale: string, words: NoticeWords): { title: string; paragraphs: string[] } {
  const write = (text: NoticeText): string => {
    const params: Record<string, string | number> = { ...text.params };
    for (const [name, iso] of Object.entries(text.instants ?? {})) {
      params[name] = new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeStyle: 'short', hourCycle: 'h23', timeZone: 'UTC' }).format(new Date(iso));
    }
    for (const [name, inner] of Object.entries(text.texts ?? {})) params[name] = strings.text(locale, inner.key, inner.params);
    return strings.text(locale, text.key, params);
  };
  return { title: write(words.title), paragraphs: words.paragraphs.map(write) };
}

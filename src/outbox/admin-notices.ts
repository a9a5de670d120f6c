// Notices to the people who run the service, the members of the campaign admins' group: sending paused because Teams
// refuses the whole tenant, and resumed. Each is kept in the store and queued for the group through the outbox, so it
// arrives however long Teams takes to come back; the log has it at once.

import type { CardRenderer } from '../cards/card-renderer.js';
import { isAppError } from '../errors/app-error.js';
import { type ProactiveMessenger, UnreachableError } from '../messaging/proactive-messenger.js';
import type { Store } from '../store/store-port.js';
import type { Outbox } from './outbox.js';
import type { OutboxHandler } from './outbox-sender.js';

export const ADMIN_NOTICES_PARTITION = 'admin-notices';

export interface AdminNotice {
  title: string;
  paragraphs: string[];
  at: string;
}

export interface AdminNoticeDeps {
  store: Store;
  outbox: Outbox;
  messenger: ProactiveMessenger;
  cards: CardRenderer;
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
    try {
      const delivered = await this.deps.messenger.send(row.userId, { type: 'message', attachments: [this.deps.cards.attachment('notice', { title: notice.title, paragraphs: notice.paragraphs, actions: [] })] });
      return { outcome: 'sent', ...delivered };
    } catch (error) {
      if (!(error instanceof UnreachableError)) throw error;
      return { outcome: 'failed', reason: `${error.reason}: ${error.message}` };
    }
  }

  async settled(): Promise<void> {}
}

// The state of sending as one piece: the circuit breakers of the Bot Connector and Graph, and the pause when Teams
// refuses the whole tenant. Each change is logged; a pause also becomes a notice to the campaign admins.

import type { Logger } from '../logging/logger.js';
import type { AdminNotice, NoticeWords } from '../outbox/admin-notices.js';
import { EndpointBreakers } from '../outbox/circuit-breaker.js';
import { BLOCKED_BY_ADMIN, type PauseInfo, TenantPause } from '../outbox/tenant-pause.js';
import type { Params, Strings } from '../shared/strings.js';

export interface SendingHealth {
  breakers: EndpointBreakers;
  tenant: TenantPause;
  /** What holds sending back now, in words an admin can act on (in `locale`); undefined when nothing does. */
  problem(locale: string): string | undefined;
}

export interface SendingHealthDeps {
  logger: Logger;
  strings: Strings;
  /** Queues a notice for the admins once per id. */
  notify(id: string, notice: Omit<AdminNotice, 'at'>): Promise<unknown>;
}

export function sendingHealth(deps: SendingHealthDeps): SendingHealth {
  const { logger } = deps;
  const breakers = new EndpointBreakers(
    {},
    {
      opened: (endpoint, failures) => logger.warn('an endpoint stopped answering: sending through it waits, and a probe tries it again shortly', { endpoint: nameOf(endpoint), failures }),
      closed: (endpoint, downMs) => logger.info('an endpoint answers again: sending resumes', { endpoint: nameOf(endpoint), downSeconds: Math.round(downMs / 1000) }),
    },
  );
  const tenant = new TenantPause(
    {},
    {
      paused: (info) => {
        logger.error('Teams refuses the coach for the whole tenant: sending is paused until a probe gets through', { code: info.code, reason: info.reason });
        // One notice an hour at most for the same refusal, across restarts and instances.
        const id = `paused-${info.since.slice(0, 13)}-${info.code.replace(/[^A-Za-z0-9]+/g, '-')}`;
        deps.notify(id, pauseNotice(info)).catch((error: unknown) => logger.error('could not queue the notice to the admins', { error }));
      },
      resumed: (info, pausedMs) => logger.warn('Teams accepts the coach again: sending resumed', { code: info.code, pausedSeconds: Math.round(pausedMs / 1000) }),
    },
  );
  return {
    breakers,
    tenant,
    problem(locale) {
      const say = (key: string, params?: Params) => deps.strings.text(locale, `sending.${key}`, params);
      const paused = tenant.current();
      if (paused) {
        const why = explain(paused);
        return say('paused', { time: utcTime(paused.since, locale), why: say(why.key, why.params) });
      }
      const down = new Set(breakers.openEndpoints().map((endpoint) => (endpoint === 'graph' ? 'graph' : 'connector')));
      if (down.size === 0) return undefined;
      return say(down.size === 2 ? 'down.both' : down.has('graph') ? 'down.graph' : 'down.connector');
    },
  };
}

/** How the log names an endpoint. */
function nameOf(endpoint: string): string {
  return endpoint === 'graph' ? 'Microsoft Graph' : 'the Bot Connector';
}

/** Why Teams refuses the tenant, as a key of strings/<locale>/sending.json (under `sending.`). */
function explain(info: PauseInfo): { key: string; params?: Params } {
  return info.code.includes(BLOCKED_BY_ADMIN) ? { key: 'why.blocked' } : { key: 'why.credentials', params: { code: info.code } };
}

/** "14:05", the hour in UTC as the locale writes it. */
function utcTime(iso: string, locale: string): string {
  return new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: 'UTC' }).format(new Date(iso));
}

/** The notice as keys and values: each admin reads it in their own language when it is sent. */
function pauseNotice(info: PauseInfo): Omit<AdminNotice, 'at'> {
  const why = explain(info);
  const words: NoticeWords = {
    title: { key: 'sending.notice.title' },
    paragraphs: [
      { key: 'sending.notice.began', instants: { at: info.since }, texts: { why: { key: `sending.${why.key}`, ...(why.params ? { params: why.params } : {}) } } },
      { key: 'sending.notice.nothingLost' },
    ],
  };
  return { words };
}

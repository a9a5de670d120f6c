// The state of sending as one piece: the circuit breakers of the Bot Connector and Graph, and the pause when Teams
// refuses the whole tenant. Each change is logged; a pause also becomes a notice to the campaign admins.

import type { Logger } from '../logging/logger.js';
import type { AdminNotice } from '../outbox/admin-notices.js';
import { EndpointBreakers } from '../outbox/circuit-breaker.js';
import { BLOCKED_BY_ADMIN, type PauseInfo, TenantPause } from '../outbox/tenant-pause.js';

export interface SendingHealth {
  breakers: EndpointBreakers;
  tenant: TenantPause;
  /** What holds sending back now, in words an admin can act on; undefined when nothing does. */
  problem(): string | undefined;
}

export interface SendingHealthDeps {
  logger: Logger;
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
    problem() {
      const paused = tenant.current();
      if (paused) return `Sending is paused since ${paused.since.slice(11, 16)} UTC: ${explain(paused)} Nothing is lost; it resumes by itself once Teams accepts a message again.`;
      const down = breakers.openEndpoints();
      if (down.length > 0) return `${down.map(nameOf).join(' and ')} ${down.length === 1 ? 'is' : 'are'} not answering: messages wait and are sent once ${down.length === 1 ? 'it answers' : 'they answer'} again.`;
      return undefined;
    },
  };
}

function nameOf(endpoint: string): string {
  return endpoint === 'graph' ? 'Microsoft Graph' : 'the Bot Connector';
}

function explain(info: PauseInfo): string {
  return info.code.includes(BLOCKED_BY_ADMIN)
    ? 'Teams says an admin has blocked the app (allow it again in the Teams admin center, under app permission policies).'
    : `Teams does not accept the bot's credentials (${info.code}: check BOT_ID and BOT_PASSWORD, or the bot's managed identity).`;
}

function pauseNotice(info: PauseInfo): Omit<AdminNotice, 'at'> {
  return {
    title: 'Sending paused: Teams refuses the coach',
    paragraphs: [
      `At ${info.since.slice(11, 16)} UTC on ${info.since.slice(0, 10)} Teams began refusing every message the coach sends. ${explain(info)}`,
      'Nothing is lost: messages wait in the queue, the coach tries one again every few minutes, and sending resumes by itself when Teams accepts it. This notice could reach you only then; the service log had it at once.',
    ],
  };
}

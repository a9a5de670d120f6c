// `queue done <upn>` and the tab's "Helped" button: someone in the "talk to a person" queue was helped, so they leave
// it (they can ask again). Helpdesk only; the person is named by sign-in name or object id.

import type { DirectoryUser } from '../directory/graph-shapes.js';
import { isGuid } from '../shared/guid.js';
import { closeHelpRequest, HELP_REQUESTS_PARTITION, type HelpRequest } from './help-requests.js';
import type { TapContext } from './tap-context.js';
import type { Person } from './tap-records.js';

export type CloseHelpOutcome = 'done' | 'refused' | 'not-found' | 'unchanged' | 'unavailable';

export async function closeHelp(tap: TapContext, agent: Person, who: string, now = new Date()): Promise<{ outcome: CloseHelpOutcome; message: string }> {
  if (!(await tap.isHelpdesk(agent, 'queue done'))) {
    return { outcome: 'refused', message: tap.settings.helpdeskGroupId ? 'Sorry, the "talk to a person" queue is worked by the helpdesk only.' : tap.notHelpdesk() };
  }
  const wanted = who.trim();
  if (!wanted) return { outcome: 'not-found', message: 'Tell me who was helped: queue done <their sign-in name>.' };
  // A sign-in name is at most 113 characters before the @ and a domain after it: anything longer names nobody.
  if (wanted.length > 320 || /\s/.test(wanted)) return { outcome: 'not-found', message: 'That is not a sign-in name. Type queue done <their sign-in name>.' };
  const isId = isGuid(wanted);
  // Graph names the person (by sign-in name or id); someone who left the directory can still leave the queue by id.
  let person: DirectoryUser | undefined;
  try {
    person = await tap.deps.directory?.getUser(wanted);
  } catch (error) {
    if (!isId) {
      tap.deps.logger.warn('could not look the person up to close their help request', { error });
      return { outcome: 'unavailable', message: "Microsoft Graph isn't answering just now, so I can't look the person up. Try again in a minute." };
    }
  }
  if (!person && !isId) return { outcome: 'not-found', message: `I can't find ${wanted} in the directory.` };
  const userId = person?.id ?? wanted.toLowerCase();
  const name = person?.displayName ?? wanted;
  const current = await tap.deps.store.get<HelpRequest>(HELP_REQUESTS_PARTITION, userId);
  if (!current) return { outcome: 'not-found', message: `${name} is not in the "talk to a person" queue.` };
  const closed = await closeHelpRequest(tap.deps.store, userId, agent, now);
  if (!closed) return { outcome: 'unchanged', message: `${name} was already marked as helped${current.value.closed ? ` by ${current.value.closed.by.name}` : ''}.` };
  await tap.audit('helpdesk.request.closed', agent, userId, { requestedAt: closed.requestedAt });
  return { outcome: 'done', message: `${name} is marked as helped and leaves the queue.` };
}

// `queue done <upn>` and the tab's "Helped" button: someone in the "talk to a person" queue was helped, so they leave
// it (they can ask again). Helpdesk only; the person is named by sign-in name or object id.

import type { DirectoryUser } from '../directory/graph-shapes.js';
import { isGuid } from '../shared/guid.js';
import { closeHelpRequest, HELP_REQUESTS_PARTITION, type HelpRequest } from './help-requests.js';
import type { TapContext } from './tap-context.js';
import type { Person } from './tap-records.js';
import { type ReplyLanguage, wordsInTurn } from './tap-words.js';

export type CloseHelpOutcome = 'done' | 'refused' | 'not-found' | 'unchanged' | 'unavailable';

export async function closeHelp(tap: TapContext, agent: Person, who: string, language?: ReplyLanguage, now = new Date()): Promise<{ outcome: CloseHelpOutcome; message: string }> {
  const words = await wordsInTurn(tap, agent, language);
  const { say } = words;
  if (!(await tap.isHelpdesk(agent, 'queue done'))) {
    return { outcome: 'refused', message: tap.settings.helpdeskGroupId ? say('help.helpdeskOnly') : tap.notHelpdesk(words) };
  }
  const wanted = who.trim();
  if (!wanted) return { outcome: 'not-found', message: say('help.who') };
  // A sign-in name is at most 113 characters before the @ and a domain after it: anything longer names nobody.
  if (wanted.length > 320 || /\s/.test(wanted)) return { outcome: 'not-found', message: say('help.notASignInName') };
  const isId = isGuid(wanted);
  // Graph names the person (by sign-in name or id); someone who left the directory can still leave the queue by id.
  let person: DirectoryUser | undefined;
  try {
    person = await tap.deps.directory?.getUser(wanted);
  } catch (error) {
    if (!isId) {
      tap.deps.logger.warn('could not look the person up to close their help request', { error });
      return { outcome: 'unavailable', message: say('requests.graphDown') };
    }
  }
  if (!person && !isId) return { outcome: 'not-found', message: say('help.notFound', { who: wanted }) };
  const userId = person?.id ?? wanted.toLowerCase();
  const name = person?.displayName ?? wanted;
  const current = await tap.deps.store.get<HelpRequest>(HELP_REQUESTS_PARTITION, userId);
  if (!current) return { outcome: 'not-found', message: say('help.notInQueue', { name }) };
  const closed = await closeHelpRequest(tap.deps.store, userId, agent, now);
  if (!closed) return { outcome: 'unchanged', message: current.value.closed ? say('help.alreadyHelpedBy', { name, by: current.value.closed.by.name }) : say('help.alreadyHelped', { name }) };
  await tap.audit('helpdesk.request.closed', agent, userId, { requestedAt: closed.requestedAt });
  return { outcome: 'done', message: say('help.done', { name }) };
}

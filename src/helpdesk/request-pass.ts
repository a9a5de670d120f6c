// `tap request <upn>`: a helpdesk agent asks for a pass for someone. Every attempt counts against the agent's hourly
// limit before anything is looked up; accounts that are not a person's, and privileged ones, are refused with the
// reason; then the request form comes back (a draft only its requester can send), holding the person's one open slot.

import type { DirectoryUser, TemporaryAccessPassPolicy } from '../directory/graph-shapes.js';
import type { UserProfile } from '../directory/directory-port.js';
import { type NotAPersonReason, notAPersonsAccount } from '../directory/person-account.js';
import { privilegedReasons } from './privileged-accounts.js';
import { claimTarget } from './request-lifecycle.js';
import { requestCard } from './tap-cards.js';
import type { TapAnswer, TapContext } from './tap-context.js';
import { newTapRequestId, type Person, type TapRequest } from './tap-records.js';
import { REASONS_SEPARATOR, type TapWords, wordsInTurn } from './tap-words.js';

/** Accounts that are not a person's get no pass, and the agent is told why (`helpdesk.requests.*`). */
const NOT_A_PERSON_ANSWERS: Record<NotAPersonReason, string> = {
  guest: 'requests.guest',
  disabled: 'requests.disabled',
  'shared-or-resource-account': 'requests.sharedAccount',
};

export async function requestPass(tap: TapContext, requester: Person, upn: string, teamsLocale?: string, now = new Date()): Promise<TapAnswer> {
  const { directory, logger } = tap.deps;
  const { settings } = tap;
  const words = await wordsInTurn(tap, requester, teamsLocale);
  const { say } = words;
  if (!(await tap.isHelpdesk(requester, 'tap request'))) return { message: tap.notHelpdesk(words) };
  if (!directory) return { message: say('requests.noGraph') };
  if (!upn) return { message: say('requests.whose') };

  // Every attempt takes one of the helpdesk's and one of the agent's hourly slots before anything is looked up,
  // refused attempts too: an agent probing names or racing the limit with many requests at once gets exactly the
  // limit, no more, and security hears of a burst across the helpdesk however it is spread.
  if (!(await tap.records.takeHelpdeskSlot(settings.burstPerHour, now)) && (await tap.records.oncePer('burst', 3_600_000, now))) {
    await tap.alert('burst', { key: 'alerts.burst', params: { limit: settings.burstPerHour } }, now);
  }
  if (!(await tap.records.takeAgentSlot(requester.id, settings.requestsPerHour, now))) {
    await tap.audit('tap.request.refused', requester, undefined, { why: 'rate-limit', limit: settings.requestsPerHour });
    if (await tap.records.oncePer(`rate-limit:${requester.id}`, 3_600_000, now)) {
      await tap.alert('rate-limit', { key: 'alerts.rateLimit', params: { name: requester.name, limit: settings.requestsPerHour } }, now);
    }
    return { message: say('requests.rateLimited', { limit: settings.requestsPerHour }) };
  }

  let profile: UserProfile | undefined;
  try {
    // One Graph batch: the account and what its mailbox is for (a person's, shared, a room).
    profile = (await directory.userProfiles([upn])).get(upn);
  } catch (error) {
    logger.warn('could not look the person up for a pass request', { error });
    return { message: say('requests.graphDown') };
  }
  if (!profile) return { message: say('requests.notFound', { upn }) };
  const target = profile.user;
  const name = target.displayName ?? upn;
  if (target.id === requester.id) {
    await tap.audit('tap.request.refused', requester, target.id, { why: 'self' });
    return { message: say('requests.self') };
  }
  const notAPerson = notAPersonsAccount(target, profile.mailbox);
  if (notAPerson) {
    await tap.audit('tap.request.refused', requester, target.id, { why: notAPerson });
    return { message: say(NOT_A_PERSON_ANSWERS[notAPerson], { name }) };
  }
  // A shared or room mailbox cannot be ruled out when Graph would not show the mailbox: no pass, rather than a guess.
  if (profile.mailboxUnreadable) {
    await tap.audit('tap.request.refused', requester, target.id, { why: 'mailbox-unreadable' });
    return { message: say('requests.mailboxUnreadable', { name }) };
  }
  const privileged = await privilegedReasons(tap, target);
  if (privileged.length > 0 && !settings.allowPrivileged) {
    await tap.audit('tap.request.refused', requester, target.id, { why: 'privileged', privileged });
    await tap.alert('privileged-attempt', { key: 'alerts.privilegedRefused', params: { name: requester.name, target: name, reasons: privileged.join(REASONS_SEPARATOR) } }, now);
    return { message: say('requests.privileged', { name, reasons: words.reasons(privileged) }) };
  }

  const terms = await readTerms(tap, words, target, requester, name);
  if ('message' in terms) return terms;
  const id = newTapRequestId();
  const request: TapRequest = {
    id,
    requester,
    target: { id: target.id, name, upn: target.userPrincipalName ?? upn, department: target.department ?? undefined },
    manager: terms.manager,
    receiverId: settings.receiver === 'manager' && terms.manager ? terms.manager.id : requester.id,
    state: 'draft',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + settings.requestMinutes * 60_000).toISOString(),
    policy: {
      minimumLifetimeInMinutes: Math.max(10, terms.policy.minimumLifetimeInMinutes),
      maximumLifetimeInMinutes: Math.min(43200, terms.policy.maximumLifetimeInMinutes),
      defaultLifetimeInMinutes: terms.policy.defaultLifetimeInMinutes,
      isUsableOnce: terms.policy.isUsableOnce,
    },
    replacesExistingPass: terms.replacesExistingPass,
    ...(privileged.length > 0 ? { privileged } : {}),
    copies: [],
  };
  // The record first, then the person's slot: a slot always names a request that exists, so one whose request is
  // missing is stale and may be taken over (see claimTarget). A request that loses the slot is withdrawn at once.
  await tap.records.create(request);
  const holder = await claimTarget(tap, target.id, id, now);
  if (holder) {
    await tap.records.update(id, (latest) => (latest.state === 'draft' ? { ...latest, state: 'cancelled', refusal: { at: now.toISOString(), why: `request ${holder} was already open` } } : undefined));
    return { message: say('requests.alreadyOpen', { name, id: holder }) };
  }
  if (privileged.length > 0) {
    await tap.alert('privileged-attempt', { key: 'alerts.privilegedOpened', params: { name: requester.name, target: request.target.name, reasons: privileged.join(REASONS_SEPARATOR) } }, now);
  }
  await tap.audit('tap.request.opened', requester, target.id, { requestId: id, privileged, replacesExistingPass: request.replacesExistingPass });
  return { card: requestCard(tap, words, request, now) };
}

interface Terms {
  policy: TemporaryAccessPassPolicy;
  manager?: Person;
  replacesExistingPass: boolean;
}

/** The tenant's pass policy, whether the person has a pass already, and who their manager is (for checks and the receiver). */
async function readTerms(tap: TapContext, { say }: TapWords, target: DirectoryUser, requester: Person, name: string): Promise<Terms | { message: string }> {
  const { logger } = tap.deps;
  const directory = tap.deps.directory!;
  let policy: TemporaryAccessPassPolicy;
  try {
    policy = await directory.temporaryAccessPassPolicy();
  } catch (error) {
    logger.warn('could not read the pass policy', { error });
    return { message: say('requests.policyUnreadable') };
  }
  if (policy.state !== 'enabled') return { message: say('requests.passesOff') };

  // Unknown counts as "has one": the approver is told approving may replace a pass, never that it will not.
  const existing = await directory.temporaryAccessPasses(target.id).catch((error: unknown) => {
    logger.warn("could not read the person's current pass; assuming they may have one", { error });
    return undefined;
  });
  let manager: DirectoryUser | undefined;
  try {
    manager = await directory.getManager(target.id);
  } catch (error) {
    // Not "no manager": who confirms and who reveals may depend on it, so nothing is decided on a guess.
    logger.warn('could not read the manager for a pass request', { error });
    return { message: say('requests.managerUnreadable') };
  }
  const usableManager = manager && manager.accountEnabled !== false && manager.id !== target.id ? { id: manager.id, name: manager.displayName ?? manager.userPrincipalName } : undefined;
  if (tap.settings.receiver === 'manager' && !usableManager) {
    return { message: say('requests.noManagerToReveal', { name }) };
  }
  if (tap.settings.receiver === 'manager' && usableManager?.id === requester.id) {
    return { message: say('requests.youRevealAsManager') };
  }
  return { policy, manager: usableManager, replacesExistingPass: existing === undefined || existing.some((pass) => pass.isUsable !== false) };
}

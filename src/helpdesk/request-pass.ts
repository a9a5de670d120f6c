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

/** Accounts that are not a person's get no pass, and the agent is told why. */
const NOT_A_PERSON_ANSWERS: Record<NotAPersonReason, (name: string) => string> = {
  guest: (name) => `${name} is a guest from another organisation: they sign in with their home account, so a pass here would not help. Their own IT can help them.`,
  disabled: (name) => `${name}'s account is disabled: a pass would not help.`,
  'shared-or-resource-account': (name) => `${name} is a shared, room or equipment account, not a person's: nobody sets up a passkey on it, so I can't create a pass for it.`,
};

export async function requestPass(tap: TapContext, requester: Person, upn: string, now = new Date()): Promise<TapAnswer> {
  const { directory, logger } = tap.deps;
  const { settings } = tap;
  if (!(await tap.isHelpdesk(requester, 'tap request'))) return { message: tap.notHelpdesk() };
  if (!directory) return { message: 'Passes need Microsoft Graph, which is not configured here.' };
  if (!upn) return { message: 'Tell me whose pass it is: tap request <their sign-in name>, for example tap request anna@contoso.com.' };

  // Every attempt takes one of the helpdesk's and one of the agent's hourly slots before anything is looked up,
  // refused attempts too: an agent probing names or racing the limit with many requests at once gets exactly the
  // limit, no more, and security hears of a burst across the helpdesk however it is spread.
  if (!(await tap.records.takeHelpdeskSlot(settings.burstPerHour, now)) && (await tap.records.oncePer('burst', 3_600_000, now))) {
    await tap.alert('burst', `More than ${settings.burstPerHour} pass requests were asked for across the helpdesk in the last hour.`, now);
  }
  if (!(await tap.records.takeAgentSlot(requester.id, settings.requestsPerHour, now))) {
    await tap.audit('tap.request.refused', requester, undefined, { why: 'rate-limit', limit: settings.requestsPerHour });
    if (await tap.records.oncePer(`rate-limit:${requester.id}`, 3_600_000, now)) {
      await tap.alert('rate-limit', `${requester.name} tried to ask for more than ${settings.requestsPerHour} passes in an hour; the attempts past the limit were refused.`, now);
    }
    return { message: `You've asked for ${settings.requestsPerHour} passes in the last hour, the most allowed. Security has been told; if this is a real rush, ask them.` };
  }

  let profile: UserProfile | undefined;
  try {
    // One Graph batch: the account and what its mailbox is for (a person's, shared, a room).
    profile = (await directory.userProfiles([upn])).get(upn);
  } catch (error) {
    logger.warn('could not look the person up for a pass request', { error });
    return { message: "Microsoft Graph isn't answering just now, so I can't look the person up. Try again in a minute." };
  }
  if (!profile) return { message: `I can't find ${upn} in the directory. Check the sign-in name and try again.` };
  const target = profile.user;
  const name = target.displayName ?? upn;
  if (target.id === requester.id) {
    await tap.audit('tap.request.refused', requester, target.id, { why: 'self' });
    return { message: "You can't request a pass for yourself: ask a colleague on the helpdesk." };
  }
  const notAPerson = notAPersonsAccount(target, profile.mailbox);
  if (notAPerson) {
    await tap.audit('tap.request.refused', requester, target.id, { why: notAPerson });
    return { message: NOT_A_PERSON_ANSWERS[notAPerson](name) };
  }
  const privileged = await privilegedReasons(tap, target);
  if (privileged.length > 0 && !settings.allowPrivileged) {
    await tap.audit('tap.request.refused', requester, target.id, { why: 'privileged', privileged });
    await tap.alert('privileged-attempt', `${requester.name} asked for a pass for ${name}, a privileged account (${privileged.join(', ')}). It was refused.`, now);
    return { message: `${name} has a privileged account (${privileged.join(', ')}), so I can't create a pass for them. Security has been told. Privileged accounts recover through their own break-glass process.` };
  }

  const terms = await readTerms(tap, target, requester, name);
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
    return { message: `There is already an open pass request for ${name} (${holder}). Cancel it first, or wait for it to expire.` };
  }
  if (privileged.length > 0) {
    await tap.alert('privileged-attempt', `${requester.name} opened a pass request for ${request.target.name}, a privileged account (${privileged.join(', ')}). Only the security group can approve it.`, now);
  }
  await tap.audit('tap.request.opened', requester, target.id, { requestId: id, privileged, replacesExistingPass: request.replacesExistingPass });
  return { card: requestCard(tap, request, now) };
}

interface Terms {
  policy: TemporaryAccessPassPolicy;
  manager?: Person;
  replacesExistingPass: boolean;
}

/** The tenant's pass policy, whether the person has a pass already, and who their manager is (for checks and the receiver). */
async function readTerms(tap: TapContext, target: DirectoryUser, requester: Person, name: string): Promise<Terms | { message: string }> {
  const { logger } = tap.deps;
  const directory = tap.deps.directory!;
  let policy: TemporaryAccessPassPolicy;
  try {
    policy = await directory.temporaryAccessPassPolicy();
  } catch (error) {
    logger.warn('could not read the pass policy', { error });
    return { message: "I couldn't read the tenant's pass policy just now. Try again in a minute." };
  }
  if (policy.state !== 'enabled') return { message: "Temporary Access Passes are switched off in this tenant's authentication methods policy." };

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
    return { message: "Microsoft Graph isn't answering just now, so I can't check who the person's manager is. Try again in a minute." };
  }
  const usableManager = manager && manager.accountEnabled !== false && manager.id !== target.id ? { id: manager.id, name: manager.displayName ?? 'their manager' } : undefined;
  if (tap.settings.receiver === 'manager' && !usableManager) {
    return { message: `Passes here are revealed to the person's manager, and ${name} has none the coach can reach, so I can't open a request. Ask security how to proceed.` };
  }
  if (tap.settings.receiver === 'manager' && usableManager?.id === requester.id) {
    return { message: `Passes here are revealed to the person's manager, and that is you: ask a colleague on the helpdesk to request it.` };
  }
  return { policy, manager: usableManager, replacesExistingPass: existing === undefined || existing.some((pass) => pass.isUsable !== false) };
}

// What the features know of a set of people, read together for the managers' view (src/managers/team-states.ts):
// their place in the latest campaign, an open decision on a refusal, an open request for a person, whether they
// enrolled or cannot be reached. One read per source for the lot, and one per open refusal.

import { type CampaignMember, type CampaignRecords, membersPartition } from '../campaigns/campaign-records.js';
import { ENROLMENTS_PARTITION } from '../enrollment/enrolments.js';
import type { EscalationRecords } from '../escalation/escalation-records.js';
import { HELP_REQUESTS_PARTITION, type HelpRequest } from '../helpdesk/help-requests.js';
import type { FactsOf, PersonFacts } from '../managers/team-states.js';
import { UNREACHABLE_PARTITION } from '../messaging/proactive-messenger.js';
import type { Store } from '../store/store-port.js';

export function personFacts(store: Store, campaigns: CampaignRecords, escalations: EscalationRecords): FactsOf {
  return async (ids) => {
    const latest = (await campaigns.latest())?.value;
    const [members, enrolments, help, unreachable] = await Promise.all([
      latest ? store.getMany<CampaignMember>(membersPartition(latest.id), ids) : Promise.resolve(new Map<string, { value: CampaignMember }>()),
      store.getMany(ENROLMENTS_PARTITION, ids),
      store.getMany<HelpRequest>(HELP_REQUESTS_PARTITION, ids),
      store.getMany(UNREACHABLE_PARTITION, ids),
    ]);
    const facts = new Map<string, PersonFacts>();
    await Promise.all(
      ids.map(async (id) => {
        const member = members.get(id)?.value;
        // Only someone who said no can have a decision open: the others cost no read.
        const mayHaveRefused = member === undefined || member.state === 'refused' || member.state === 'escalated';
        const escalation = mayHaveRefused ? (await escalations.openFor(id))?.value : undefined;
        const decider = escalation?.state === 'open' ? escalation.decider : undefined;
        facts.set(id, {
          enrolled: enrolments.has(id),
          campaignTargeted: latest?.targetedAt !== undefined,
          ...(member
            ? {
                member: {
                  state: member.state,
                  campaignFinished: latest?.state === 'finished',
                  timeZone: member.timeZone,
                  ...(member.decision ? { decision: member.decision } : {}),
                  ...(member.exceptionUntil ? { exceptionUntil: member.exceptionUntil } : {}),
                  ...(member.snoozedUntil ? { snoozedUntil: member.snoozedUntil } : {}),
                },
              }
            : {}),
          ...(decider ? { openDecision: decider.kind === 'user' ? { kind: 'user' as const, id: decider.id, name: decider.name } : { kind: decider.kind } } : {}),
          askedForPerson: help.get(id)?.value.status === 'open',
          unreachable: unreachable.has(id),
        });
      }),
    );
    return facts;
  };
}

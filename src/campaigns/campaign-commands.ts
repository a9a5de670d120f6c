// The campaign commands and buttons in Teams: only members of the campaign-admins group may run them (checked against
// the directory, by the authenticated sender); everyone else gets a polite no, and the attempt is audited.

import { CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import type { CardJson, CardRenderer } from '../cards/card-renderer.js';
import type { Directory } from '../directory/directory-port.js';
import type { GroupMembership } from '../directory/group-membership.js';
import type { Logger } from '../logging/logger.js';
import type { Outbox } from '../outbox/outbox.js';
import type { BackgroundWork } from '../shared/background-work.js';
import type { LaterReply } from '../messaging/later-reply.js';
import { CAMPAIGN_VERBS } from './campaign-messages.js';
import { campaignPreview, campaignStatus, previewCardData, statusCardData, waitingInOutbox } from './campaign-report.js';
import type { Campaigns } from './campaigns.js';
import type { ExportLinks } from './export-links.js';
import type { TargetingPolicy } from './targeting.js';
import { addDateKeyDays, localParts } from '../shared/wall-clock.js';

export type CampaignCommandId = 'campaignPreview' | 'campaignStart' | 'campaignPause' | 'campaignResume' | 'campaignStatus' | 'campaignExport';

export const CAMPAIGN_ADMIN_VERBS = { startForm: 'campaign.start-form', start: CAMPAIGN_VERBS.startForm, status: CAMPAIGN_VERBS.status } as const;

export interface CampaignCommandsDeps {
  campaigns: Campaigns;
  directory: Directory | undefined;
  /** The service's one group-membership cache. */
  membership: GroupMembership;
  adminsGroupId: string | undefined;
  targeting: TargetingPolicy;
  outbox: Outbox;
  exports: ExportLinks;
  /** Where download links point (the bot's public address). */
  publicBaseUrl: () => string;
  cards: CardRenderer;
  audit: AuditLog;
  background: BackgroundWork;
  replyLater: LaterReply;
  logger: Logger;
  timeZone: string;
  /** Starts the scheduler's next run now (targeting begins at once after a start). */
  kick: () => void;
  /** What holds sending back now (an endpoint down, Teams refusing the tenant), for the status card. */
  sendingProblem?: () => string | undefined;
}

const DEFAULT_CAMPAIGN_DAYS = 28;

const startFormSchema = z.object({
  name: z.string().trim().min(1).max(80),
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  waves: z.coerce.number().int().min(1).max(20).default(1),
});

export class CampaignCommands {
  readonly #membership: GroupMembership;

  constructor(private readonly deps: CampaignCommandsDeps) {
    this.#membership = deps.membership;
  }

  async command(context: TurnContext, userId: string, command: CampaignCommandId, argument: string): Promise<void> {
    if (!(await this.#allowed(context, userId, command))) return;
    const by = { id: userId, name: context.activity.from?.name };
    switch (command) {
      case 'campaignPreview':
        await this.#preview(context);
        return;
      case 'campaignStart': {
        if (argument.trim() === '') {
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(this.startForm())));
          return;
        }
        const parsed = parseStartArgument(argument);
        if ('problem' in parsed) {
          await context.sendActivity(parsed.problem);
          return;
        }
        await context.sendActivity(await this.#start({ ...parsed, by }));
        return;
      }
      case 'campaignPause': {
        const paused = await this.deps.campaigns.pause(by);
        await context.sendActivity(paused ? `Paused "${paused.name}". Nothing more is sent until you type "campaign resume".` : 'There is no running campaign to pause.');
        return;
      }
      case 'campaignResume': {
        const resumed = await this.deps.campaigns.resume(by);
        if (resumed) this.deps.kick();
        await context.sendActivity(resumed ? `Resumed "${resumed.name}". Messages that were waiting go out now, within working hours.` : 'There is no paused campaign to resume.');
        return;
      }
      case 'campaignStatus':
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await this.statusCard())));
        return;
      case 'campaignExport':
        await this.#export(context, userId);
        return;
    }
  }

  /** Buttons on admin cards: the start form, the status refresh. */
  async action(context: TurnContext, userId: string, verb: string, data: unknown): Promise<CardJson | string> {
    if (!(await this.#allowed(context, userId, verb))) return "Only campaign admins can use this. I've noted the attempt.";
    if (verb === CAMPAIGN_ADMIN_VERBS.status) return this.statusCard();
    if (verb === CAMPAIGN_ADMIN_VERBS.startForm) return this.startForm();
    if (verb === CAMPAIGN_ADMIN_VERBS.start) {
      const parsed = startFormSchema.safeParse(data);
      if (!parsed.success) return 'Please give the campaign a name, a deadline (a date) and a number of waves from 1 to 20.';
      return this.#start({ ...parsed.data, by: { id: userId, name: context.activity.from?.name } });
    }
    return 'That button is no longer active.';
  }

  startForm(now = new Date()): CardJson {
    const today = localParts(now, this.deps.timeZone).dateKey;
    const deadline = localParts(new Date(now.getTime() + DEFAULT_CAMPAIGN_DAYS * 86_400_000), this.deps.timeZone).dateKey;
    return this.deps.cards.render('campaign-start', {
      intro: 'Everyone without a passkey gets a message from me, then reminders in their working hours until they enrol, refuse or the deadline passes. Type "campaign preview" first to see who that is.',
      name: `Passkey roll-out ${today.slice(0, 7)}`,
      minDate: addDateKeyDays(today, 1),
      deadline,
    });
  }

  async statusCard(): Promise<CardJson> {
    const latest = await this.deps.campaigns.records.latest();
    if (!latest) {
      return this.deps.cards.render('notice', {
        title: 'No campaign yet',
        paragraphs: ['Type "campaign preview" to see who a campaign would reach, then "campaign start".'],
        actions: [],
      });
    }
    const status = await campaignStatus(this.deps.campaigns.records, latest.value);
    const waiting = latest.value.state === 'finished' ? 0 : await waitingInOutbox(this.deps.outbox, latest.value.id);
    return this.deps.cards.render('campaign-report', statusCardData(status, waiting, this.deps.sendingProblem?.()));
  }

  async #start(request: Parameters<Campaigns['start']>[0]): Promise<string> {
    const result = await this.deps.campaigns.start(request);
    if ('refused' in result) return result.refused;
    this.deps.kick();
    const waves = result.started.waves > 1 ? ` The invitations are spread over ${result.started.waves} working days.` : '';
    return `Started "${result.started.name}". I'm reading the directory now and the first invitations go out as people's working hours allow.${waves} Type "campaign status" to follow it.`;
  }

  async #preview(context: TurnContext): Promise<void> {
    const directory = this.deps.directory;
    if (!directory) {
      await context.sendActivity('I cannot read the directory: no Microsoft Graph credential is configured.');
      return;
    }
    await context.sendActivity('Working out who a campaign would reach. The card follows in a moment (large directories take a few minutes).');
    const reference = TurnContext.getConversationReference(context.activity);
    this.deps.background.run('campaign-preview', async () => {
      let card: CardJson;
      try {
        card = this.deps.cards.render('campaign-report', previewCardData(await campaignPreview(directory, this.deps.targeting)));
      } catch (error) {
        this.deps.logger.error('campaign preview failed', { error });
        card = this.deps.cards.render('notice', { title: "I couldn't finish the preview", paragraphs: ['Reading the directory failed. Please try again in a few minutes.'], actions: [] });
      }
      await this.deps.replyLater(reference, async (later) => {
        await later.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
      });
    });
  }

  async #export(context: TurnContext, userId: string): Promise<void> {
    const latest = await this.deps.campaigns.records.latest();
    if (!latest) {
      await context.sendActivity('There is no campaign to export yet.');
      return;
    }
    const token = await this.deps.exports.create(latest.value.id, userId);
    await this.deps.audit.record({ action: 'campaign.exported', outcome: 'success', actor: { kind: 'user', aadObjectId: userId, displayName: context.activity.from?.name }, details: { campaignId: latest.value.id } });
    const url = `${this.deps.publicBaseUrl().replace(/\/+$/, '')}/downloads/${token}`;
    await context.sendActivity(
      MessageFactory.text(
        `Here is the export of "${latest.value.name}" as CSV: [download](${url}). The link works once, for the next 10 minutes; the file is made when you open it. It lists people by name and state: keep it inside the organisation.`,
      ),
    );
  }

  async #allowed(context: TurnContext, userId: string, what: string): Promise<boolean> {
    if (await this.#isAdmin(userId)) return true;
    await this.deps.audit.record({
      action: 'campaign.command.denied',
      outcome: 'denied',
      actor: { kind: 'user', aadObjectId: userId, displayName: context.activity.from?.name },
      details: { command: what.slice(0, 60) },
    });
    if (context.activity.type === 'message') {
      await context.sendActivity(
        this.deps.adminsGroupId
          ? "Sorry, campaign commands are only for the campaign admins. If you need them, ask IT to add you to the campaign admins' group."
          : 'Campaign commands are switched off: no campaign admins group is configured (CAMPAIGN_ADMINS_GROUP_ID).',
      );
    }
    return false;
  }

  async #isAdmin(userId: string): Promise<boolean> {
    return this.#membership.isMember(userId, this.deps.adminsGroupId, 'the campaign command');
  }
}

/** `campaign start <name> [deadline|by YYYY-MM-DD] [waves N]`. */
export function parseStartArgument(argument: string): { name: string; deadline: string; waves: number } | { problem: string } {
  let rest = argument.trim();
  let deadline: string | undefined;
  let waves = 1;
  const deadlineMatch = /\s*\b(?:deadline|by)\s*:?\s*(\d{4}-\d{2}-\d{2})\b/i.exec(rest);
  if (deadlineMatch) {
    deadline = deadlineMatch[1];
    rest = rest.replace(deadlineMatch[0], ' ');
  }
  const wavesMatch = /\s*\bwaves?\s*:?\s*(\d{1,2})\b/i.exec(rest);
  if (wavesMatch) {
    waves = Number(wavesMatch[1]);
    rest = rest.replace(wavesMatch[0], ' ');
  }
  const name = rest.replace(/[;,]+/g, ' ').replace(/\s+/g, ' ').trim().replace(/^["']|["']$/g, '');
  const usage = 'Write it like this: campaign start Q1 passkeys deadline 2027-01-15 waves 3 (or type just "campaign start" for a form).';
  if (!deadline || Number.isNaN(Date.parse(`${deadline}T00:00:00Z`))) return { problem: `I need a deadline as a date. ${usage}` };
  if (name === '' || name.length > 80) return { problem: `I need a name of up to 80 characters. ${usage}` };
  if (waves < 1 || waves > 20) return { problem: `Waves must be from 1 to 20. ${usage}` };
  return { name, deadline, waves };
}

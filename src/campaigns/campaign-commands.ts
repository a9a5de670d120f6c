// The campaign commands and buttons in Teams: only members of the campaign-admins group may run them (checked against
// the directory, by the authenticated sender); everyone else gets a polite no, and the attempt is audited. Every reply
// is in the admin's language in this turn.

import { CardFactory, MessageFactory, TurnContext } from 'botbuilder';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import type { CardJson, CardRenderer } from '../cards/card-renderer.js';
import type { Directory } from '../directory/directory-port.js';
import type { GroupMembership } from '../directory/group-membership.js';
import type { Logger } from '../logging/logger.js';
import type { Outbox } from '../outbox/outbox.js';
import type { BackgroundWork } from '../shared/background-work.js';
import type { PersonLanguage } from '../shared/person-language.js';
import type { Params } from '../shared/strings.js';
import type { LaterReply } from '../messaging/later-reply.js';
import { CAMPAIGN_VERBS } from './campaign-messages.js';
import { STOP_VARIANT_VERB, variantLabel } from './campaign-variants.js';
import { INVITATION_VARIANTS, MAX_VARIANTS, STANDARD_VARIANT, type VariantId, activeVariants, isVariantId } from './invitation-variants.js';
import { campaignPreview, campaignStatus, previewCardData, statusCardData, waitingInOutbox } from './campaign-report.js';
import type { Campaigns } from './campaigns.js';
import type { ExportLinks } from './export-links.js';
import { reportWords } from './report-words.js';
import { SPONSOR_MESSAGE_MAX, SPONSOR_NAME_MAX, sponsorFrom } from './sponsor.js';
import type { TargetingPolicy } from './targeting.js';
import { addDateKeyDays, localParts } from '../shared/wall-clock.js';

export type CampaignCommandId = 'campaignPreview' | 'campaignStart' | 'campaignPause' | 'campaignResume' | 'campaignStatus' | 'campaignExport';

export const CAMPAIGN_ADMIN_VERBS = { startForm: 'campaign.start-form', start: CAMPAIGN_VERBS.startForm, status: CAMPAIGN_VERBS.status, stopVariant: STOP_VARIANT_VERB } as const;

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
  /** The language of each admin's turn. */
  languages: PersonLanguage;
  audit: AuditLog;
  background: BackgroundWork;
  replyLater: LaterReply;
  logger: Logger;
  timeZone: string;
  /** Starts the scheduler's next run now (targeting begins at once after a start). */
  kick: () => void;
  /** What holds sending back now (an endpoint down, Teams refusing the tenant), for the status card. */
  sendingProblem?: (locale: string) => string | undefined;
}

const DEFAULT_CAMPAIGN_DAYS = 28;

const startFormSchema = z.object({
  name: z.string().trim().min(1).max(80),
  deadline: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  waves: z.coerce.number().int().min(1).max(20).default(1),
  // Checked by sponsorFrom, which says what is wrong; the schema only bounds what is read.
  sponsorName: z.string().max(10_000).optional(),
  sponsorMessage: z.string().max(10_000).optional(),
  // The ticked invitation texts, as Teams sends a multi-select: ids joined by commas (checked by variantsFrom).
  variants: z.string().max(500).optional(),
});

const stopVariantSchema = z.object({ campaignId: z.string().min(1).max(64), variant: z.string().min(1).max(40) });

export class CampaignCommands {
  readonly #membership: GroupMembership;

  constructor(private readonly deps: CampaignCommandsDeps) {
    this.#membership = deps.membership;
  }

  async command(context: TurnContext, userId: string, command: CampaignCommandId, argument: string): Promise<void> {
    const locale = await this.deps.languages.inTurn(userId, context.activity.locale);
    const say = this.#say(locale);
    if (!(await this.#allowed(context, userId, command, say))) return;
    const by = { id: userId, name: context.activity.from?.name };
    switch (command) {
      case 'campaignPreview':
        await this.#preview(context, locale);
        return;
      case 'campaignStart': {
        if (argument.trim() === '') {
          await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(this.startForm(locale))));
          return;
        }
        const parsed = parseStartArgument(argument);
        if ('problem' in parsed) {
          await context.sendActivity(`${this.deps.cards.strings.text(locale, `campaigns.start.${parsed.problem}`)} ${this.deps.cards.strings.text(locale, 'campaigns.start.usage')}`);
          return;
        }
        await context.sendActivity(await this.#start({ ...parsed, by, locale }));
        return;
      }
      case 'campaignPause': {
        const paused = await this.deps.campaigns.pause(by);
        await context.sendActivity(paused ? say('paused', { name: paused.name }) : say('nothingToPause'));
        return;
      }
      case 'campaignResume': {
        const resumed = await this.deps.campaigns.resume(by);
        if (resumed) this.deps.kick();
        await context.sendActivity(resumed ? say('resumed', { name: resumed.name }) : say('nothingToResume'));
        return;
      }
      case 'campaignStatus':
        await context.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(await this.statusCard(locale))));
        return;
      case 'campaignExport':
        await this.#export(context, userId, say);
        return;
    }
  }

  /** Buttons on admin cards: the start form, the status refresh. */
  async action(context: TurnContext, userId: string, verb: string, data: unknown): Promise<CardJson | string> {
    const locale = await this.deps.languages.inTurn(userId, context.activity.locale);
    const say = this.#say(locale);
    if (!(await this.#allowed(context, userId, verb, say))) return say('adminsOnlyButton');
    if (verb === CAMPAIGN_ADMIN_VERBS.status) return this.statusCard(locale);
    if (verb === CAMPAIGN_ADMIN_VERBS.startForm) return this.startForm(locale);
    if (verb === CAMPAIGN_ADMIN_VERBS.start) {
      const parsed = startFormSchema.safeParse(data);
      if (!parsed.success) return say('formIncomplete');
      const { sponsorName, sponsorMessage, variants: ticked, ...campaign } = parsed.data;
      const sponsor = sponsorFrom(sponsorName, sponsorMessage);
      if ('problem' in sponsor) return say(sponsor.problem, sponsor.params);
      const variants = variantsFrom(ticked);
      if (!variants) return say('variantsTooMany', { max: MAX_VARIANTS });
      return this.#start({ ...campaign, ...sponsor, variants, by: { id: userId, name: context.activity.from?.name }, locale });
    }
    if (verb === CAMPAIGN_ADMIN_VERBS.stopVariant) return this.#stopVariant(context, userId, data, locale);
    return say('staleButton');
  }

  startForm(locale: string, now = new Date()): CardJson {
    const say = this.#say(locale);
    const today = localParts(now, this.deps.timeZone).dateKey;
    const deadline = localParts(new Date(now.getTime() + DEFAULT_CAMPAIGN_DAYS * 86_400_000), this.deps.timeZone).dateKey;
    const month = new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${today}T12:00:00Z`));
    const firstWave = this.deps.targeting.firstWaveGroupId ? [say('startFirstWave')] : [];
    const words = reportWords(this.deps.cards.strings, locale);
    // Each text by its name and what it leads with, so the admin chooses knowingly; the usual one is ticked.
    const variants = INVITATION_VARIANTS.map((id) => ({ id, title: say('variantChoice', { label: variantLabel(words, id), about: this.deps.cards.strings.text(locale, `campaigns.variants.${id}.about`) }) }));
    return this.deps.cards.render(
      'campaign-start',
      { intro: say('startIntro'), firstWave, name: say('defaultName', { month }), minDate: addDateKeyDays(today, 1), deadline, sponsorNameMax: SPONSOR_NAME_MAX, sponsorMax: SPONSOR_MESSAGE_MAX, variants, defaultVariant: STANDARD_VARIANT },
      locale,
    );
  }

  async statusCard(locale: string): Promise<CardJson> {
    const latest = await this.deps.campaigns.records.latest();
    if (!latest) {
      const say = this.#say(locale);
      return this.deps.cards.render('notice', { title: say('noCampaignTitle'), paragraphs: [say('noCampaign')], actions: [] }, locale);
    }
    const status = await campaignStatus(this.deps.campaigns.records, latest.value);
    const waiting = latest.value.state === 'finished' ? 0 : await waitingInOutbox(this.deps.outbox, latest.value.id);
    return this.deps.cards.render('campaign-report', statusCardData(status, waiting, reportWords(this.deps.cards.strings, locale), this.deps.sendingProblem?.(locale)), locale);
  }

  async #start(request: Parameters<Campaigns['start']>[0] & { locale: string }): Promise<string> {
    const result = await this.deps.campaigns.start(request);
    if ('refused' in result) return result.refused;
    this.deps.kick();
    const say = this.#say(request.locale);
    const { name, waves, firstWaveGroupId, sponsor } = result.started;
    const spread = firstWaveGroupId ? [say('startedFirstWave', { count: waves })] : waves > 1 ? [say('startedWaves', { count: waves })] : [];
    const texts = activeVariants(result.started);
    const compared = texts.length > 1 ? [say('startedVariants', { list: this.#textList(texts, request.locale) })] : [];
    return [say('started', { name }), ...spread, ...(sponsor ? [say('startedSponsor', { sponsor: sponsor.name })] : []), ...compared, say('follow')].join(' ');
  }

  /** "Stop …" on the status card: the campaign and the text come from the button, who stops it from the activity. */
  async #stopVariant(context: TurnContext, userId: string, data: unknown, locale: string): Promise<string> {
    const say = this.#say(locale);
    const parsed = stopVariantSchema.safeParse(data);
    if (!parsed.success || !isVariantId(parsed.data.variant)) return say('staleButton');
    const { campaignId, variant } = parsed.data;
    const result = await this.deps.campaigns.stopVariant({ id: userId, name: context.activity.from?.name }, campaignId, variant);
    const label = variantLabel(reportWords(this.deps.cards.strings, locale), variant);
    if ('refused' in result) return say(result.refused, { variant: label });
    return say('variantStopped', { variant: label, remaining: this.#textList(activeVariants(result.stopped), locale) });
  }

  /** Texts by their names, quoted and listed as the language lists ("“Standard” and “Quick and easy”"). */
  #textList(ids: readonly VariantId[], locale: string): string {
    const words = reportWords(this.deps.cards.strings, locale);
    return new Intl.ListFormat(locale, { type: 'conjunction' }).format(ids.map((id) => words.say('variants.quoted', { variant: variantLabel(words, id) })));
  }

  async #preview(context: TurnContext, locale: string): Promise<void> {
    const say = this.#say(locale);
    const directory = this.deps.directory;
    if (!directory) {
      await context.sendActivity(say('noDirectory'));
      return;
    }
    await context.sendActivity(say('previewWorking'));
    const reference = TurnContext.getConversationReference(context.activity);
    this.deps.background.run('campaign-preview', async () => {
      let card: CardJson;
      try {
        card = this.deps.cards.render('campaign-report', previewCardData(await campaignPreview(directory, this.deps.targeting), reportWords(this.deps.cards.strings, locale)), locale);
      } catch (error) {
        this.deps.logger.error('campaign preview failed', { error });
        card = this.deps.cards.render('notice', { title: say('previewFailedTitle'), paragraphs: [say('previewFailed')], actions: [] }, locale);
      }
      await this.deps.replyLater(reference, async (later) => {
        await later.sendActivity(MessageFactory.attachment(CardFactory.adaptiveCard(card)));
      });
    });
  }

  async #export(context: TurnContext, userId: string, say: Say): Promise<void> {
    const latest = await this.deps.campaigns.records.latest();
    if (!latest) {
      await context.sendActivity(say('nothingToExport'));
      return;
    }
    const token = await this.deps.exports.create(latest.value.id, userId);
    await this.deps.audit.record({ action: 'campaign.exported', outcome: 'success', actor: { kind: 'user', aadObjectId: userId, displayName: context.activity.from?.name }, details: { campaignId: latest.value.id } });
    const url = `${this.deps.publicBaseUrl().replace(/\/+$/, '')}/downloads/${token}`;
    await context.sendActivity(MessageFactory.text(say('export', { name: latest.value.name, url })));
  }

  async #allowed(context: TurnContext, userId: string, what: string, say: Say): Promise<boolean> {
    if (await this.#isAdmin(userId)) return true;
    await this.deps.audit.record({
      action: 'campaign.command.denied',
      outcome: 'denied',
      actor: { kind: 'user', aadObjectId: userId, displayName: context.activity.from?.name },
      details: { command: what.slice(0, 60) },
    });
    if (context.activity.type === 'message') {
      await context.sendActivity(say(this.deps.adminsGroupId ? 'adminsOnly' : 'adminsOff'));
    }
    return false;
  }

  #say(locale: string): Say {
    return (key, params) => this.deps.cards.strings.text(locale, `campaigns.command.${key}`, params);
  }

  async #isAdmin(userId: string): Promise<boolean> {
    return this.#membership.isMember(userId, this.deps.adminsGroupId, 'the campaign command');
  }
}

type Say = (key: string, params?: Params) => string;

/** The form's ticked texts, known ones once each in the registry's order; none ticked is the usual one; undefined: too many. */
export function variantsFrom(ticked: string | undefined): VariantId[] | undefined {
  const chosen = new Set((ticked ?? '').split(',').map((id) => id.trim()));
  const variants = INVITATION_VARIANTS.filter((id) => chosen.has(id));
  if (variants.length > MAX_VARIANTS) return undefined;
  return variants.length > 0 ? variants : [STANDARD_VARIANT];
}

/** `campaign start <name> [deadline|by YYYY-MM-DD] [waves N]`; a problem names its sentence (`campaigns.start.*`). */
export function parseStartArgument(argument: string): { name: string; deadline: string; waves: number } | { problem: 'needDeadline' | 'needName' | 'wavesRange' } {
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
  if (!deadline || Number.isNaN(Date.parse(`${deadline}T00:00:00Z`))) return { problem: 'needDeadline' };
  if (name === '' || name.length > 80) return { problem: 'needName' };
  if (waves < 1 || waves > 20) return { problem: 'wavesRange' };
  return { name, deadline, waves };
}

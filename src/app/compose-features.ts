// Puts the features together for the service: campaigns, escalations and helpdesk passes over one outbox, one sender
// and one proactive messenger with the shared Teams rate limiter; the scheduler; the admin commands; and the events
// by which one feature hears what happened in another (features never import each other: they meet here).

import type { EnrolmentTierResolver } from '../directory/enrolment-tier-resolver.js';
import type { PersonLanguage } from '../shared/person-language.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { CoachAdapter } from '../messaging/teams-adapter.js';
import type { CardRenderer } from '../cards/card-renderer.js';
import type { AppConfig } from '../config/app-config.js';
import type { CoachEvents } from '../conversation/employee-coach.js';
import type { Directory } from '../directory/directory-port.js';
import { GroupMembership } from '../directory/group-membership.js';
import { Escalations } from '../escalation/escalations.js';
import { TemporaryAccess, type VerifiedIdDeps } from '../helpdesk/temporary-access.js';
import type { IntentId } from '../shared/intents.js';
import { monotonicClock, reservedWindow, SlidingWindowLimiter } from '../directory/rate-limiter.js';
import type { Logger } from '../logging/logger.js';
import type { ConversationReferences } from '../messaging/conversation-references.js';
import { ProactiveMessenger } from '../messaging/proactive-messenger.js';
import { Outbox } from '../outbox/outbox.js';
import { OutboxSender } from '../outbox/outbox-sender.js';
import { routeByKind } from '../outbox/outbox-router.js';
import { AdminNotices } from '../outbox/admin-notices.js';
import { groupFanOut } from '../outbox/group-fan-out.js';
import { type SendingHealth, sendingHealth } from './sending-health.js';
import { ENROLMENTS_PARTITION } from '../enrollment/enrolments.js';
import { nudgeDelivery } from '../managers/nudge-delivery.js';
import { ReportTree } from '../managers/report-tree.js';
import { Team } from '../managers/team.js';
import { personFacts } from './person-facts.js';
import { LeadershipDigest } from '../digest/leadership-digest.js';
import type { ObjectionLog } from '../objections/objection-log.js';
import { digestExperimentWords, digestSource } from './digest-source.js';
import { tabLink } from './tab-link.js';
import type { BackgroundWork } from '../shared/background-work.js';
import type { Store } from '../store/store-port.js';
import type { CadencePolicy } from '../campaigns/cadence.js';
import { CampaignCommands } from '../campaigns/campaign-commands.js';
import { campaignCsv } from '../campaigns/campaign-report.js';
import { CampaignScheduler } from '../campaigns/campaign-scheduler.js';
import { Campaigns } from '../campaigns/campaigns.js';
import { ExportLinks } from '../campaigns/export-links.js';
import type { TargetingPolicy } from '../campaigns/targeting.js';
import { demoDeadline } from '../campaigns/demo-deadline.js';
import { parseWorkingHours } from '../shared/working-hours.js';
import { resolveTimeZone } from '../shared/time-zones.js';
import type { DemoTenant } from './demo-tenant.js';
import { resolveDigestSettings, resolveOutreachSettings, resolveTapSettings } from './settings.js';

export interface FeatureDeps {
  config: AppConfig;
  /** Demo mode's tenant, supplying what a real deployment configures by id. */
  demo: DemoTenant | undefined;
  store: Store;
  adapter: CoachAdapter;
  directory: Directory | undefined;
  /** ENROLMENT_TIERS per person. */
  tiers?: EnrolmentTierResolver;
  cards: CardRenderer;
  audit: AuditLog;
  logger: Logger;
  background: BackgroundWork;
  conversations: ConversationReferences;
  publicBaseUrl: () => string;
  /** The catalog's short title of a concern, in a language (default English), for the decider's card. */
  concernTitle: (intent: IntentId, locale?: string) => string;
  /** Which language each person is written to in. */
  languages: PersonLanguage;
  /** How the messages name the organisation: ORGANISATION_NAME (or the demo tenant's); unset, each language's own words for "your organisation". */
  organisationName: string | undefined;
  /** The concerns people raised (the leadership digest counts them by department). */
  objections: ObjectionLog;
  /** Verified ID with Face Check for pass requests; absent where it is not set up. */
  verifiedId?: VerifiedIdDeps;
}

export interface Features {
  campaigns: Campaigns;
  /** Refusals taken to a decider; they share the outbox, the sender and the scheduler with campaigns. */
  escalations: Escalations;
  /** Helpdesk Temporary Access Passes; their messages go through the same outbox and sender. */
  temporaryAccess: TemporaryAccess;
  /** Managers' view of their team and their nudges; absent without a directory (who reports to whom is Entra's). */
  team: Team | undefined;
  /** The weekly leadership digest, `digest`, and the figures of the tab's Leadership view. */
  digest: LeadershipDigest;
  /** Who reports to whom, read from Entra and kept a while; absent without a directory. */
  reports: ReportTree | undefined;
  commands: CampaignCommands;
  /** Who is in which group, cached a minute per person; shared by the features and the tab. */
  membership: GroupMembership;
  outbox: Outbox;
  sender: OutboxSender;
  /** The circuit breakers and the tenant's pause, as the sender obeys them. */
  health: SendingHealth;
  scheduler: CampaignScheduler;
  messenger: ProactiveMessenger;
  /** The tenant's Bot Connector rate as this instance shares it: campaign sends wait, replies in a turn are counted. */
  limiter: SlidingWindowLimiter;
  exports: ExportLinks;
  events: CoachEvents;
  /**
   * A message from the coach is the person's first: a campaign's invitation on its way or just arrived, or any message
   * the coach installed the app for (an approval card, a notice). It greets them instead of the welcome.
   */
  invitationUnderway(userId: string): Promise<boolean>;
  /** Teams told the bot that a person added or removed the app. */
  installationChanged(userId: string, change: 'added' | 'removed'): Promise<void>;
  start(): void;
  /** Demo mode: a campaign over the demo tenant, started by the system at launch. */
  startDemoCampaign(): Promise<void>;
  stop(deadline: number): Promise<void>;
}

export function composeFeatures(deps: FeatureDeps): Features {
  const { config, store, logger, directory, audit, cards, background } = deps;
  const settings = resolveOutreachSettings(config, deps.demo);
  const timeZone = resolveTimeZone(settings.defaultTimeZone, 'UTC');
  const targeting: TargetingPolicy = {
    strongMethods: settings.strongMethods,
    breakGlass: settings.breakGlass,
    excludedGroupIds: settings.excludedGroupIds,
    includedGroupIds: settings.includedGroupIds,
    firstWaveGroupId: settings.firstWaveGroupId,
    defaultTimeZone: timeZone,
    catalogAppId: settings.catalogAppId,
    tiers: deps.tiers,
    logger,
  };
  const cadence: CadencePolicy = {
    reminderDays: settings.reminderDays,
    hours: parseWorkingHours(settings.workingHours.text, settings.workingHours.days),
    respectWorkingHours: settings.respectWorkingHours,
    snoozeDays: settings.snoozeDays,
    maxSnoozes: settings.maxSnoozes,
  };
  // Proactive sends take the tenant's rate less a reserve, so people chatting with the bot are never starved; replies
  // to them are counted in the same limiter (the middleware below). Paced: an even stream, never a second's worth at once.
  const sendWindow = reservedWindow(settings.teamsRatePerSecond, settings.reserveShare);
  const limiter = new SlidingWindowLimiter([sendWindow], monotonicClock, { burst: 2 });
  // Every message the bot sends in a turn (a reply, a status answer posted later) is one more Bot Connector call in
  // the tenant's rate: counted here, it is never delayed, and the campaign's sends wait for what is left.
  deps.adapter.use({
    onTurn: async (context, next) => {
      if (context.activity.deliveryMode !== 'expectReplies') {
        context.onSendActivities(async (_context, activities, send) => {
          for (const activity of activities) if (activity.type !== 'invokeResponse' && activity.type !== 'trace') limiter.record();
          return send();
        });
      }
      await next();
    },
  });
  const outbox = new Outbox(store);
  // Circuit breakers per endpoint and the tenant-wide pause: an outage waits instead of spending the rows' attempts.
  const health = sendingHealth({ logger: logger.child({ component: 'sending' }), strings: cards.strings, notify: (id, notice) => notices.queue(id, notice) });
  const messenger = new ProactiveMessenger({
    adapter: deps.adapter,
    botAppId: config.bot.appId,
    botId: settings.botId,
    tenantId: settings.tenantId,
    serviceUrl: settings.serviceUrl,
    conversations: deps.conversations,
    store,
    limiter,
    directory,
    catalogAppId: settings.catalogAppId,
    guard: health.breakers,
    logger: logger.child({ component: 'messenger' }),
    // The sender below writes them with its outcomes.
    storeChatsWithOutcomes: true,
  });
  const notices = new AdminNotices({ store, outbox, messenger, cards, languages: deps.languages, adminsGroupId: settings.adminsGroupId });
  // Targeting stays a few seconds of sending ahead of the sender, so the two do not fight over the process.
  const targetingBacklog = settings.targetingLeadSeconds > 0 ? Math.ceil(((sendWindow.limit * 1_000) / sendWindow.windowMs) * settings.targetingLeadSeconds) : undefined;
  // Campaigns, escalations and passes: one outbox, one sender, one messenger and its rate limiter.
  const shared = { store, outbox, directory, messenger, cards, audit, languages: deps.languages };
  // One cache of who is in which group, for every feature that gates on a group (and the tab).
  const membership = new GroupMembership(directory, logger.child({ component: 'groups' }));
  const campaigns = new Campaigns({ ...shared, logger, targeting, cadence, organisationName: deps.organisationName, timeZone, targetingBacklog });
  const escalations = new Escalations({
    ...shared,
    logger: logger.child({ component: 'escalations' }),
    settings: settings.escalation,
    // Reminders to deciders count working days, unless the deployment ignores working hours altogether (the demo).
    hours: cadence.respectWorkingHours ? cadence.hours : parseWorkingHours('00:00-24:00', 'mon-sun'),
    timeZone,
    concernTitle: deps.concernTitle,
    campaigns: {
      contextOf: (userId) => campaigns.contextOf(userId),
      escalated: (userId) => campaigns.onEscalated(userId),
      decided: async (userId, decision, campaignId) => {
        if (campaignId) await campaigns.onDecided(userId, campaignId, decision);
      },
    },
  });
  const temporaryAccess = new TemporaryAccess({
    ...shared,
    membership,
    logger: logger.child({ component: 'tap' }),
    settings: resolveTapSettings(config, deps.demo),
    breakGlass: settings.breakGlass,
    timeZone,
    verifiedId: deps.verifiedId,
    verifiedIdRequired: config.verifiedId.required,
    accountRecoveryUrl: config.verifiedId.recoveryUrl,
  });
  // One cache of who reports to whom, for the managers' commands and the tab's Leadership view.
  const reports = directory ? new ReportTree(directory) : undefined;
  const team =
    directory && reports
    ? new Team({
        store,
        facts: personFacts(store, campaigns.records, escalations.records),
        reports,
        directory,
        outbox,
        audit,
        cards,
        settings: settings.managers,
        hours: cadence.hours,
        respectWorkingHours: cadence.respectWorkingHours,
        defaultTimeZone: timeZone,
        logger: logger.child({ component: 'team' }),
      })
    : undefined;
  const nudges = nudgeDelivery({
    store,
    isEnrolled: async (userId) => (await store.get(ENROLMENTS_PARTITION, userId)) !== undefined,
    messenger,
    cards,
    languages: deps.languages,
    hours: cadence.hours,
    respectWorkingHours: cadence.respectWorkingHours,
    timeZoneOf: (userId) => team?.timeZoneOf(userId) ?? Promise.resolve(timeZone),
  });
  const digest = new LeadershipDigest({
    ...shared,
    membership,
    logger: logger.child({ component: 'digest' }),
    background,
    settings: resolveDigestSettings(config, deps.demo),
    scheduled: deps.demo === undefined || config.demo?.campaign === true,
    adminsGroupId: settings.adminsGroupId,
    defaultTimeZone: timeZone,
    instanceId: config.instanceId,
    count: digestSource(store, campaigns.records, deps.objections),
    experiment: digestExperimentWords(cards.strings),
    concernTitle: deps.concernTitle,
    tabUrl: () => tabLink({ publicBaseUrl: deps.publicBaseUrl(), catalogAppId: settings.catalogAppId, demo: deps.demo !== undefined }, 'leadership'),
  });
  const sender = new OutboxSender({
    outbox,
    store,
    handler: routeByKind({ campaign: campaigns, escalation: escalations, tap: temporaryAccess, notice: notices, nudge: nudges, digest }, groupFanOut({ outbox, directory, guard: health.breakers })),
    logger: logger.child({ component: 'sender' }),
    instanceId: config.instanceId,
    concurrency: settings.concurrency,
    // As many messages in flight as the tenant's rate needs at the time each takes (send-window.ts).
    pressure: limiter,
    breakers: health.breakers,
    tenant: health.tenant,
    alongsideOutcomes: () => deps.conversations.storeOpenedChats(),
  });
  // One scheduled run does every job; a failure in one does not hold up the others. A run that lost its lease stops
  // between pages (targeting saves its place), and says so once rather than as three failures.
  const scheduler = new CampaignScheduler({
    work: async (now, signal) => {
      const results = await Promise.allSettled([campaigns.tick(now, signal), escalations.tick(now), temporaryAccess.expireDue(now)]);
      if (signal.aborted) return;
      for (const result of results) if (result.status === 'rejected') logger.error('scheduled work failed; the next run tries again', { error: result.reason });
    },
    store,
    instanceId: config.instanceId,
    background,
    logger,
  });
  const exports = new ExportLinks(store, (campaignId) => ({ fileName: `passkey-campaign-${campaignId}.csv`, contentType: 'text/csv; charset=utf-8', body: campaignCsv(campaigns.records, campaignId) }));
  const commands = new CampaignCommands({
    campaigns,
    directory,
    membership,
    adminsGroupId: settings.adminsGroupId,
    targeting,
    outbox,
    exports,
    publicBaseUrl: deps.publicBaseUrl,
    cards,
    languages: deps.languages,
    audit,
    background,
    replyLater: (reference, send) => deps.adapter.continueConversationAsync(config.bot.appId, reference, send),
    logger,
    timeZone,
    kick: () => scheduler.kick(),
    sendingProblem: (locale) => health.problem(locale),
  });
  const events: CoachEvents = {
    enrolled: async (userId, strongMethods) => {
      await campaigns.onEnrolled(userId, strongMethods >= 2);
      await escalations.withdraw(userId);
    },
    saidEnrolled: (userId) => campaigns.onSaidEnrolled(userId),
    refused: async (userId) => {
      await campaigns.onRefused(userId);
      // Routing reads Graph (the manager, their account): after the turn. A crash before it ends is repaired by the
      // scheduler, which opens an escalation for every refusal that has none.
      background.run('escalation-open', async () => {
        try {
          await escalations.open(userId);
        } catch (error) {
          logger.warn('could not open the escalation yet; the scheduler will', { error });
        }
      });
    },
  };
  return {
    campaigns,
    escalations,
    temporaryAccess,
    team,
    digest,
    reports,
    membership,
    commands,
    outbox,
    sender,
    health,
    scheduler,
    messenger,
    limiter,
    exports,
    events,
    // The messenger first: it usually knows from memory that it installed the app for this very message.
    invitationUnderway: async (userId) => (await messenger.messageUnderway(userId)) || (await campaigns.invitationUnderway(userId)),
    async installationChanged(userId, change) {
      if (change === 'removed') await messenger.markUnreachable(userId, 'removed-app');
      else await messenger.markReachable(userId);
    },
    start() {
      sender.start();
      scheduler.start();
      digest.start();
    },
    async startDemoCampaign() {
      const now = new Date();
      const deadline = demoDeadline(now, timeZone, cadence.hours.days);
      const result = await campaigns.start({ name: 'Demo roll-out', deadline, waves: 1, by: { id: 'demo', name: 'Demo launcher' } }, now);
      if ('refused' in result) logger.info('demo campaign not started', { reason: result.refused });
      scheduler.kick();
    },
    async stop(deadline) {
      digest.stop();
      await Promise.all([scheduler.stop(deadline), sender.stop(deadline)]);
    },
  };
}

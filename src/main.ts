// Composes the service from its parts: config → logger → store → audit → bot → HTTP. No HTTP knowledge here.

import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { anchorFilePath, anchorSources, type AuditAnchoring, createAuditAnchoring } from './audit/audit-anchoring.js';
import { StoreAuditLog } from './audit/audit-log.js';
import { createTeamsAdapter } from './messaging/teams-adapter.js';
import { createBotApplication } from './bot/app.js';
import { createTurnHandler } from './bot/turn-handler.js';
import { CardRenderer } from './cards/card-renderer.js';
import { configSecrets } from './config/load-config.js';
import type { AppConfig } from './config/app-config.js';
import { AppError, type UserMessage } from './errors/app-error.js';
import { type HttpServerHandle, startHttpServer } from './http/server.js';
import { createLogger, type LogSink, type Logger } from './logging/logger.js';
import { Redactor } from './logging/redact.js';
import { StatusLine } from './logging/status-line.js';
import type { Directory } from './directory/directory-port.js';
import { packageRoot } from './shared/package-root.js';
import { ConversationReferences } from './messaging/conversation-references.js';
import { demoAddressCheck } from './messaging/demo-address-check.js';
import { DIALOG_TTL_MS, DialogStore } from './conversation/dialog-store.js';
import { EmployeeCoach } from './conversation/employee-coach.js';
import { DeviceModels } from './enrollment/device-models.js';
import { PasskeyRulesReader } from './enrollment/passkey-rules.js';
import { EnrolmentTierResolver } from './directory/enrolment-tier-resolver.js';
import { guidesFor } from './enrollment/guides.js';
import { loadUnderstanding } from './objections/load-objections.js';
import { LanguageChooser } from './conversation/language.js';
import { Strings } from './shared/strings.js';
import { LegalPages } from './http/legal-pages.js';
import type { IntentId } from './shared/intents.js';
import { ObjectionLog } from './objections/objection-log.js';
import { BackgroundWork } from './shared/background-work.js';
import { PeriodicJob } from './shared/periodic-job.js';
import { BatchingStore } from './store/batching-store.js';
import { openStoreAndMarker } from './store/open-store.js';
import { requireStateContinuity } from './app/state-continuity.js';
import { StoreReadiness } from './store/store-readiness.js';
import { configuredDirectory } from './app/compose-directory.js';
import { composeFeatures, type Features } from './app/compose-features.js';
import { composeVerifiedId } from './app/compose-verified-id.js';
import type { DemoRuntime, DemoWiring } from './app/demo-tenant.js';
import type { TabService } from './tab/tab-service.js';
import { composeTabService } from './app/compose-tab.js';
import { resolveSsoSettings, TabSso } from './tab/tab-sso.js';
import { showDemoProgress } from './campaigns/demo-progress.js';
import { purgeExpiredLinks } from './campaigns/export-links.js';
import { purgeClosedHelpRequests } from './helpdesk/help-requests.js';
import type { Store } from './store/store-port.js';
import { watchServiceState } from './app/service-gauges.js';
import { createPrivacy, type Privacy } from './privacy/privacy.js';

export const SHUTDOWN_BUDGET_MS = 10_000;
/** How often records past their retention period are deleted (and once at start). */
export const RETENTION_SWEEP_MS = 6 * 3600_000;

export interface ServiceOptions {
  logSink?: LogSink;
  /** Overrides the database file (tests use ':memory:'). */
  databasePath?: string;
  /** Skips the demo-mode banner on stderr (the build's warm-up run). */
  quiet?: boolean;
  /** Demo mode's local Microsoft 365, from the entry point that runs demo mode (src/dev/demo-wiring.ts). */
  demo?: DemoWiring;
  /** Where the trained intent model is cached (default DATA_DIR/cache). */
  cacheDir?: string;
  /** Puts something around the opened store (tests inject storage faults with it). */
  wrapStore?: (store: Store) => Store;
}

export interface ServiceHandle {
  url: string;
  port: number;
  config: AppConfig;
  logger: Logger;
  store: Store;
  redactor: Redactor;
  /** The Graph-backed directory; undefined when no Graph credential is configured (features that need it fail closed). */
  directory: Directory | undefined;
  /** Demo mode, when running. */
  demo: DemoRuntime | undefined;
  /** Campaigns, escalations, passes, their outbox and sender (tests drive the scheduler through it). */
  features: Features;
  /** Writes the audit trail's head to its anchors now (the schedule does it every AUDIT_ANCHOR_INTERVAL_MINUTES). */
  anchorAudit(): Promise<void>;
  /** What the tab's views show, behind its SSO check (tests read the figures through it). */
  tab: TabService;
  /** Erasure of one person, and the daily check for people who left Entra (tests run it by hand). */
  privacy: Privacy;
  /**
   * Graceful stop: requests not yet handled are answered 503 with Retry-After, turns in flight finish, the sender and
   * the scheduler stop alongside (all within the budget), then the store closes.
   */
  stop(reason: string): Promise<{ drained: boolean }>;
}

export function databaseFile(config: AppConfig): string {
  return path.join(config.dataDir, 'passkey-coach.db');
}

export async function startService(config: AppConfig, options: ServiceOptions = {}): Promise<ServiceHandle> {
  const redactor = new Redactor();
  for (const secret of configSecrets(config)) redactor.addSecret(secret);
  // The demo's progress line shares the terminal with the log: log lines are written above it, not onto its end.
  const statusLine = new StatusLine(process.stderr);
  const logger = createLogger({ level: config.logLevel, sink: statusLine.around(options.logSink ?? process.stdout), redactor, bindings: { service: 'passkey-coach' } });
  const startedAt = performance.now();
  const phases: Record<string, number> = {};
  const lap = (name: string) => {
    phases[name] = Math.round(performance.now() - startedAt);
  };
  const demo = await options.demo?.start(config, logger);
  lap('emulators');
  const directory = demo ? demo.directory(config, logger, redactor) : configuredDirectory(config, logger, redactor);
  const demoTenant = demo?.tenant;
  // Unset, every sentence says its own language's "your organisation" (organisationIn); the demo knows its tenant's name.
  const organisationName = config.organisationName ?? demoTenant?.organisationName;

  const databasePath = options.databasePath ?? databaseFile(config);
  const background = new BackgroundWork(logger.child({ component: 'background' }));
  let retention: PeriodicJob | undefined;
  let privacy: Privacy | undefined;
  let anchoring: AuditAnchoring | undefined;
  let store: Store | undefined;
  let storeRequests: (() => Readonly<Record<string, number>>) | undefined;
  let http: HttpServerHandle;
  let features: Features | undefined;
  let serverUrl: string | undefined;
  let tabService: TabService | undefined;
  let unwatch: (() => void) | undefined;
  try {
    if (config.store.kind === 'sqlite' && databasePath !== ':memory:') mkdirSync(path.dirname(databasePath), { recursive: true });
    const opened = await openStoreAndMarker(config.store, databasePath);
    storeRequests = () => opened.store.requestCounts?.() ?? {};
    // Reads and writes that features start together reach the storage together (batching-store.ts).
    const batched = new BatchingStore(opened.store);
    store = options.wrapStore ? options.wrapStore(batched) : batched;
    const openStore = store;
    // Before anything is written: an empty store where the service had state must not start as if new.
    await requireStateContinuity({
      store: openStore,
      storeName: config.store.kind === 'sqlite' ? `the database ${databasePath === ':memory:' ? 'in memory' : path.resolve(databasePath)}` : `the Azure table ${config.store.table}`,
      marker: await opened.marker(),
      anchors: await anchorSources(config.audit.anchors, databasePath),
      keys: config.audit.keys,
      anchorFile: anchorFilePath(config.audit.anchors, databasePath),
      startFresh: config.startFresh,
      logger: logger.child({ component: 'state' }),
    });
    const readiness = new StoreReadiness(openStore, logger.child({ component: 'readiness' }));
    const audit = new StoreAuditLog({ store: openStore, keyring: config.audit, redactor });
    // Checkpoints of the trail's head outside the database, so a rolled-back or emptied trail stops verifying.
    anchoring = await createAuditAnchoring({ settings: config.audit.anchors, databasePath, store: openStore, keyring: config.audit, logger: logger.child({ component: 'audit-anchors' }), background });
    anchoring.start();
    const strings = new Strings();
    const legalPages = new LegalPages(strings, { organisationName, retentionDays: config.coach.retentionDays, keepObjectionText: config.coach.keepObjectionText, dialogDays: Math.round(DIALOG_TTL_MS / (24 * 3600_000)) }, config.coach.legalPages);
    const cards = CardRenderer.load(undefined, strings);
    const adapter = createTeamsAdapter(config);
    lap('store');
    const understanding = loadUnderstanding(config, options.cacheDir);
    // English is read before the first turn; the other languages when the first message in them arrives.
    await understanding.matcher('en');
    /** A concern as people read it (the catalog's title), wherever the coach shows topics instead of words. */
    const concernTitle = (intent: string, locale = 'en') => understanding.catalog(locale).intents.get(intent as IntentId)?.title ?? intent;
    const objections = new ObjectionLog(openStore, { keepText: config.coach.keepObjectionText, retentionDays: config.coach.retentionDays });
    retention = new PeriodicJob('retention', RETENTION_SWEEP_MS, async () => {
      const purged = await objections.purge();
      if (purged > 0) logger.info('deleted objection records past retention', { purged, retentionDays: config.coach.retentionDays });
      const helped = await purgeClosedHelpRequests(openStore, config.coach.retentionDays);
      if (helped > 0) logger.info('deleted help requests closed before the retention period', { helped, retentionDays: config.coach.retentionDays });
      const links = await purgeExpiredLinks(openStore);
      if (links > 0) logger.info('deleted expired export links', { links });
    }, background);
    retention.start();
    privacy = createPrivacy({ store: openStore, audit, objections, directory, afterDisabledDays: config.coach.eraseAfterDisabledDays, instanceId: config.instanceId, logger: logger.child({ component: 'privacy' }), background, production: config.mode === 'production' });
    privacy.start();
    const conversations = new ConversationReferences(openStore, {
      logger: logger.child({ component: 'conversations' }),
      acceptsAddress: config.mode === 'demo' ? demoAddressCheck(demoTenant?.serviceUrl) : undefined,
      chatBeingOpened: async (userId) => (await features?.messenger.messageUnderway(userId)) ?? false,
    });
    const dialogs = new DialogStore(openStore);
    const language = new LanguageChooser({ strings, dialogs, directory, logger: logger.child({ component: 'language' }), understood: () => understanding.locales });
    const tiers = new EnrolmentTierResolver(config.tiers, directory);
    const publicBaseUrl = () => (config.bot.domain ? `https://${config.bot.domain}` : (serverUrl ?? ''));
    features = composeFeatures({
      config,
      tiers,
      demo: demoTenant,
      store: openStore,
      adapter,
      directory,
      cards,
      audit,
      logger: logger.child({ feature: 'campaigns' }),
      background,
      conversations,
      publicBaseUrl,
      verifiedId: composeVerifiedId(config, demo, demo ? () => serverUrl ?? '' : publicBaseUrl, organisationName ?? 'Passkey Coach'),
      concernTitle,
      organisationName,
      objections,
      languages: { ofRecipient: (userId, known) => language.forProactive(userId, undefined, known), inTurn: (userId, teamsLocale) => language.forClick(userId, teamsLocale) },
    });
    const coach = new EmployeeCoach({
      events: features.events,
      cards,
      strings,
      guides: guidesFor,
      catalog: (locale) => understanding.catalog(locale),
      classifier: understanding,
      language,
      dialogs,
      objections,
      store: openStore,
      audit,
      directory,
      background,
      replyLater: (reference, send) => adapter.continueConversationAsync(config.bot.appId, reference, send),
      logger: logger.child({ feature: 'coach' }),
      devices: DeviceModels.load(),
      passkeyRules: new PasskeyRulesReader(directory, logger.child({ component: 'passkey-policy' })),
      tiers,
      help: { cards, organisationName, privacy: { retentionDays: config.coach.retentionDays, keepsObjectionText: config.coach.keepObjectionText } },
      rollout: { organisation: organisationName, reasons: config.coach.rolloutReasons, deadline: config.coach.rolloutDeadline },
      campaignDeadline: async (userId) => (await features!.campaigns.contextOf(userId))?.deadline,
    });
    const app = createBotApplication(adapter, config.bot.appId, {
      cards,
      audit,
      logger: logger.child({ feature: 'bot' }),
      organisationName,
      coach,
      campaigns: { commands: features.commands, service: features.campaigns },
      escalations: features.escalations,
      temporaryAccess: features.temporaryAccess,
      team: features.team,
      digest: features.digest,
      invitationUnderway: (userId) => features!.invitationUnderway(userId),
      installationChanged: (userId, change) => features!.installationChanged(userId, change),
      languageOf: (userId, teamsLocale) => language.forProactive(userId, teamsLocale),
      privacy: { retentionDays: config.coach.retentionDays, keepsObjectionText: config.coach.keepObjectionText },
    });
    unwatch = watchServiceState({
      outbox: features.outbox,
      health: features.health,
      openPassRequests: () => features!.temporaryAccess.records.openRequests(),
      openEscalations: () => features!.escalations.records.openOnes(),
      anchorer: anchoring.anchorer,
      sending: () => features!.sender.stats(),
      logger: logger.child({ component: 'telemetry' }),
    });
    const handleTurn = createTurnHandler({ app, config, conversations, audit, strings, languageOf: (userId, teamsLocale) => language.forClick(userId, teamsLocale) });

    const processActivity = (authHeader: string, activity: Activity, requestLogger: Logger): Promise<InvokeResponse | undefined> => {
      demo?.chatSeen(activity);
      return adapter.handleActivity(authHeader, activity, (context: TurnContext) => handleTurn(context, requestLogger));
    };

    lap('coach');
    tabService = composeTabService({ config, demoTenant, store: openStore, audit, anchorSources: anchoring.sources, features, objections, concernTitle, strings, directory, logger });
    const demoSignIn = demo?.tabSignIn();
    const tab = {
      assetsDir: path.join(packageRoot(), 'dist', 'tab'),
      sso: new TabSso(demoSignIn?.sso ?? resolveSsoSettings(config)),
      service: tabService,
      demo: demoSignIn?.sessions,
    };
    http = await startHttpServer({
      host: config.http.host,
      port: config.http.port,
      logger: logger.child({ component: 'http' }),
      processActivity,
      isReady: async () => (await readiness.check()).ready,
      takeDownload: (token) => features!.exports.take(token),
      verifiedIdCallback: (secretHeader, body) => features!.temporaryAccess.presentationCallback(secretHeader, body),
      tab,
      strings,
      legalPages,
      ...(config.mode === 'demo' ? { storeRequests } : {}),
    });
    serverUrl = http.url;
  } catch (error) {
    unwatch?.();
    retention?.stop();
    privacy?.stop();
    anchoring?.halt();
    await features?.stop(Date.now() + 1_000);
    // A failed start (port in use, unreadable database, broken card) must not leave emulators or the store open.
    await store?.close();
    await demo?.close();
    throw portProblem(error, config) ?? error;
  }
  const openStore = store;
  const runningAnchoring = anchoring!;
  lap('http');
  // Milliseconds since startService began, per phase: start-up time is a budget (bench:turn measures it).
  logger.info('listening', { url: http.url, mode: config.mode, startupMs: phases });
  demo?.attachBot(`${http.url}/api/messages`);
  const runningFeatures = features!;
  runningFeatures.start();
  let stopProgress: (() => void) | undefined;
  if (config.mode === 'demo' && config.demo?.campaign && demoTenant) {
    await runningFeatures.startDemoCampaign();
    if (!options.quiet) stopProgress = showDemoProgress(runningFeatures.campaigns, statusLine);
  }
  if (config.mode === 'demo' && !options.quiet) announceDemoMode(http.url, demo?.bannerLines(http.url) ?? [], logger);

  let stopping: Promise<{ drained: boolean }> | undefined;
  return {
    url: http.url,
    port: http.port,
    config,
    logger,
    store: openStore,
    redactor,
    directory,
    demo,
    features: runningFeatures,
    anchorAudit: () => runningAnchoring.anchorer.checkpoint(),
    tab: tabService!,
    privacy: privacy!,
    stop(reason: string) {
      stopping ??= (async () => {
        const deadline = Date.now() + SHUTDOWN_BUDGET_MS - 1_000;
        stopProgress?.();
        logger.info('stopping', { reason });
        retention?.stop();
        privacy?.stop();
        // Side by side, each within the deadline: a message stuck on its way to Teams must not eat the time the
        // requests already here need to be answered. The server listens (answering 503) until the end of the stop.
        const [result] = await Promise.all([http.drain(deadline), runningFeatures.stop(deadline)]);
        if (!(await background.drain(deadline))) logger.warn('background work still running at shutdown', { running: background.size });
        await runningAnchoring.stop(deadline);
        await http.close(deadline);
        unwatch?.();
        try {
          await openStore.close();
        } finally {
          await demo?.close();
        }
        logger.info('stopped', { drained: result.drained });
        return result;
      })();
      return stopping;
    },
  };
}

/** A port the server cannot have, as a message that says what to set (instead of Node's stack trace). */
function portProblem(error: unknown, config: AppConfig): AppError | undefined {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const { host, port } = config.http;
  const suggested = port === 65535 ? 3979 : port + 1;
  const problem: { message: string; userMessage: UserMessage } | undefined =
    code === 'EADDRINUSE'
      ? {
          message: `Port ${port} on ${host} is already in use, perhaps by another Passkey Coach (a demo still running?). Stop that one, or set PORT to a free port, for example PORT=${suggested}.`,
          userMessage: { key: 'errors.config.portInUse', params: { port, host, suggested } },
        }
      : code === 'EACCES'
        ? {
            message: `This process may not listen on port ${port} (ports below 1024 need privileges). Set PORT to a free port from 1024 up, for example PORT=3978.`,
            userMessage: { key: 'errors.config.portNotAllowed', params: { port } },
          }
        : code === 'EADDRNOTAVAIL'
          ? { message: `This machine has no address ${host} to listen on. Set HOST to one of its addresses, or leave it unset.`, userMessage: { key: 'errors.config.noSuchAddress', params: { host } } }
          : undefined;
  return problem ? new AppError('config.port-unavailable', problem.message, { userFault: true, userMessage: problem.userMessage, cause: error }) : undefined;
}

/** Demo mode says so on every start: inbound authentication is off, so it must never face a network. */
function announceDemoMode(url: string, details: readonly string[], logger: Logger): void {
  const line = '!'.repeat(78);
  const lines = [line, '!!  DEMO MODE: BOT_ID is empty, so inbound authentication is OFF.', `!!  Listening on ${url} only. Never expose this to a network.`, '!!  Set BOT_ID, BOT_PASSWORD and BOT_TENANT_ID to run for real.', line, ...details];
  process.stderr.write(`${lines.join('\n')}\n`);
  logger.warn('demo mode: inbound authentication is off; loopback only');
}

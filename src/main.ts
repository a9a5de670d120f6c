// Composes the service from its parts: config → logger → store → audit → bot → HTTP. No HTTP knowledge here.

import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Activity, InvokeResponse, TurnContext } from 'botbuilder';
import { type AuditAnchoring, createAuditAnchoring } from './audit/audit-anchoring.js';
import { StoreAuditLog } from './audit/audit-log.js';
import { createTeamsAdapter } from './bot/adapter.js';
import { createBotApplication } from './bot/app.js';
import { createTurnHandler } from './bot/turn-handler.js';
import { CardRenderer } from './cards/card-renderer.js';
import { type AppConfig, configSecrets } from './config/load-config.js';
import { AppError } from './errors/app-error.js';
import { type HttpServerHandle, startHttpServer } from './http/server.js';
import { createLogger, type LogSink, type Logger } from './logging/logger.js';
import { Redactor } from './logging/redact.js';
import { StatusLine } from './logging/status-line.js';
import { DEFAULT_DEMO_TENANT, type DemoEnvironment, type DemoEnvironmentOptions, startDemoEnvironment } from './dev/demo-environment.js';
import type { Directory } from './directory/directory.js';
import { GraphDirectory } from './directory/directory.js';
import { createGraphClient, createGraphCredential, type GraphClientOptions } from './directory/graph-client.js';
import { installsLimit } from './directory/graph-retry-handler.js';
import { type SeedIdentity, seedIdentitySchema } from './dev/tenant-seed.js';
import { packageRoot } from './shared/package-root.js';
import { ConversationReferences } from './messaging/conversation-references.js';
import { demoAddressCheck } from './messaging/demo-address-check.js';
import { DialogStore } from './conversation/dialog-store.js';
import { EmployeeCoach } from './conversation/employee-coach.js';
import { loadGuides } from './enrollment/guides.js';
import { loadObjections } from './objections/load-objections.js';
import type { IntentId } from './shared/intents.js';
import { ObjectionLog } from './objections/objection-log.js';
import { BackgroundWork } from './shared/background-work.js';
import { PeriodicJob } from './shared/periodic-job.js';
import { openStore as openConfiguredStore } from './store/open-store.js';
import { createOutreach, type Outreach, resolveOutreachSettings, resolveTapSettings } from './campaigns/outreach.js';
import { DemoSessions } from './tab/demo-session.js';
import { PeopleNames } from './tab/people-names.js';
import { TabService } from './tab/tab-service.js';
import { resolveSsoSettings, TabSso } from './tab/tab-sso.js';
import { showDemoProgress } from './campaigns/demo-progress.js';
import { purgeExpiredLinks } from './campaigns/export-links.js';
import { purgeClosedHelpRequests } from './helpdesk/help-requests.js';
import type { Store } from './store/store-port.js';

export const SHUTDOWN_BUDGET_MS = 10_000;
/** How often records past their retention period are deleted (and once at start). */
export const RETENTION_SWEEP_MS = 6 * 3600_000;

export interface ServiceOptions {
  logSink?: LogSink;
  /** Overrides the database file (tests use ':memory:'). */
  databasePath?: string;
  /** Skips the demo-mode banner on stderr (the build's warm-up run). */
  quiet?: boolean;
  /** Demo mode: start the local Graph and Bot Connector emulators (default: as configured; tests that do not need them pass false). */
  emulators?: boolean;
  /** Settings for those emulators beyond the seed (tests shrink the report's pages, benchmarks raise the rates). */
  emulatorOptions?: Pick<DemoEnvironmentOptions, 'graph' | 'connector'>;
  /** Where the trained intent model is cached (default DATA_DIR/cache). */
  cacheDir?: string;
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
  /** Demo mode's emulators, when running. */
  demo: DemoEnvironment | undefined;
  /** Campaigns, their outbox and sender (tests drive the scheduler through it). */
  outreach: Outreach;
  /** Writes the audit trail's head to its anchors now (the schedule does it every AUDIT_ANCHOR_INTERVAL_MINUTES). */
  anchorAudit(): Promise<void>;
  /** What the tab's views show, behind its SSO check (tests read the figures through it). */
  tab: TabService;
  /** Graceful stop: no new requests, turns in flight finish (within the budget), the store closes. */
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
  const demo =
    config.mode === 'demo' && (options.emulators ?? config.demo?.startEmulators ?? false)
      ? await startDemoEnvironment({ ...options.emulatorOptions, seedFile: config.demo?.tenantFile, logger })
      : undefined;
  lap('emulators');
  const external = config.mode === 'demo' && !demo && config.demo?.external ? loadExternalDemo(config) : undefined;
  const directory = createDirectory(config, demo, external, logger, redactor);
  const demoTenant = demo ? { seed: demo.seed, serviceUrl: demo.connector.serviceUrl } : external ? { seed: external.seed, serviceUrl: config.campaign.serviceUrl } : undefined;
  // "your organisation" fits inside a sentence only; the demo knows its tenant's name.
  const organisationName = config.organisationName ?? demoTenant?.seed.tenant.displayName ?? 'your organisation';

  const databasePath = options.databasePath ?? databaseFile(config);
  const background = new BackgroundWork(logger.child({ component: 'background' }));
  let retention: PeriodicJob | undefined;
  let anchoring: AuditAnchoring | undefined;
  let store: Store | undefined;
  let http: HttpServerHandle;
  let outreach: Outreach | undefined;
  let serverUrl: string | undefined;
  let tabService: TabService | undefined;
  try {
    if (config.store.kind === 'sqlite' && databasePath !== ':memory:') mkdirSync(path.dirname(databasePath), { recursive: true });
    store = await openConfiguredStore(config.store, databasePath);
    const openStore = store;
    const audit = new StoreAuditLog({ store: openStore, keyring: config.audit, redactor });
    // Checkpoints of the trail's head outside the database, so a rolled-back or emptied trail stops verifying.
    anchoring = await createAuditAnchoring({ settings: config.audit.anchors, databasePath, store: openStore, keyring: config.audit, logger: logger.child({ component: 'audit-anchors' }), background });
    anchoring.start();
    const cards = CardRenderer.load();
    const adapter = createTeamsAdapter(config);
    lap('store');
    const { catalog, matcher } = await loadObjections(config, options.cacheDir);
    /** A concern as people read it (the catalog's title), wherever the coach shows topics instead of words. */
    const concernTitle = (intent: string) => catalog.intents.get(intent as IntentId)?.title ?? intent;
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
    const conversations = new ConversationReferences(openStore, {
      logger: logger.child({ component: 'conversations' }),
      acceptsAddress: config.mode === 'demo' ? demoAddressCheck(demoTenant?.serviceUrl) : undefined,
    });
    outreach = createOutreach({
      config,
      demo: demoTenant,
      store: openStore,
      adapter,
      directory,
      cards,
      audit,
      logger: logger.child({ feature: 'campaigns' }),
      background,
      conversations,
      publicBaseUrl: () => config.bot.domain ? `https://${config.bot.domain}` : (serverUrl ?? ''),
      concernTitle,
      organisationName,
    });
    const guides = loadGuides('en');
    const coach = new EmployeeCoach({
      events: outreach.events,
      cards,
      guides,
      catalog,
      classifier: matcher,
      dialogs: new DialogStore(openStore),
      objections,
      store: openStore,
      audit,
      directory,
      background,
      replyLater: (reference, send) => adapter.continueConversationAsync(config.bot.appId, reference, send),
      logger: logger.child({ feature: 'coach' }),
      retentionDays: config.coach.retentionDays,
      keepsObjectionText: config.coach.keepObjectionText,
    });
    const app = createBotApplication(adapter, config.bot.appId, {
      cards,
      audit,
      logger: logger.child({ feature: 'bot' }),
      organisationName,
      coach,
      campaigns: { commands: outreach.commands, service: outreach.campaigns },
      escalations: outreach.escalations,
      temporaryAccess: outreach.temporaryAccess,
      invitationUnderway: (userId) => outreach!.invitationUnderway(userId),
      installationChanged: (userId, change) => outreach!.installationChanged(userId, change),
      privacy: { retentionDays: config.coach.retentionDays, keepsObjectionText: config.coach.keepObjectionText },
    });
    const handleTurn = createTurnHandler({ app, config, conversations, audit });

    const processActivity = (authHeader: string, activity: Activity, requestLogger: Logger): Promise<InvokeResponse | undefined> => {
      demo?.chatSeen(activity);
      return adapter.handleActivity(authHeader, activity, (context: TurnContext) => handleTurn(context, requestLogger));
    };

    lap('coach');
    const tap = resolveTapSettings(config, demoTenant);
    tabService = new TabService({
      store: openStore,
      audit,
      auditKeys: config.audit.keys,
      auditAnchors: anchoring.sources,
      membership: outreach.membership,
      groups: { admin: resolveOutreachSettings(config, demoTenant).adminsGroupId, helpdesk: tap.helpdeskGroupId, security: tap.securityGroupId },
      campaigns: outreach.campaigns.records,
      escalations: outreach.escalations.records,
      passes: outreach.temporaryAccess,
      objections,
      concernTitle,
      platformLabel: (platform) => guides.platforms.find((guide) => guide.id === platform)?.label,
      names: new PeopleNames(directory, logger.child({ component: 'tab' })),
    });
    const tab = {
      assetsDir: path.join(packageRoot(), 'dist', 'tab'),
      sso: new TabSso(resolveSsoSettings(config, demo ? { seed: demo.seed, authorityHost: demo.graph.authorityHost, caCertificate: demo.graph.caCertificate } : undefined)),
      service: tabService,
      demo: demo ? new DemoSessions({ seed: demo.seed, authorityHost: demo.graph.authorityHost, caCertificate: demo.graph.caCertificate }) : undefined,
    };
    http = await startHttpServer({
      host: config.http.host,
      port: config.http.port,
      logger: logger.child({ component: 'http' }),
      processActivity,
      isReady: () => openStore.isOpen(),
      takeDownload: (token) => outreach!.exports.take(token),
      tab,
    });
    serverUrl = http.url;
  } catch (error) {
    retention?.stop();
    anchoring?.halt();
    await outreach?.stop(Date.now() + 1_000);
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
  const runningOutreach = outreach!;
  runningOutreach.start();
  let stopProgress: (() => void) | undefined;
  if (config.mode === 'demo' && config.demo?.campaign && demoTenant) {
    await runningOutreach.startDemoCampaign();
    if (!options.quiet) stopProgress = showDemoProgress(runningOutreach.campaigns, statusLine);
  }
  if (config.mode === 'demo' && !options.quiet) announceDemoMode(http.url, config, demo, logger);

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
    outreach: runningOutreach,
    anchorAudit: () => runningAnchoring.anchorer.checkpoint(),
    tab: tabService!,
    stop(reason: string) {
      stopping ??= (async () => {
        const deadline = Date.now() + SHUTDOWN_BUDGET_MS - 1_000;
        stopProgress?.();
        logger.info('stopping', { reason });
        await runningOutreach.stop(deadline);
        const result = await http.close(deadline);
        retention?.stop();
        if (!(await background.drain(deadline))) logger.warn('background work still running at shutdown', { running: background.size });
        await runningAnchoring.stop(deadline);
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
  const message =
    code === 'EADDRINUSE'
      ? `Port ${port} on ${host} is already in use, perhaps by another Passkey Coach (a demo still running?). Stop that one, or set PORT to a free port, for example PORT=${port === 65535 ? 3979 : port + 1}.`
      : code === 'EACCES'
        ? `This process may not listen on port ${port} (ports below 1024 need privileges). Set PORT to a free port from 1024 up, for example PORT=3978.`
        : code === 'EADDRNOTAVAIL'
          ? `This machine has no address ${host} to listen on. Set HOST to one of its addresses, or leave it unset.`
          : undefined;
  return message ? new AppError('config.port-unavailable', message, { userFault: true, userMessage: message, cause: error }) : undefined;
}

interface ExternalDemo {
  seed: SeedIdentity;
  caCertificate?: string;
}

/** Demo mode against emulators in another process (benchmarks): the tenant file names the app and its demo secret. */
function loadExternalDemo(config: AppConfig): ExternalDemo {
  const file = config.demo?.tenantFile ?? DEFAULT_DEMO_TENANT;
  const resolved = path.isAbsolute(file) ? file : path.join(packageRoot(), file);
  const seed = seedIdentitySchema.parse(JSON.parse(readFileSync(resolved, 'utf8')));
  const caFile = config.demo?.external?.caFile;
  return { seed, caCertificate: caFile ? readFileSync(caFile, 'utf8') : undefined };
}

function createDirectory(config: AppConfig, demo: DemoEnvironment | undefined, external: ExternalDemo | undefined, logger: Logger, redactor: Redactor): Directory | undefined {
  const log = logger.child({ component: 'graph' });
  // A pass value Graph returns is scrubbed from every log line from the moment it arrives.
  const onSecret = (value: string) => redactor.addSecret(value);
  if (demo) {
    const client = createGraphClient({ baseUrl: demo.graph.graphUrl, credential: demo.credential, caCertificate: demo.graph.caCertificate, logger: log, limits: graphLimits(config), retry: { attemptTimeoutMs: config.graph.timeoutMs } });
    return new GraphDirectory(client, { graphBaseUrl: demo.graph.graphUrl, onSecret });
  }
  if (external) {
    const app = external.seed.apps[0];
    if (!app) throw new Error('The demo tenant file has no app registration');
    const credential = createGraphCredential(
      { kind: 'client-secret', tenantId: external.seed.tenant.id, clientId: app.clientId, secret: app.clientSecret },
      { authorityHost: config.graph.authorityHost, caCertificate: external.caCertificate },
    );
    if (!credential) return undefined;
    const client = createGraphClient({ baseUrl: config.graph.baseUrl, credential, caCertificate: external.caCertificate, logger: log, limits: graphLimits(config), retry: { attemptTimeoutMs: config.graph.timeoutMs } });
    return new GraphDirectory(client, { graphBaseUrl: config.graph.baseUrl, onSecret });
  }
  const credential = createGraphCredential(config.graph.credential, { authorityHost: config.graph.authorityHost });
  if (!credential) return undefined;
  return new GraphDirectory(createGraphClient({ baseUrl: config.graph.baseUrl, credential, logger: log, limits: graphLimits(config), retry: { attemptTimeoutMs: config.graph.timeoutMs } }), { graphBaseUrl: config.graph.baseUrl, onSecret });
}

/** Graph's Teams-app install throttle as configured (30 a second unless the tenant has more). */
function graphLimits(config: AppConfig): GraphClientOptions['limits'] {
  return { installs: installsLimit(config.campaign.graphInstallsPerSecond) };
}

function announceDemoMode(url: string, config: AppConfig, demo: DemoEnvironment | undefined, logger: Logger): void {
  const line = '!'.repeat(78);
  const personas = demo?.seed.personas;
  const nameOf = (id: string | undefined) => demo?.seed.users.find((user) => user.id === id)?.displayName ?? '?';
  const lines = [
    line,
    '!!  DEMO MODE: BOT_ID is empty, so inbound authentication is OFF.',
    `!!  Listening on ${url} only. Never expose this to a network.`,
    '!!  Set BOT_ID, BOT_PASSWORD and BOT_TENANT_ID to run for real.',
    line,
  ];
  if (demo) {
    lines.push(
      `  Demo tenant:        ${demo.seed.tenant.displayName} (${demo.seed.users.length} accounts, ${config.demo?.tenantFile})`,
      `  Graph emulator:     ${demo.graph.graphUrl}/v1.0   (not Microsoft Graph)`,
      `  Connector emulator: ${demo.connector.serviceUrl}   (what the bot sent: ${demo.connector.serviceUrl}_emulator/activities)`,
      `  Chat with it:       ${new URL(url).port === '3978' ? '' : `PORT=${new URL(url).port} `}npm run playground   (Microsoft 365 Agents Playground, on loopback)`,
      `  The admins' tab:    ${url}/tab/demo-host/?as=admin   (a local page playing Teams; pick the persona there)`,
    );
    if (personas) {
      lines.push(
        `  You are ${nameOf(personas.employee)}, not enrolled yet; also ${nameOf(personas.manager)} (manager), ${nameOf(personas.helpdesk)} (helpdesk),`,
        `  ${nameOf(personas.approver)} (approver), ${nameOf(personas.security)} (security), ${nameOf(personas.admin)} (campaign admin).`,
      );
    }
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  logger.warn('demo mode: inbound authentication is off; loopback only');
}

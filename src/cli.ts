// The `passkey-coach` command: start the bot, or run an operator task against its data.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { FileAnchorSink } from './audit/anchor-file-sink.js';
import type { AnchorSource } from './audit/audit-anchor.js';
import { anchorSources } from './audit/audit-anchoring.js';
import { runAuditExport, runAuditVerify, parseAuditSince } from './audit/audit-cli.js';
import { updateReadme } from './app/config-docs.js';
import { runConnectorEmulatorCommand } from './dev/connector-emulator/cli.js';
import { demoWiring } from './dev/demo-wiring.js';
import { startDemoEnvironment } from './dev/demo-environment.js';
import { configuredDirectory, configuredPermissionReport, graphPermissionReport } from './app/compose-directory.js';
import type { Directory } from './directory/directory-port.js';
import { tierPolicyWarnings } from './directory/tier-policy-check.js';
import { photoSettingsWarnings } from './directory/photo-settings-check.js';
import { DEFAULT_TIERS } from './config/enrolment-tiers.js';
import { Redactor } from './logging/redact.js';
import { runEraseCommand } from './privacy/erase-command.js';
import { describePermissionReport, type PermissionReport } from './directory/permission-check.js';
import { createLogger } from './logging/logger.js';
import { runGraphEmulatorCommand } from './dev/graph-emulator/cli.js';
import { runSyntheticTenantCommand } from './dev/synthetic-tenant-cli.js';
import { loadConfig } from './config/load-config.js';
import type { AppConfig } from './config/app-config.js';
import { isAppError } from './errors/app-error.js';
import { catalogLocales, loadCatalog } from './objections/catalog-loader.js';
import { runClassifyCommand } from './objections/classify-command.js';
import { trainAndSave } from './objections/intent-matcher.js';
import { loadUnderstanding } from './objections/load-objections.js';
import { databaseFile, SHUTDOWN_BUDGET_MS, startService } from './main.js';
import { packageRoot } from './shared/package-root.js';
import { openStore } from './store/open-store.js';
import type { TelemetryHandle } from './telemetry/bootstrap.js';

const USAGE = `Usage: passkey-coach <command>

Commands:
  start                 Run the bot (demo mode when BOT_ID is empty).
  demo [--no-campaign]  Run the bot in demo mode (refuses if BOT_ID is set); a campaign over the demo tenant
                        starts at launch, with its progress on the terminal, unless --no-campaign.
  check-config          Validate the configuration (and ENROLMENT_TIERS against the passkey policy) and exit.
  check-permissions     Report which Microsoft Graph permissions the service's identity has and which are missing
                        (exit 1 when any is); in demo mode, those of the demo tenant's app.
  audit verify [--from-checkpoint] [--anchors FILE]
                        Verify the audit trail's hash chain and signatures, and that it still reaches its newest
                        anchor (those the service wrote, or a copy kept elsewhere: anchor lines or log lines).
  audit export [--since DATE] [--anchors FILE]
                        Write audit entries as JSON lines (for a SIEM).
  graph-emulator --seed FILE [--port P] [--authority-port Q] [--ca-out FILE] [--latency-ms N] [--install-rps N]
                        Run the local Microsoft Graph emulator (see docs/graph-emulator.md).
  connector-emulator [--port P] [--seed FILE] [--lenient] [--latency-ms N] [--tenant-rps R]
                        Run the local Bot Connector emulator (see docs/connector-emulator.md).
  synthetic-tenant --users N [--seed S] [--out FILE]
                        Write a synthetic tenant seed of N accounts, for benchmarks (see docs/demo-tenant.md).
  classify [--locale xx]
                        Read lines on stdin; print what each one asks, as one JSON line each (the language is
                        detected when --locale is not given).
  train-model FILE [--locale xx]
                        Train the intent model of a catalog (default en) and write it (the build does this).
  erase <upn|objectId> [--request REF]
                        Erase everything the coach keeps about one person now (a data subject's request), and
                        audit it; REF (a ticket number) is kept in the audit entry. A person already deleted from
                        Entra is found by UPN for 30 days, then only by object id. Prints counts, never names.
  docs                  Regenerate the README's configuration and permission tables.
  warm-cache            Start and stop once in memory (used by the build).
  help                  Show this text.

Configuration comes from environment variables; see the README.`;

/** `--locale xx` among a command's arguments: the locale, none, or an error that says what was wrong. */
function localeOption(args: readonly string[]): string | undefined | Error {
  if (args.length === 0) return undefined;
  const [flag, value, ...extra] = args;
  if (flag !== '--locale' || extra.length > 0) return new Error(`expected only --locale xx, not "${args.join(' ')}".`);
  if (!value || !/^[a-z]{2}$/.test(value)) return new Error('--locale takes a two-letter language code, such as en.');
  return value;
}

/** Set by the launcher (bin/passkey-coach.cjs) when it started telemetry before loading the service (src/telemetry/bootstrap.ts). */
function startedTelemetry(): TelemetryHandle | undefined {
  return (globalThis as { __passkeyCoachTelemetry?: TelemetryHandle }).__passkeyCoachTelemetry;
}

/** Set by the launcher (bin/passkey-coach.cjs): called once start-up work is done, so it can save the code cache. */
type ReadyHook = () => void;
const readyHook = (globalThis as { __passkeyCoachStarted?: ReadyHook }).__passkeyCoachStarted;

export async function runCli(argv: string[]): Promise<number> {
  const [command = 'start', subcommand, ...rest] = argv;
  switch (command) {
    case 'start':
      return serve(loadConfig(), subcommand === undefined ? [] : [subcommand, ...rest]);
    case 'demo': {
      const noCampaign = subcommand === '--no-campaign';
      if (subcommand !== undefined && !noCampaign) return fail(`demo takes only --no-campaign, not ${subcommand}.`);
      // The demo shows the main job at once: a campaign that runs now, whatever the hour or the day.
      const config = loadConfig({ DEMO_CAMPAIGN: noCampaign ? 'false' : 'true', CAMPAIGN_RESPECT_WORKING_HOURS: 'false', ...process.env });
      if (config.mode !== 'demo') return fail('demo mode needs an empty BOT_ID: unset BOT_ID (and the other BOT_* settings), or use `start`.');
      return serve(config, []);
    }
    case 'check-config': {
      const config = loadConfig();
      process.stdout.write(`Configuration is valid (${config.mode} mode, ${config.bot.type}, listening on ${config.http.host}:${config.http.port}).\n`);
      for (const line of await tierPolicyCheck(config)) process.stdout.write(`Warning: ${line}\n`);
      for (const line of await photoSettingsCheck(config)) process.stdout.write(`Warning: ${line}\n`);
      return 0;
    }
    case 'check-permissions':
      return checkPermissions();
    case 'audit':
      return audit(subcommand, rest);
    case 'erase':
      return erase(subcommand === undefined ? [] : [subcommand, ...rest]);
    case 'warm-cache':
      return warmCache();
    case 'graph-emulator':
      return runGraphEmulatorCommand(subcommand === undefined ? [] : [subcommand, ...rest]).catch(portTaken('--port or --authority-port'));
    case 'connector-emulator':
      return runConnectorEmulatorCommand(subcommand === undefined ? [] : [subcommand, ...rest]).catch(portTaken('--port'));
    case 'synthetic-tenant':
      return runSyntheticTenantCommand(subcommand === undefined ? [] : [subcommand, ...rest]);
    case 'classify': {
      const args = subcommand === undefined ? [] : [subcommand, ...rest];
      const locale = localeOption(args);
      if (locale instanceof Error) return fail(`classify: ${locale.message}`);
      const understanding = loadUnderstanding(loadConfig());
      if (locale !== undefined && !understanding.locales.includes(locale)) return fail(`classify: no catalog for locale "${locale}" (there is: ${understanding.locales.join(', ')}).`);
      await runClassifyCommand({ input: process.stdin, out: (line) => process.stdout.write(`${line}\n`), matcher: understanding, ...(locale ? { locale } : {}) });
      return 0;
    }
    case 'train-model': {
      if (!subcommand || subcommand.startsWith('--')) return fail('train-model needs the file to write.');
      const locale = localeOption(rest);
      if (locale instanceof Error) return fail(`train-model: ${locale.message}`);
      if (locale !== undefined && !catalogLocales().includes(locale)) return fail(`train-model: no catalog for locale "${locale}" (there is: ${catalogLocales().join(', ')}).`);
      await trainAndSave(loadCatalog({ locale: locale ?? 'en' }), subcommand);
      return 0;
    }
    case 'docs': {
      const changed = updateReadme(path.join(packageRoot(), 'README.md'));
      process.stdout.write(changed ? 'README.md updated.\n' : 'README.md is up to date.\n');
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return 0;
    default:
      return fail(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

async function serve(config: AppConfig, extra: string[]): Promise<number> {
  if (extra.length > 0) return fail(`start takes no arguments (got "${extra.join(' ')}"); configure it with environment variables.`);
  const service = await startService(config, { demo: demoWiring() });
  const telemetry = startedTelemetry();
  const started = telemetry?.exporter ?? 'none';
  if (started !== config.telemetry.exporter) service.logger.warn('telemetry is not what the configuration asks for: start the service through bin/passkey-coach.cjs, which sets it up first', { configured: config.telemetry.exporter, running: started });
  else if (started !== 'none') service.logger.info('telemetry on', { exporter: started });
  readyHook?.();
  return new Promise<number>((resolve) => {
    let signals = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      signals += 1;
      if (signals > 1) {
        service.logger.warn('second signal: exiting without waiting', { signal });
        resolve(1);
        return;
      }
      // A stuck turn must not keep the process alive past the platform's kill timer.
      setTimeout(() => {
        service.logger.error('shutdown exceeded its budget; exiting', { budgetMs: SHUTDOWN_BUDGET_MS });
        resolve(1);
      }, SHUTDOWN_BUDGET_MS).unref();
      service.stop(signal).then(
        // What the exporter still holds goes out last, so the stop itself is in it.
        async () => {
          await telemetry?.shutdown().catch((error: unknown) => service.logger.warn('telemetry not flushed at stop', { error }));
          resolve(0);
        },
        (error: unknown) => {
          service.logger.error('shutdown failed', { error });
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

async function audit(subcommand: string | undefined, args: string[]): Promise<number> {
  const config = loadConfig();
  const { values, positionals } = parseArgs({ args, options: { since: { type: 'string' }, anchors: { type: 'string', multiple: true }, 'from-checkpoint': { type: 'boolean' } }, allowPositionals: true, strict: true });
  if (positionals.length > 0) return fail(`Unexpected argument "${positionals[0]}".`);
  const missing = values.anchors?.find((file) => !existsSync(file));
  if (missing !== undefined) return fail(`no anchors file at ${missing}.`);
  // Given --anchors, those copies are what the trail is held to; otherwise the anchors the service writes.
  const sources: AnchorSource[] = values.anchors?.map((file) => new FileAnchorSink(path.resolve(file))) ?? (await anchorSources(config.audit.anchors, databaseFile(config)));
  // Opening a missing file would create an empty database and "verify" it: a wrong DATA_DIR must fail instead.
  if (config.store.kind === 'sqlite' && !existsSync(databaseFile(config))) return fail(`no database at ${databaseFile(config)}: check DATA_DIR.`);
  const store = await openStore(config.store, databaseFile(config));
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  try {
    if (subcommand === 'verify') {
      if (values.since !== undefined) return fail('audit verify checks the whole chain; --since belongs to audit export.');
      return await runAuditVerify({ store, keys: config.audit.keys, out, anchorSources: sources, fromCheckpoint: values['from-checkpoint'] === true, seal: config.audit });
    }
    if (values['from-checkpoint'] !== undefined) return fail('--from-checkpoint belongs to audit verify (an export always walks the whole chain).');
    if (subcommand === 'export') {
      const since = values.since === undefined ? undefined : parseAuditSince(values.since);
      return await runAuditExport({ store, keys: config.audit.keys, since, out, err, anchorSources: sources });
    }
    return fail(`Unknown audit command "${subcommand ?? ''}": use "audit verify [--from-checkpoint] [--anchors FILE]" or "audit export [--since DATE] [--anchors FILE]".`);
  } finally {
    await store.close();
  }
}

async function erase(args: string[]): Promise<number> {
  const config = loadConfig();
  const { values, positionals } = parseArgs({ args, options: { request: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length !== 1) return fail('erase takes one person: their UPN or Entra object id (erase <upn|objectId> [--request REF]).');
  if (config.store.kind === 'sqlite' && !existsSync(databaseFile(config))) return fail(`no database at ${databaseFile(config)}: check DATA_DIR.`);
  const logger = createLogger({ level: 'warn', sink: process.stderr });
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const run = (directory: Directory | undefined) =>
    runEraseCommand({ config, databasePath: databaseFile(config), directory, who: positionals[0] as string, reference: values.request, out, logger });
  if (config.mode !== 'demo') return run(configuredDirectory(config, logger, new Redactor()));
  // Demo mode: the demo tenant's Graph, started for the command.
  const wiring = demoWiring();
  const demo = await wiring.start(config, logger);
  try {
    return await run(demo?.directory(config, logger, new Redactor()));
  } finally {
    await demo?.close();
  }
}

/** ENROLMENT_TIERS, when set, against the tenant's passkey policy (the demo tenant's in demo mode): warnings only. */
async function tierPolicyCheck(config: AppConfig): Promise<string[]> {
  if (config.tiers === DEFAULT_TIERS) return [];
  return withDirectory(config, async (directory) => {
    if (!directory) return ['ENROLMENT_TIERS was not compared with the passkey policy: no Graph credential is configured.'];
    try {
      return tierPolicyWarnings(config.tiers, await directory.passkeyPolicy());
    } catch (error) {
      return [`ENROLMENT_TIERS was not compared with the passkey policy: it could not be read (${error instanceof Error ? error.message : String(error)}).`];
    }
  });
}

/** With Verified ID in use (demo mode runs its emulator): whether people may change the photo Face Check compares with. */
async function photoSettingsCheck(config: AppConfig): Promise<string[]> {
  if (!config.verifiedId.endpoint && !(config.mode === 'demo' && config.demo?.startEmulators)) return [];
  return withDirectory(config, async (directory) => {
    if (!directory) return ['Who may change profile photos was not checked (Verified ID Face Check compares with them): no Graph credential is configured.'];
    try {
      return photoSettingsWarnings(await directory.photoUpdateSettings());
    } catch (error) {
      return [`Who may change profile photos was not checked (Verified ID Face Check compares with them): the setting could not be read (${error instanceof Error ? error.message : String(error)}); it needs PeopleSettings.Read.All.`];
    }
  });
}

/** A check against the tenant's Graph (the demo tenant's, started for it, in demo mode). */
async function withDirectory(config: AppConfig, check: (directory: Directory | undefined) => Promise<string[]>): Promise<string[]> {
  const logger = createLogger({ level: 'warn', sink: process.stderr });
  if (config.mode !== 'demo') return check(configuredDirectory(config, logger, new Redactor()));
  const demo = await demoWiring().start(config, logger);
  try {
    return await check(demo?.directory(config, logger, new Redactor()));
  } finally {
    await demo?.close();
  }
}

async function warmCache(): Promise<number> {
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: '.' });
  // The build's model is in dist/; a cache folder of its own keeps the warm-up from writing into the package.
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-warm-'));
  try {
    const service = await startService(config, { databasePath: ':memory:', logSink: { write: () => undefined }, quiet: true, cacheDir, demo: demoWiring() });
    await service.stop('warm-cache');
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
  readyHook?.();
  return 0;
}

/** An emulator's port that another program holds: which option to change, instead of Node's stack trace. */
function portTaken(option: string): (error: unknown) => number {
  return (error) => {
    const failure = error as NodeJS.ErrnoException & { port?: number; address?: string };
    if (failure?.code !== 'EADDRINUSE') throw error;
    return fail(`port ${failure.port ?? '?'} on ${failure.address ?? '127.0.0.1'} is already in use: choose a free one with ${option} (0 takes any).`);
  };
}

function fail(message: string): number {
  process.stderr.write(`passkey-coach: ${message}\n`);
  return 2;
}

export function main(): void {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (isAppError(error) && error.userFault) process.stderr.write(`passkey-coach: ${error.message}\n`);
      else process.stderr.write(`passkey-coach: failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      // 78 (EX_CONFIG): something to set, not a failure of ours.
      process.exit(isAppError(error, 'config.invalid') || isAppError(error, 'config.port-unavailable') ? 78 : 1);
    },
  );
}

/** Asks Graph what the service's identity was granted; in demo mode, the emulated tenant's app (started for it). */
async function checkPermissions(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger({ level: 'warn', sink: process.stderr });
  let report: PermissionReport;
  if (config.mode === 'demo') {
    const demo = await startDemoEnvironment({ seedFile: config.demo?.tenantFile, logger });
    try {
      report = await graphPermissionReport(config, { baseUrl: demo.graph.graphUrl, credential: demo.credential, caCertificate: demo.graph.caCertificate }, logger);
    } finally {
      await demo.close();
    }
  } else {
    report = await configuredPermissionReport(config, logger);
  }
  process.stdout.write(describePermissionReport(report));
  return report.missing.length === 0 ? 0 : 1;
}

// Demo mode for the service: the local Microsoft 365 (the emulators and the demo tenant), or emulators another process
// runs (benchmarks), described in the shape the service asks for (src/app/demo-tenant.ts). Only the entry points that
// run demo mode (the CLI, the tests' harness) hand this to the service.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { DemoRuntime, DemoTenant, DemoWiring } from '../app/demo-tenant.js';
import { graphDirectory } from '../app/compose-directory.js';
import type { AppConfig } from '../config/app-config.js';
import { createGraphCredential } from '../directory/graph-client.js';
import { packageRoot } from '../shared/package-root.js';
import type { SsoSettings } from '../tab/tab-sso.js';
import { DEFAULT_DEMO_TENANT, type DemoEnvironment, type DemoEnvironmentOptions, startDemoEnvironment } from './demo-environment.js';
import { DemoSessions } from './tab-demo-sessions.js';
import { type SeedIdentity, seedIdentitySchema } from './tenant-seed.js';

export interface LocalDemoWiring extends DemoWiring {
  /** The emulators, once started (tests read and steer them). */
  readonly environment: DemoEnvironment | undefined;
}

/**
 * Demo mode as configured: the emulators when DEMO_EMULATORS says so (or `emulators`), else emulators in another
 * process when DEMO_EXTERNAL names them, else none (the service then runs without Graph).
 */
export function demoWiring(options: { emulators?: boolean; emulatorOptions?: Pick<DemoEnvironmentOptions, 'graph' | 'connector'> } = {}): LocalDemoWiring {
  let environment: DemoEnvironment | undefined;
  return {
    get environment() {
      return environment;
    },
    async start(config, logger) {
      if (config.mode !== 'demo') return undefined;
      if (options.emulators ?? config.demo?.startEmulators ?? false) {
        environment = await startDemoEnvironment({ ...options.emulatorOptions, seedFile: config.demo?.tenantFile, logger });
        return localRuntime(environment, config);
      }
      return config.demo?.external ? externalRuntime(config) : undefined;
    },
  };
}

function tenantOf(seed: SeedIdentity, serviceUrl: string | undefined): DemoTenant {
  return {
    organisationName: seed.tenant.displayName,
    tenantId: seed.tenant.id,
    botAppId: seed.teamsApp.botId ?? seed.apps[0]?.clientId ?? 'passkey-coach-demo',
    catalogAppId: seed.teamsApp.catalogId,
    serviceUrl,
    defaultTimeZone: seed.tenant.defaultTimeZone,
    breakGlassIds: seed.breakGlassUserIds,
    groupsWithRole: (role) => seed.groups.filter((group) => group.role === role).map((group) => group.id),
  };
}

function localRuntime(demo: DemoEnvironment, config: AppConfig): DemoRuntime {
  const identity = { seed: demo.seed, authorityHost: demo.graph.authorityHost, caCertificate: demo.graph.caCertificate };
  return {
    tenant: tenantOf(demo.seed, demo.connector.serviceUrl),
    directory: (_config, logger, redactor) => graphDirectory(config, { baseUrl: demo.graph.graphUrl, credential: demo.credential, caCertificate: demo.graph.caCertificate }, logger, redactor),
    tabSignIn: () => ({ sso: demoSso(identity), sessions: new DemoSessions(identity) }),
    verifiedId: () => ({ endpoint: demo.verifiedId.endpoint, authorityDid: demo.verifiedId.authorityDid, credential: demo.credential }),
    chatSeen: (activity) => demo.chatSeen(activity),
    attachBot: (url) => demo.attachBot(url),
    bannerLines: (url) => bannerLines(url, config, demo),
    close: () => demo.close(),
  };
}

/** Demo mode against emulators in another process (benchmarks): the tenant file names the app and its demo secret. */
function externalRuntime(config: AppConfig): DemoRuntime {
  const file = config.demo?.tenantFile ?? DEFAULT_DEMO_TENANT;
  const seed = seedIdentitySchema.parse(JSON.parse(readFileSync(path.isAbsolute(file) ? file : path.join(packageRoot(), file), 'utf8')));
  const caFile = config.demo?.external?.caFile;
  const caCertificate = caFile ? readFileSync(caFile, 'utf8') : undefined;
  return {
    tenant: tenantOf(seed, config.campaign.serviceUrl),
    directory(_config, logger, redactor) {
      const app = seed.apps[0];
      if (!app) throw new Error('The demo tenant file has no app registration');
      const credential = createGraphCredential({ kind: 'client-secret', tenantId: seed.tenant.id, clientId: app.clientId, secret: app.clientSecret }, { authorityHost: config.graph.authorityHost, caCertificate });
      return credential ? graphDirectory(config, { baseUrl: config.graph.baseUrl, credential, caCertificate }, logger, redactor) : undefined;
    },
    tabSignIn: () => undefined,
    verifiedId: () => undefined,
    chatSeen: () => undefined,
    attachBot: () => undefined,
    bannerLines: () => [],
    close: async () => undefined,
  };
}

/** The tab's sign-in against the demo tenant's token service (the emulator's keys, its own certificate authority). */
export function demoSso(demo: { seed: SeedIdentity; authorityHost: string; caCertificate: string }): SsoSettings | { missing: string } {
  const app = demo.seed.apps[0];
  if (!app) return { missing: 'the demo tenant has no app registration' };
  const tenantId = demo.seed.tenant.id;
  return {
    tenantId,
    audiences: [app.clientId],
    issuers: [`${demo.authorityHost}/${tenantId}/v2.0`],
    jwksUrl: `${demo.authorityHost}/${tenantId}/discovery/v2.0/keys`,
    caCertificate: demo.caCertificate,
  };
}

/** What the emulators run and how to reach them, and who the personas are. */
function bannerLines(url: string, config: AppConfig, demo: DemoEnvironment): string[] {
  const personas = demo.seed.personas;
  const nameOf = (id: string | undefined) => demo.seed.users.find((user) => user.id === id)?.displayName ?? '?';
  const lines = [
    `  Demo tenant:        ${demo.seed.tenant.displayName} (${demo.seed.users.length} accounts, ${config.demo?.tenantFile})`,
    `  Graph emulator:     ${demo.graph.graphUrl}/v1.0   (not Microsoft Graph)`,
    `  Connector emulator: ${demo.connector.serviceUrl}   (what the bot sent: ${demo.connector.serviceUrl}_emulator/activities)`,
    `  Verified ID:        ${demo.verifiedId.endpoint}   (present as a person: POST ${demo.verifiedId.endpoint}/_emulator/requests/<id>/present)`,
    `  Chat with it:       ${new URL(url).port === '3978' ? '' : `PORT=${new URL(url).port} `}npm run playground   (Microsoft 365 Agents Playground, on loopback)`,
    `  The admins' tab:    ${url}/tab/demo-host/?as=admin   (a local page playing Teams; pick the persona there)`,
  ];
  if (personas) {
    lines.push(
      `  You are ${nameOf(personas.employee)}, not enrolled yet; also ${nameOf(personas.manager)} (manager), ${nameOf(personas.helpdesk)} (helpdesk),`,
      `  ${nameOf(personas.approver)} (approver), ${nameOf(personas.security)} (security), ${nameOf(personas.admin)} (campaign admin).`,
    );
  }
  return lines;
}

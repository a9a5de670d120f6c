// Demo mode's local Microsoft 365: the Graph emulator with the demo tenant, the Bot Connector emulator, and
// the glue Teams would provide (installing the app for someone makes Teams tell the bot).

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { TokenCredential } from '@azure/identity';
import { createGraphCredential } from '../directory/graph-client.js';
import type { Logger } from '../logging/logger.js';
import { packageRoot } from '../shared/package-root.js';
import { type ConnectorEmulator, type ConnectorEmulatorOptions, startConnectorEmulator, type UserInput } from './connector-emulator/index.js';
import { type GraphEmulator, type GraphEmulatorOptions, startGraphEmulator } from './graph-emulator/index.js';
import { parseTenantSeed, type TenantSeed } from './tenant-seed.js';
import { startVerifiedIdEmulator, type VerifiedIdEmulator } from './verified-id-emulator/index.js';

export const DEFAULT_DEMO_TENANT = 'demo/tenant.json';

export interface DemoEnvironment {
  seed: TenantSeed;
  graph: GraphEmulator;
  connector: ConnectorEmulator;
  /** Verified ID's Request Service, with a VerifiedEmployee credential in every person's wallet. */
  verifiedId: VerifiedIdEmulator;
  /** A real @azure/identity credential for the seed's app, against the emulator's token service. */
  credential: TokenCredential;
  /** Tells the environment where the bot listens, so app installs reach it as Teams' conversationUpdate. */
  attachBot(messagesUrl: string): void;
  /**
   * An activity reached the bot through the connector emulator: Teams knows the 1:1 chat it came from, so the
   * emulator does too (a chat id written by hand, as in the README's curl example, takes the bot's answers).
   */
  chatSeen(activity: { serviceUrl?: string; from?: { aadObjectId?: string }; conversation?: { id?: string; conversationType?: string } }): void;
  close(): Promise<void>;
}

export function loadSeed(file: string): TenantSeed {
  const resolved = path.isAbsolute(file) ? file : path.join(packageRoot(), file);
  return parseTenantSeed(JSON.parse(readFileSync(resolved, 'utf8')));
}

/** The seed's people as Teams users of the connector emulator (accounts nobody chats from are left out). */
export function connectorUsersFromSeed(seed: TenantSeed): UserInput[] {
  return seed.users
    .filter((user) => user.accountKind === 'person' && user.teamsLicensed)
    .map((user) => ({
      aadObjectId: user.id,
      name: user.displayName,
      tenantId: seed.tenant.id,
      email: user.mail,
      userPrincipalName: user.userPrincipalName,
      givenName: user.givenName,
      surname: user.surname,
      userRole: user.userType === 'Guest' ? ('guest' as const) : ('user' as const),
      installed: user.appInstalled,
    }));
}

export interface DemoEnvironmentOptions {
  seedFile?: string;
  logger: Logger;
  /** Emulator settings beyond the seed (ports, limits, latency): benchmarks raise the rates and add latency. */
  graph?: Omit<GraphEmulatorOptions, 'seed'>;
  connector?: Omit<ConnectorEmulatorOptions, 'tenantId' | 'users'>;
}

export async function startDemoEnvironment(options: DemoEnvironmentOptions): Promise<DemoEnvironment> {
  const seed = loadSeed(options.seedFile ?? DEFAULT_DEMO_TENANT);
  const app = seed.apps[0];
  if (!app) throw new Error('The demo tenant seed has no app registration');
  const [graph, connector] = await Promise.all([
    startGraphEmulator({ ...options.graph, seed }),
    startConnectorEmulator({ ...options.connector, tenantId: seed.tenant.id, users: connectorUsersFromSeed(seed) }),
  ]);
  const credential = createGraphCredential(
    { kind: 'client-secret', tenantId: seed.tenant.id, clientId: app.clientId, secret: app.clientSecret },
    { authorityHost: graph.authorityHost, caCertificate: graph.caCertificate },
  );
  if (!credential) throw new Error('unreachable: a client-secret credential always exists');
  // Every person of the demo tenant holds a VerifiedEmployee credential (accounts nobody uses as a person do not).
  const verifiedId = await startVerifiedIdEmulator({
    tenantId: seed.tenant.id,
    domain: seed.tenant.defaultDomain,
    people: seed.users
      .filter((user) => user.accountKind === 'person' && user.accountEnabled && user.userType === 'Member')
      .map((user) => ({ id: user.id, userPrincipalName: user.userPrincipalName, displayName: user.displayName, givenName: user.givenName, surname: user.surname, jobTitle: user.jobTitle, mail: user.mail, preferredLanguage: user.preferredLanguage })),
    verifyToken: (authorization, audience) => graph.verifyAppToken(authorization, audience),
  });

  let messagesUrl: string | undefined;
  const log = options.logger.child({ component: 'demo' });
  const usersById = new Map(seed.users.map((user) => [user.id, user]));
  graph.onAppInstalled(async (event) => {
    connector.installApp(event.userId);
    connector.addConversation({ id: event.chatId, userId: event.userId });
    if (!messagesUrl) return;
    // What Teams does after an install: tell the bot it was added to the person's personal chat.
    const user = usersById.get(event.userId);
    const response = await fetch(messagesUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'conversationUpdate',
        channelId: 'msteams',
        serviceUrl: connector.serviceUrl,
        timestamp: new Date().toISOString(),
        id: `f:${event.installationId}`,
        membersAdded: [{ id: `28:${event.botId}` }],
        from: { id: `29:${event.userId}`, aadObjectId: event.userId, name: user?.displayName },
        recipient: { id: `28:${event.botId}`, name: seed.teamsApp.displayName },
        conversation: { id: event.chatId, conversationType: 'personal', tenantId: seed.tenant.id },
        channelData: { tenant: { id: seed.tenant.id } },
      }),
    });
    if (!response.ok) log.warn('the bot refused the install notification', { status: response.status });
  });

  return {
    seed,
    graph,
    connector,
    verifiedId,
    credential,
    attachBot(url) {
      messagesUrl = url;
    },
    chatSeen(activity) {
      const userId = activity.from?.aadObjectId;
      const chatId = activity.conversation?.id;
      if (activity.serviceUrl !== connector.serviceUrl || activity.conversation?.conversationType !== 'personal' || !userId || !chatId) return;
      try {
        connector.addConversation({ id: chatId, userId });
      } catch (error) {
        // Not a person of the demo tenant, or another person's chat id: Teams would not deliver there either.
        log.debug('the connector emulator does not know this chat', { reason: (error as Error).message });
      }
    },
    async close() {
      await Promise.all([graph.close(), connector.close(), verifiedId.close()]);
    },
  };
}

// Test support: the small Fabrikam seed, and the real Graph SDK and @azure/identity pointed at the emulator.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClientSecretCredential } from '@azure/identity';
import { AuthenticationHandler, Client, GraphError, type Middleware, RetryHandler, RetryHandlerOptions, TelemetryHandler } from '@microsoft/microsoft-graph-client';
import { TokenCredentialAuthenticationProvider } from '@microsoft/microsoft-graph-client/authProviders/azureTokenCredentials/index.js';
import { emulatorCredentialOptions, type GraphEmulator, TrustingHttpsHandler } from '../../../src/dev/graph-emulator/index.js';
import { parseTenantSeed, type TenantSeed } from '../../../src/dev/tenant-seed.js';

const here = path.dirname(fileURLToPath(import.meta.url));

export function testSeed(): TenantSeed {
  return parseTenantSeed(JSON.parse(readFileSync(path.join(here, 'test-tenant.json'), 'utf8')));
}

/** People in the test tenant, by first name. */
export const PEOPLE = {
  dana: '0d396ab4-9bec-44cd-8731-5e991938c696',
  omar: '1f804e3f-0456-4898-8511-e21fd17adde4',
  priya: '6e5e22a8-d97b-4850-bd8a-ec993b0a4fba',
  lukas: 'eadd88f3-552a-4bc8-86b7-32b9703a3161',
  amara: 'd550f9f3-d4d8-40e1-8b4c-caec03229279',
  tom: 'e4d7f45f-a2a1-40aa-946d-beead306018f',
  sofia: '9a2ff46f-78e3-4207-b71f-c7374ac4a37f',
  jin: 'd367b970-2b3c-4064-b504-9c30a3c36755',
  grace: '60b85721-04c0-45bd-9504-4a24b88a1c86',
  ben: '3b34473e-f299-49da-96bb-1c0dfa0f0787',
  lee: '6797d31f-669a-458f-9e63-19f4b1fc8d70',
  breakGlass: '78f10a51-6d8c-4f71-8862-bdc5eadad2d2',
  roomAtlas: '2c3272fe-9209-4cc6-9304-1815236db803',
} as const;

export const GROUPS = {
  helpdesk: 'e337c9cb-e7c6-49e6-95fa-0d96cee960b6',
  tapApprovers: '10c28805-cd73-4273-858f-f08f31be5563',
  allIt: 'e5cc5274-cfec-4223-8d7a-a2102f2d0697',
  privilegedAdmins: 'b0812733-75bc-43db-b5de-c51ccf1569af',
} as const;

export interface ClientChoice {
  /** Which seeded app signs in (index into seed.apps). */
  app?: number;
  /** Keep the SDK's RetryHandler (it retries 429/503/504, honouring Retry-After). */
  retry?: boolean;
}

export function credentialFor(emulator: GraphEmulator, seed: TenantSeed, app = 0): ClientSecretCredential {
  const registration = seed.apps[app];
  if (!registration) throw new Error(`the seed has no app #${app}`);
  return new ClientSecretCredential(emulator.tenantId, registration.clientId, registration.clientSecret, emulatorCredentialOptions(emulator));
}

/** The SDK's default chain (auth, retry, telemetry, HTTP), with the HTTP step trusting the emulator's certificate. */
export function graphClient(emulator: GraphEmulator, seed: TenantSeed, choice: ClientChoice = {}): Client {
  const credential = credentialFor(emulator, seed, choice.app ?? 0);
  const chain: Middleware[] = [new AuthenticationHandler(new TokenCredentialAuthenticationProvider(credential, { scopes: ['https://graph.microsoft.com/.default'] }))];
  chain.push(new RetryHandler(new RetryHandlerOptions(0, choice.retry === false ? 0 : 3)));
  chain.push(new TelemetryHandler(), new TrustingHttpsHandler(emulator.caCertificate));
  return Client.initWithMiddleware({ middleware: chain, baseUrl: emulator.graphUrl, customHosts: new Set(['127.0.0.1']), defaultVersion: 'v1.0' });
}

/** Plain HTTPS to the emulator with Node's https module (for requests the SDK would shape for us). */
export async function rawRequest(
  emulator: GraphEmulator,
  method: string,
  pathAndQuery: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: Headers; body: unknown }> {
  const handler = new TrustingHttpsHandler(emulator.caCertificate);
  const headers: Record<string, string> = { ...options.headers };
  if (options.token !== undefined) headers.Authorization = `Bearer ${options.token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  const context = {
    request: `${emulator.graphUrl}${pathAndQuery}`,
    options: { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) },
  };
  await handler.execute(context);
  const response = context as typeof context & { response: Response };
  const text = await response.response.text();
  return { status: response.response.status, headers: response.response.headers, body: text === '' ? undefined : JSON.parse(text) };
}

/** The GraphError a request failed with; fails the test when it succeeded or failed some other way. */
export async function failure(promise: Promise<unknown>): Promise<GraphError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof GraphError)) throw new Error(`expected a GraphError, got ${String(error)}`);
  return error;
}

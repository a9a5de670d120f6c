// Shared people and clients for the connector emulator's tests: the real botframework-connector client and raw fetch.

import { ConnectorClient, MicrosoftAppCredentials } from 'botframework-connector';
import type { ConversationParameters } from 'botframework-schema';
import type { ConnectorEmulator, UserInput } from '../../../src/dev/connector-emulator/index.js';

export const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const OTHER_TENANT = '5b1c0f3e-9a3d-4c41-8d0e-2f4a1d9b7c10';

export const alice: UserInput = {
  aadObjectId: '3d9be23a-2d38-42ce-9b3c-1f1e2a4b5c6d',
  name: 'Alice Ahmed',
  tenantId: TENANT,
  email: 'alice@contoso.example',
  userPrincipalName: 'alice@contoso.example',
  givenName: 'Alice',
  surname: 'Ahmed',
};

export const bob: UserInput = {
  aadObjectId: '8a7b6c5d-4e3f-4a1b-9c2d-0e1f2a3b4c5d',
  name: 'Bob Brennan',
  tenantId: TENANT,
  userRole: 'guest',
};

/** A user of the tenant numbered `n`, for tests that need many conversations. */
export function person(n: number): UserInput {
  return { aadObjectId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`, name: `Person ${n}`, tenantId: TENANT };
}

/** The real SDK client as a bot in demo mode builds it: no app id, so no token is requested or sent. */
export function sdkClient(emulator: ConnectorEmulator): ConnectorClient {
  return new ConnectorClient(new MicrosoftAppCredentials('', ''), { baseUri: emulator.serviceUrl });
}

/** ConversationParameters for a 1:1 chat with `member` (a 29: id or an object id), as a Teams bot sends them. */
export function createParameters(member: { id: string }, extra: Partial<ConversationParameters> = {}): ConversationParameters {
  return { isGroup: false, bot: { id: '28:bot', name: 'Passkey Coach' }, members: [{ name: '', ...member }], channelData: { tenant: { id: TENANT } }, ...extra };
}

export interface RawResponse {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

/** A raw call for the cases the SDK would retry or reshape. `path` is relative to the service URL. */
export async function call(emulator: ConnectorEmulator, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<RawResponse> {
  const response = await fetch(new URL(path, emulator.serviceUrl), {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: text ? (JSON.parse(text) as unknown) : undefined };
}

export function activitiesPath(conversationId: string, activityId?: string): string {
  return `v3/conversations/${encodeURIComponent(conversationId)}/activities${activityId === undefined ? '' : `/${encodeURIComponent(activityId)}`}`;
}

export const message = (text: string) => ({ type: 'message', text });

/** The `{"error": {"code"}}` of a connector error body. */
export function errorCode(body: unknown): string | undefined {
  const error = (body as { error?: { code?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' ? error.code : undefined;
}

/** Runs `action` and returns what the SDK threw (a RestError with statusCode and the connector's code). */
export async function sdkFailure(action: () => Promise<unknown>): Promise<{ statusCode: number | undefined; code: string | undefined; message: string }> {
  try {
    await action();
  } catch (error) {
    const failure = error as { statusCode?: number; code?: string; message?: string };
    return { statusCode: failure.statusCode, code: failure.code, message: failure.message ?? '' };
  }
  throw new Error('expected the SDK call to fail');
}

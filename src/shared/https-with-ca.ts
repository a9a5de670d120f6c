// Trusting a certificate authority of our own (demo mode's emulators, an organisation's TLS-inspecting proxy): one
// undici Agent per authority behind `fetch`, and the same authority handed to @azure/identity's pipeline.

import type { Agent } from 'undici';

export interface TrustedCa {
  /** Node's fetch, with HTTPS connections that trust this authority (in place of Node's own list, as node:https's `ca` does). */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** For an @azure/identity credential: its pipeline sends over node:https, which takes the authority as `tlsOptions.ca`. */
  readonly identityOptions: { tlsOptions: { ca: string } };
}

const trusted = new Map<string, TrustedCa>();

/** The one TrustedCa of a PEM: every client of that authority shares its connections. */
export function trustCa(ca: string): TrustedCa {
  let held = trusted.get(ca);
  if (!held) {
    let agent: Promise<Agent> | undefined;
    // undici is loaded only when an authority is configured: a start-up without one never pays for it.
    const dispatcher = () => (agent ??= import('undici').then(({ Agent }) => new Agent({ connect: { ca } })));
    held = {
      // Node's fetch is undici's own: it takes an undici Agent of the same major version as its dispatcher.
      fetch: async (input, init) => fetch(input, { ...init, dispatcher: await dispatcher() } as RequestInit & { dispatcher: Agent }),
      identityOptions: { tlsOptions: { ca } },
    };
    trusted.set(ca, held);
  }
  return held;
}

export interface CaResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

/** One HTTPS request to a server whose certificate chains to `ca`, read whole. */
export async function requestWithCa(url: string, ca: string, options: { method?: string; headers?: Record<string, string | number>; body?: string; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CaResponse> {
  const signals = [options.signal, options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined].filter((signal) => signal !== undefined);
  // fetch measures the body itself.
  const headers = Object.fromEntries(Object.entries(options.headers ?? {}).flatMap(([name, value]) => (name.toLowerCase() === 'content-length' ? [] : [[name, String(value)]])));
  try {
    const response = await trustCa(ca).fetch(url, { method: options.method ?? 'GET', headers, body: options.body, signal: signals.length > 0 ? AbortSignal.any(signals) : undefined });
    return { status: response.status, contentType: response.headers.get('content-type') ?? '', body: Buffer.from(await response.arrayBuffer()) };
  } catch (error) {
    if (error instanceof DOMException && error.name === 'TimeoutError') throw new Error(`no answer from ${new URL(url).host} within ${options.timeoutMs} ms`);
    throw error;
  }
}

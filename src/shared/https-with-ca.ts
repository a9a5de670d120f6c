// Trusting a certificate authority of our own (demo mode's emulators, an organisation's TLS-inspecting proxy): one
// node:https Agent per authority behind a fetch-shaped function, and the same authority handed to @azure/identity's
// pipeline (which sends over node:https too).

import { Agent, request as httpsRequest } from 'node:https';

export interface TrustedCa {
  /** fetch's contract, over HTTPS connections that trust this authority (in place of Node's own list, as node:https's `ca` does). */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** For an @azure/identity credential: its pipeline sends over node:https, which takes the authority as `tlsOptions.ca`. */
  readonly identityOptions: { tlsOptions: { ca: string } };
}

const trusted = new Map<string, TrustedCa>();

/** The one TrustedCa of a PEM: every client of that authority shares its connections. */
export function trustCa(ca: string): TrustedCa {
  let held = trusted.get(ca);
  if (!held) {
    const agent = new Agent({ ca, keepAlive: true });
    held = { fetch: (input, init) => fetchThrough(agent, input, init), identityOptions: { tlsOptions: { ca } } };
    trusted.set(ca, held);
  }
  return held;
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/**
 * fetch's contract over node:https: the callers here (the Graph SDK, requestWithCa) send small bodies, follow no
 * redirects themselves (the SDK has its own redirect handler) and read every answer whole, so the answer is read into
 * one buffer. Measured on bench:outreach (10 000 people), Node's fetch through an undici Agent raised the demo bot's peak
 * memory by about 30 MB for its thousands of Graph reads, and needed a second copy of undici pinned to Node's own.
 */
async function fetchThrough(agent: Agent, input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  if (input instanceof Request) return fetchThrough(agent, input.url, { method: input.method, headers: input.headers, body: input.body ? await input.arrayBuffer() : undefined, signal: input.signal, ...init });
  const method = (init.method ?? 'GET').toUpperCase();
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = await bytesOf(init.body);
  if (body) headers['content-length'] = String(body.length);
  const signal = init.signal ?? undefined;
  signal?.throwIfAborted();
  return new Promise((resolve, reject) => {
    const outgoing = httpsRequest(input, { method, headers, agent, signal }, (incoming) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('error', reject);
      incoming.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(incoming.headers)) {
          if (value === undefined) continue;
          for (const one of Array.isArray(value) ? value : [value]) responseHeaders.append(name, one);
        }
        const status = incoming.statusCode ?? 502;
        const payload = NULL_BODY_STATUSES.has(status) || method === 'HEAD' ? null : Buffer.concat(chunks);
        const response = new Response(payload, { status, statusText: incoming.statusMessage ?? '', headers: responseHeaders });
        Object.defineProperty(response, 'url', { value: String(input) });
        resolve(response);
      });
    });
    // An abort rejects with the signal's own reason (a TimeoutError for AbortSignal.timeout), as fetch does.
    outgoing.on('error', (error) => reject(signal?.aborted ? signal.reason : error));
    outgoing.end(body);
  });
}

async function bytesOf(body: RequestInit['body']): Promise<Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  return Buffer.from(await new Response(body).arrayBuffer());
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

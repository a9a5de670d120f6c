// The last Graph SDK middleware when Graph's certificate chains to an extra CA (the local Graph emulator's
// self-signed certificate, or an organisation's TLS-inspecting proxy): sends over node:https with that CA.
// Node's global fetch (the SDK's HTTPMessageHandler) cannot be given a CA without the undici package.

import { request as httpsRequest } from 'node:https';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export class TrustingHttpsHandler implements Middleware {
  constructor(private readonly caCertificate: string) {}

  async execute(context: Context): Promise<void> {
    const { url, method, headers, body } = await requestParts(context);
    const signal = context.options?.signal ?? undefined;
    context.response = await this.send(url, method, headers, body, signal);
  }

  private send(url: string, method: string, headers: Headers, body: Buffer | undefined, signal: AbortSignal | undefined): Promise<Response> {
    return new Promise((resolve, reject) => {
      const outgoing: Record<string, string> = {};
      headers.forEach((value, name) => {
        outgoing[name] = value;
      });
      if (body) outgoing['content-length'] = String(body.length);
      const req = httpsRequest(url, { method, headers: outgoing, ca: this.caCertificate, signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value === undefined) continue;
            for (const item of Array.isArray(value) ? value : [value]) responseHeaders.append(name, item);
          }
          const status = res.statusCode ?? 500;
          const payload = NULL_BODY_STATUSES.has(status) || method === 'HEAD' ? null : Buffer.concat(chunks);
          resolve(new Response(payload, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }
}

async function requestParts(context: Context): Promise<{ url: string; method: string; headers: Headers; body: Buffer | undefined }> {
  if (typeof context.request !== 'string') {
    const request = context.request as Request;
    const buffer = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    return { url: request.url, method: request.method, headers: new Headers(request.headers), body: buffer };
  }
  const options = context.options ?? {};
  const headers = new Headers(options.headers as ConstructorParameters<typeof Headers>[0]);
  const raw = options.body as ConstructorParameters<typeof Response>[0] | undefined;
  let body: Buffer | undefined;
  if (typeof raw === 'string') body = Buffer.from(raw, 'utf8');
  else if (raw instanceof Uint8Array) body = Buffer.from(raw);
  else if (raw instanceof ArrayBuffer) body = Buffer.from(raw);
  else if (raw !== undefined && raw !== null) body = Buffer.from(await new Response(raw).arrayBuffer());
  return { url: context.request, method: (options.method ?? 'GET').toUpperCase(), headers, body };
}

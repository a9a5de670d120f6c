// One HTTPS request to a server whose certificate comes from an authority of our own (demo mode's emulators): Node's
// fetch takes no extra authority, node:https does.

import { request as httpsRequest } from 'node:https';

export interface CaResponse {
  status: number;
  contentType: string;
  body: Buffer;
}

export function requestWithCa(url: string, ca: string, options: { method?: string; headers?: Record<string, string | number>; body?: string; signal?: AbortSignal; timeoutMs?: number } = {}): Promise<CaResponse> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: options.method ?? 'GET', ca, signal: options.signal, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 500, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    if (options.timeoutMs) req.setTimeout(options.timeoutMs, () => req.destroy(new Error(`no answer from ${new URL(url).host} within ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

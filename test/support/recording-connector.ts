// A loopback stand-in for the Bot Connector's send APIs that records what the bot sent.
// (The full Bot Connector emulator, with limits and errors, is its own feature; this only records.)

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SentActivity {
  conversationId: string;
  path: string;
  authorization: string | undefined;
  activity: Record<string, unknown> & { type?: string; text?: string; attachments?: { contentType: string; content: Record<string, unknown> }[] };
}

export interface RecordingConnector {
  serviceUrl: string;
  sent: SentActivity[];
  /** Resolves once `count` activities have arrived (or rejects after `timeoutMs`). */
  waitFor(count: number, timeoutMs?: number): Promise<SentActivity[]>;
  close(): Promise<void>;
}

export async function startRecordingConnector(options: { delayMs?: number } = {}): Promise<RecordingConnector> {
  const sent: SentActivity[] = [];
  const waiters: { count: number; resolve: () => void }[] = [];
  let next = 1;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', async () => {
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      const match = /^\/v3\/conversations\/([^/]+)\/activities(?:\/[^/]+)?$/.exec(req.url ?? '');
      res.setHeader('content-type', 'application/json');
      if (req.method !== 'POST' || !match) {
        res.statusCode = 404;
        res.end(JSON.stringify({ error: { code: 'NotFound', message: `no route for ${req.method} ${req.url}` } }));
        return;
      }
      sent.push({
        conversationId: decodeURIComponent(match[1] ?? ''),
        path: req.url ?? '',
        authorization: req.headers.authorization,
        activity: JSON.parse(Buffer.concat(chunks).toString('utf8')) as SentActivity['activity'],
      });
      for (const waiter of waiters.filter((w) => sent.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
      res.statusCode = 201;
      res.end(JSON.stringify({ id: `activity-${next++}` }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serviceUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    serviceUrl,
    sent,
    waitFor(count, timeoutMs = 5000) {
      if (sent.length >= count) return Promise.resolve(sent.slice());
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`expected ${count} sent activities, got ${sent.length}`)), timeoutMs);
        waiters.push({
          count,
          resolve: () => {
            clearTimeout(timer);
            resolve(sent.slice());
          },
        });
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

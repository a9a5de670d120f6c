// A graceful stop (App Service's SIGTERM) turns nothing that reached the server into a reset connection: a request
// whose turn has not started is answered 503 with Retry-After (Teams retries), turns already running finish, and the
// sender waiting on a slow Teams call stops alongside the HTTP drain instead of before it.

import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { activityFixture, startDemoBot } from '../support/bot-harness.js';
import { startProcess } from '../support/bot-process.js';
import { until } from '../support/waiting.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status?: number;
  retryAfter?: string;
  error?: string;
}

/** A POST whose headers and all but the last byte of its body are sent now; `finish` sends the last byte. */
function heldRequest(url: string, body: string): { connected: Promise<void>; finish(): void; answer: Promise<Answer> } {
  const { hostname, port } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const bytes = Buffer.from(body);
  const connected = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  socket.write(`POST /api/messages HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${bytes.length}\r\n\r\n`);
  socket.write(bytes.subarray(0, bytes.length - 1));
  let received = '';
  socket.on('data', (chunk: Buffer) => {
    received += chunk.toString();
  });
  const answer = new Promise<Answer>((resolve) => {
    socket.once('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    socket.once('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(received)?.[1];
      if (!status) return resolve({ error: 'closed without an answer' });
      resolve({ status: Number(status), retryAfter: /\r\nretry-after: *([^\r]+)/i.exec(received)?.[1] });
    });
  });
  return { connected, finish: () => socket.end(bytes.subarray(bytes.length - 1)), answer };
}

describe('graceful stop', () => {
  it('answers every request that reached it (200 requests mid-body at SIGTERM): 503 with Retry-After, none reset', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-stop-'));
    dirs.push(dir);
    const bot = await startProcess({ DATA_DIR: dir, LOG_LEVEL: 'info' });
    const body = JSON.stringify(activityFixture('message-personal', { text: 'help', deliveryMode: 'expectReplies' }));
    const requests = Array.from({ length: 200 }, () => heldRequest(bot.url, body));
    await Promise.all(requests.map((request) => request.connected));
    // One answered request after all 200 connected: the server has read their headers.
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);

    bot.child.kill('SIGTERM');
    await until(() => bot.output().includes('"msg":"stopping"'));
    for (const request of requests) request.finish();
    const answers = await Promise.all(requests.map((request) => request.answer));

    expect(answers.filter((answer) => answer.error !== undefined)).toEqual([]);
    expect(answers.every((answer) => answer.status === 503 && answer.retryAfter === '5')).toBe(true);
    expect(await bot.exited).toBe(0);
    expect(bot.output()).toContain('"msg":"stopped","service":"passkey-coach","drained":true');
  }, 60_000);

  it('drains HTTP at once while the sender still waits on a slow Teams call, and stops within its budget', async () => {
    const bot = await startDemoBot({ CAMPAIGN_RESPECT_WORKING_HOURS: 'false', OUTREACH_CONCURRENCY: '1' }, { inMemory: true });
    let stopped = false;
    try {
      // Every send to Teams takes 4 s: the sender has one in flight when the stop begins.
      bot.demo.connector.faults.add({ method: 'POST', path: '/v3/conversations', delayMs: 4_000 });
      const started = await bot.service.features.campaigns.start({ name: 'Slow', deadline: new Date(Date.now() + 20 * 86_400_000).toISOString().slice(0, 10), waves: 1, by: { id: 'test-admin' } });
      if (!('started' in started)) throw new Error(started.refused);
      bot.service.features.scheduler.kick();
      await until(() => bot.service.features.sender.stats().inFlight > 0, 60_000);

      const stopping = bot.service.stop('test');
      const during = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activityFixture('message-personal', { text: 'help', deliveryMode: 'expectReplies' })) });
      expect(during.status).toBe(503);
      expect(during.headers.get('retry-after')).toBe('5');
      // The Teams call already on its way is let finish (its outcome is written), within the budget.
      expect(bot.service.features.sender.stats().inFlight).toBe(1);
      expect(await stopping).toEqual({ drained: true });
      stopped = true;
      expect(bot.service.features.sender.stats().inFlight).toBe(0);
    } finally {
      if (!stopped) await bot.stop();
      else await bot.demo.close().catch(() => undefined);
    }
  }, 90_000);
});

// The attack: restify inflates a compressed body before any token is checked, through a stream nobody listens to for
// errors, so one truncated gzip body of a dozen bytes used to stop the whole service. Every coding but identity is
// now refused with 415 before the body is read, on every route, and the service answers the next request.

import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compressedCoding } from '../../src/http/server.js';
import { type ServingProcess, startProcess } from '../support/bot-process.js';

interface RawAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function send(url: string, method: string, pathname: string, headers: Record<string, string>, body?: Buffer): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(pathname, url), { method, headers: { ...headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    // The server may answer and close before the whole body is sent: that is the point, not an error.
    request.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    request.end(body);
  });
}

const activity = Buffer.from(JSON.stringify({ type: 'message', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:9/', from: { id: 'x' }, recipient: { id: 'y' }, conversation: { id: 'z' }, text: 'hi' }));

describe('compressed request bodies', () => {
  let bot: ServingProcess;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'passkey-coach-encoding-'));
    bot = await startProcess({ DATA_DIR: dataDir });
  }, 60_000);
  afterAll(async () => {
    bot?.child.kill('SIGTERM');
    await bot?.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });

  const attacks: [string, Record<string, string>, Buffer][] = [
    ['a truncated gzip body (12 bytes)', { 'content-encoding': 'gzip' }, gzipSync(activity).subarray(0, 12)],
    ['a gzip bomb (64 MB of zeros, 64 KB on the wire)', { 'content-encoding': 'gzip' }, gzipSync(Buffer.alloc(64 * 1024 * 1024))],
    ['a valid deflate body', { 'content-encoding': 'deflate' }, deflateSync(activity)],
    ['a valid brotli body', { 'content-encoding': 'br' }, brotliCompressSync(activity)],
    ['gzip named in a list with identity, in capitals', { 'content-encoding': 'identity, GZIP' }, gzipSync(activity).subarray(0, 12)],
  ];

  it.each(attacks)('refuses %s on /api/messages with 415 before any token check, and answers the next request', async (_name, headers, body) => {
    const answer = await send(bot.url, 'POST', '/api/messages', { 'content-type': 'application/json', ...headers }, body);
    expect(answer.status).toBe(415);
    expect(answer.headers['accept-encoding']).toBe('identity');
    expect(JSON.parse(answer.body)).toMatchObject({ error: 'unsupported-content-encoding' });
    // The process is still there and serving.
    expect((await send(bot.url, 'GET', '/healthz', {})).status).toBe(200);
    // And still reads bodies: an uncompressed one that is not an activity gets the usual 400.
    const plain = await send(bot.url, 'POST', '/api/messages', { 'content-type': 'application/json' }, Buffer.from('{"type":"message"}'));
    expect(plain.status).toBe(400);
    expect(JSON.parse(plain.body)).toMatchObject({ error: 'not-an-activity' });
  });

  it('refuses compressed bodies on every route: the tab API, downloads, health', async () => {
    for (const [method, route] of [
      ['POST', '/tab/api/passes/T-AAAAAA/approve'],
      ['GET', '/downloads/abcdefghijklmnopqrstuvwxyz'],
      ['GET', '/healthz'],
    ] as const) {
      const answer = await send(bot.url, method, route, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, gzipSync(activity).subarray(0, 12));
      expect(answer.status, route).toBe(415);
    }
    expect(bot.child.exitCode).toBeNull();
  });
});

describe('which codings count as compressed', () => {
  it('lets absent, empty and identity through, and names anything else', () => {
    expect(compressedCoding(undefined)).toBeUndefined();
    expect(compressedCoding('')).toBeUndefined();
    expect(compressedCoding(' Identity ')).toBeUndefined();
    expect(compressedCoding('identity, identity')).toBeUndefined();
    expect(compressedCoding('gzip')).toBe('gzip');
    expect(compressedCoding('identity, x-gzip')).toBe('identity, x-gzip');
    expect(compressedCoding(['identity', 'br'])).toBe('identity,br');
  });
});

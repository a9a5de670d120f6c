// The Graph retry/throttle middleware as a pure unit: a scripted next handler and a virtual clock.

import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { describe, expect, it, vi } from 'vitest';
import { GraphRetryHandler, routeOf } from '../../src/directory/graph-retry-handler.js';
import type { Clock } from '../../src/directory/rate-limiter.js';
import { createLogger, MemorySink } from '../../src/logging/logger.js';

class VirtualClock implements Clock {
  time = 1_000_000;
  readonly sleeps: number[] = [];
  now(): number {
    return this.time;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }
}

/** Answers each call with the next scripted status (the last one repeats), recording what was sent and when. */
class ScriptedGraph implements Middleware {
  readonly calls: { method: string; url: string; at: number }[] = [];
  constructor(
    private readonly clock: VirtualClock,
    private readonly script: { status: number; retryAfter?: string }[],
  ) {}
  async execute(context: Context): Promise<void> {
    const step = this.script[Math.min(this.calls.length, this.script.length - 1)] ?? { status: 200 };
    this.calls.push({ method: context.options?.method ?? 'GET', url: String(context.request), at: this.clock.now() });
    const headers = step.retryAfter ? { 'retry-after': step.retryAfter } : undefined;
    context.response = new Response(step.status === 204 ? null : '{}', { status: step.status, headers });
  }
}

function setup(script: { status: number; retryAfter?: string }[], maxAttempts = 5) {
  const clock = new VirtualClock();
  const graph = new ScriptedGraph(clock, script);
  const logs = new MemorySink();
  const handler = new GraphRetryHandler({ logger: createLogger({ sink: logs, level: 'debug' }), clock, random: () => 0.5, retry: { maxAttempts } });
  handler.setNext(graph);
  const send = async (method: string, url: string, body?: unknown) => {
    const context: Context = { request: url, options: { method, body: body === undefined ? undefined : JSON.stringify(body) } };
    await handler.execute(context);
    return context.response?.status;
  };
  return { clock, graph, logs, send };
}

describe('retries', () => {
  it('rides out a 503 storm on a read and honours Retry-After', async () => {
    const { graph, clock, send } = setup([{ status: 503, retryAfter: '3' }, { status: 503 }, { status: 429, retryAfter: '7' }, { status: 200 }]);
    expect(await send('GET', 'https://graph.microsoft.com/v1.0/users')).toBe(200);
    expect(graph.calls).toHaveLength(4);
    expect(clock.sleeps[0]).toBe(3000);
    expect(clock.sleeps[1]).toBe(1000); // no Retry-After: jittered back-off, 0.5 × 2^1 s
    expect(clock.sleeps[2]).toBe(7000);
  });

  it('reads a Retry-After given as an HTTP date against the wall clock', async () => {
    const clock = new VirtualClock();
    const wall = Date.parse('2026-12-04T10:00:00Z');
    const graph = new ScriptedGraph(clock, [{ status: 503, retryAfter: new Date(wall + 4_000).toUTCString() }, { status: 200 }]);
    const handler = new GraphRetryHandler({ logger: createLogger({ sink: new MemorySink(), level: 'debug' }), clock, wallNow: () => wall, random: () => 0.5 });
    handler.setNext(graph);
    const context: Context = { request: 'https://graph.microsoft.com/v1.0/users', options: { method: 'GET' } };
    await handler.execute(context);
    expect(context.response?.status).toBe(200);
    expect(clock.sleeps).toEqual([4_000]);
  });

  it('with its default clocks, waits out an HTTP-date Retry-After of a second and tries again', async () => {
    // The default clocks read Date, performance and setTimeout: faked, so the wait is checked to the millisecond.
    vi.useFakeTimers({ toFake: ['Date', 'performance', 'setTimeout', 'clearTimeout'], now: new Date('2026-12-04T10:00:00Z') });
    try {
      const scripted = new ScriptedGraph(new VirtualClock(), [{ status: 429, retryAfter: new Date(Date.now() + 1_000).toUTCString() }, { status: 200 }]);
      const handler = new GraphRetryHandler({ logger: createLogger({ sink: new MemorySink(), level: 'debug' }) });
      handler.setNext(scripted);
      const context: Context = { request: 'https://graph.microsoft.com/v1.0/users', options: { method: 'GET' } };
      const done = handler.execute(context);
      await vi.advanceTimersByTimeAsync(999);
      expect(scripted.calls).toHaveLength(1);
      await vi.advanceTimersByTimeAsync(1);
      await done;
      expect(scripted.calls).toHaveLength(2);
      expect(context.response?.status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives up after the last attempt and returns the failure', async () => {
    const { graph, send } = setup([{ status: 504 }]);
    expect(await send('GET', 'https://graph.microsoft.com/v1.0/users/x')).toBe(504);
    expect(graph.calls).toHaveLength(5);
  });

  it.each([503, 504, 429])('never sends a create twice: a POST answered %i is returned, not retried', async (status) => {
    const { graph, send } = setup([{ status, retryAfter: '1' }, { status: 201 }]);
    expect(await send('POST', 'https://graph.microsoft.com/v1.0/users/u1/authentication/temporaryAccessPassMethods', { lifetimeInMinutes: 60 })).toBe(status);
    expect(graph.calls.filter((c) => c.method === 'POST')).toHaveLength(1);
  });

  it('replays a $batch made only of reads, but not one that writes', async () => {
    const reads = setup([{ status: 503 }, { status: 200 }]);
    expect(await reads.send('POST', 'https://graph.microsoft.com/v1.0/$batch', { requests: [{ id: '1', method: 'GET', url: '/users/a' }] })).toBe(200);
    expect(reads.graph.calls).toHaveLength(2);
    const writes = setup([{ status: 503 }, { status: 200 }]);
    const body = { requests: [{ id: '1', method: 'GET', url: '/users/a' }, { id: '2', method: 'POST', url: '/users/a/revokeSignInSessions' }] };
    expect(await writes.send('POST', 'https://graph.microsoft.com/v1.0/$batch', body)).toBe(503);
    expect(writes.graph.calls).toHaveLength(1);
  });

  it('asks a read again after a connection reset or a timed-out attempt, but never a create', async () => {
    const clock = new VirtualClock();
    const failures: Error[] = [Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) }), new DOMException('The operation was aborted due to timeout', 'TimeoutError')];
    const calls: string[] = [];
    const handler = new GraphRetryHandler({ logger: createLogger({ level: 'silent' }), clock, random: () => 0.5 });
    handler.setNext({
      execute: async (context) => {
        calls.push(context.options?.method ?? 'GET');
        const failure = failures[calls.length - 1];
        if (failure) throw failure;
        context.response = new Response('{}', { status: 200 });
      },
    });
    const read: Context = { request: 'https://graph.microsoft.com/v1.0/users/u1', options: { method: 'GET' } };
    await handler.execute(read);
    expect(read.response?.status).toBe(200);
    expect(calls).toEqual(['GET', 'GET', 'GET']);
    calls.length = 0;
    failures.unshift(new TypeError('fetch failed'));
    const create: Context = { request: 'https://graph.microsoft.com/v1.0/users/u1/authentication/temporaryAccessPassMethods', options: { method: 'POST', body: '{}' } };
    await expect(handler.execute(create)).rejects.toThrow('fetch failed');
    expect(calls).toEqual(['POST']);
  });

  it('does not wait out a Retry-After longer than a turn can bear: the throttle goes back to the caller', async () => {
    const { graph, clock, send } = setup([{ status: 429, retryAfter: '3600' }, { status: 200 }]);
    expect(await send('GET', 'https://graph.microsoft.com/v1.0/users')).toBe(429);
    expect(graph.calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('gives every attempt its own time limit', async () => {
    const { send } = setup([{ status: 200 }]);
    const signals: (AbortSignal | undefined)[] = [];
    const clock = new VirtualClock();
    const handler = new GraphRetryHandler({ logger: createLogger({ level: 'silent' }), clock });
    handler.setNext({
      execute: async (context) => {
        signals.push(context.options?.signal ?? undefined);
        context.response = new Response('{}', { status: signals.length === 1 ? 503 : 200, headers: { 'retry-after': '0' } });
      },
    });
    await handler.execute({ request: 'https://graph.microsoft.com/v1.0/users', options: { method: 'GET' } });
    expect(signals).toHaveLength(2);
    expect(signals[0]).toBeInstanceOf(AbortSignal);
    expect(signals[0]).not.toBe(signals[1]);
    expect(await send('GET', 'https://graph.microsoft.com/v1.0/users')).toBe(200);
  });

  it('logs the path but never the query, which can hold names', async () => {
    const { logs, send } = setup([{ status: 503 }, { status: 200 }]);
    await send('GET', "https://graph.microsoft.com/v1.0/users?$filter=displayName eq 'Mara Jensen'");
    expect(logs.text()).toContain('/v1.0/users');
    expect(logs.text()).not.toContain('Mara');
  });
});

describe('routeOf', () => {
  it.each([
    ['https://graph.microsoft.com/v1.0/users/mara.jensen%40northwind.example/manager', '/v1.0/users/{id}/manager'],
    ['https://graph.microsoft.com/v1.0/users/6f1d2c3b-4a59-4e8d-9c7b-1a2b3c4d5e6f/authentication/temporaryAccessPassMethods/abc', '/v1.0/users/{id}/authentication/temporaryAccessPassMethods/{id}'],
    ["https://graph.microsoft.com/v1.0/users?$filter=displayName eq 'Mara'", '/v1.0/users'],
    ['https://graph.microsoft.com/v1.0/$batch', '/v1.0/$batch'],
  ])('logs %s as %s', (url, route) => {
    expect(routeOf(url)).toBe(route);
  });
});

describe('throttle buckets', () => {
  it('keeps pass creation out of the reports bucket', async () => {
    const { graph, send } = setup([{ status: 201 }]);
    await Promise.all(Array.from({ length: 8 }, (_, n) => send('POST', `https://graph.microsoft.com/v1.0/users/u${n}/authentication/temporaryAccessPassMethods`, {})));
    expect(new Set(graph.calls.map((c) => c.at)).size).toBe(1);
  });

  it('queues the sixth report or method read in ten seconds instead of sending it into a 429', async () => {
    const { graph, send } = setup([{ status: 200 }]);
    const urls = [
      'https://graph.microsoft.com/v1.0/reports/authenticationMethods/userRegistrationDetails',
      ...[1, 2, 3, 4, 5].map((n) => `https://graph.microsoft.com/v1.0/users/u${n}/authentication/methods`),
    ];
    await Promise.all(urls.map((url) => send('GET', url)));
    const times = graph.calls.map((c) => c.at);
    expect(times).toHaveLength(6);
    expect((times[5] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(10_000);
    expect((times[4] ?? 0) - (times[0] ?? 0)).toBe(0);
  });

  it('does not hold back ordinary calls behind the reports bucket', async () => {
    const { graph, send } = setup([{ status: 200 }]);
    await Promise.all(Array.from({ length: 12 }, (_, n) => send('GET', `https://graph.microsoft.com/v1.0/users/u${n}`)));
    expect(new Set(graph.calls.map((c) => c.at)).size).toBe(1);
  });

  it('a 429 in the bucket makes the next caller wait out its Retry-After', async () => {
    const { graph, send } = setup([{ status: 429, retryAfter: '20' }, { status: 200 }], 1);
    // With no attempts left the 429 comes back to its caller; the bucket must still remember it.
    expect(await send('GET', 'https://graph.microsoft.com/v1.0/users/a/authentication/methods')).toBe(429);
    expect(await send('GET', 'https://graph.microsoft.com/v1.0/users/b/authentication/methods')).toBe(200);
    expect((graph.calls[1]?.at ?? 0) - (graph.calls[0]?.at ?? 0)).toBeGreaterThanOrEqual(20_000);
  });

  it('limits app installs to 30 a second, evenly spaced rather than in bursts', async () => {
    const { graph, send } = setup([{ status: 201 }]);
    await Promise.all(Array.from({ length: 61 }, (_, n) => send('POST', `https://graph.microsoft.com/v1.0/users/u${n}/teamwork/installedApps`, {})));
    const times = graph.calls.map((c) => c.at);
    // Never more than 30 in any second as Graph counts them, and never more than two leaving together.
    for (const [index, start] of times.entries()) expect(times.slice(index).filter((at) => at < start + 1_000).length).toBeLessThanOrEqual(30);
    for (const [index, at] of times.entries()) expect(times.filter((other) => other === at).length, `install ${index}`).toBeLessThanOrEqual(2);
    // Still close to the full rate: 61 installs in a little over 2 s.
    expect((times[60] ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(2_000);
    expect((times[60] ?? 0) - (times[0] ?? 0)).toBeLessThan(2_200);
  });
});

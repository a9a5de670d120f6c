// Graph tokens reused until they near expiry: one fetch for many requests, a fresh one in time, failures not kept.

import type { AccessToken, TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';
import { GRAPH_SCOPE, reuseTokens, TOKEN_REFRESH_MARGIN_MS } from '../../src/directory/graph-client.js';

class CountingCredential implements TokenCredential {
  calls = 0;
  failNext = false;
  constructor(
    private readonly clock: { time: number },
    private readonly lifetimeMs = 3600_000,
    private readonly refreshAfterMs?: number,
  ) {}
  async getToken(): Promise<AccessToken | null> {
    this.calls += 1;
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (this.failNext) {
      this.failNext = false;
      throw new Error('the token endpoint is down');
    }
    return {
      token: `token-${this.calls}`,
      expiresOnTimestamp: this.clock.time + this.lifetimeMs,
      ...(this.refreshAfterMs ? { refreshAfterTimestamp: this.clock.time + this.refreshAfterMs } : {}),
    };
  }
}

describe('reuseTokens', () => {
  it('fetches once for many requests at once and reuses the token until shortly before it expires', async () => {
    const clock = { time: 1_000_000 };
    const inner = new CountingCredential(clock);
    const credential = reuseTokens(inner, () => clock.time);
    const tokens = await Promise.all(Array.from({ length: 20 }, () => credential.getToken(GRAPH_SCOPE)));
    expect(new Set(tokens.map((token) => token?.token))).toEqual(new Set(['token-1']));
    expect(inner.calls).toBe(1);
    clock.time += 3600_000 - TOKEN_REFRESH_MARGIN_MS - 1;
    expect((await credential.getToken(GRAPH_SCOPE))?.token).toBe('token-1');
    clock.time += 1;
    expect((await credential.getToken(GRAPH_SCOPE))?.token).toBe('token-2');
  });

  it("renews at the issuer's refresh time when it gives one", async () => {
    const clock = { time: 1_000_000 };
    const inner = new CountingCredential(clock, 24 * 3600_000, 600_000);
    const credential = reuseTokens(inner, () => clock.time);
    await credential.getToken(GRAPH_SCOPE);
    clock.time += 600_000;
    expect((await credential.getToken(GRAPH_SCOPE))?.token).toBe('token-2');
  });

  it('does not keep a failure, and lets requests that change the token through', async () => {
    const clock = { time: 1_000_000 };
    const inner = new CountingCredential(clock);
    const credential = reuseTokens(inner, () => clock.time);
    inner.failNext = true;
    await expect(credential.getToken(GRAPH_SCOPE)).rejects.toThrow('down');
    expect((await credential.getToken(GRAPH_SCOPE))?.token).toBe('token-2');
    expect((await credential.getToken(GRAPH_SCOPE, { claims: 'challenge' }))?.token).toBe('token-3');
    expect((await credential.getToken(GRAPH_SCOPE))?.token).toBe('token-2');
  });
});

// What may leave the process as an attribute: the service's own words. A name, an address, an object id, a token or
// a sentence with either in it comes out as `other`, whoever passes it.

import { describe, expect, it } from 'vitest';
import { reasonCode, statusClass, word, wordsOf } from '../../src/telemetry/telemetry.js';

describe('telemetry attribute values', () => {
  it('keeps the service’s words: kinds, states, reason codes, route templates', () => {
    for (const value of ['message', 'awaiting-approval', 'blocked-app', '5xx', '/v1.0/users/{id}/authentication/methods', '/v1.0/$batch', 'reports+installs', 'invoke']) expect(word(value)).toBe(value);
  });

  it('turns anything personal or secret into other', () => {
    const personal = [
      'Ava Patel',
      'ava.patel@northwind.example',
      '5f0c2a9e-1111-4b7a-9c55-0a1b2c3d4e5f',
      '5f0c2a9e11114b7a9c550a1b2c3d4e5f',
      'eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9',
      '/v1.0/users/ava.patel@northwind.example/authentication/methods',
      'a:1Xb8-QcKp2zF0lR9wT',
      '0612345678',
      'T-4KQ7ZM',
      'x'.repeat(65),
    ];
    for (const value of personal) expect(word(value), value).toBe('other');
    expect(word(undefined)).toBe('none');
    expect(word('')).toBe('none');
  });

  it('applies the rule to every string attribute and leaves numbers alone', () => {
    expect(wordsOf({ kind: 'campaign', reason: 'Sent to Ava Patel', attempts: 3, gone: undefined })).toEqual({ kind: 'campaign', reason: 'other', attempts: 3 });
  });

  it('reads a reason code out of what the outbox writes', () => {
    expect(reasonCode('blocked-app: the person blocked the bot')).toBe('blocked-app');
    expect(reasonCode('gave up after 8 attempts: 500 from Teams for Ava Patel')).toBe('attempts-exhausted');
    expect(reasonCode('the campaign had ended')).toBe('the-campaign-had-ended');
    expect(reasonCode('the group 3f2a9c1e-0000-4000-8000-000000000001 does not exist')).toBe('other');
    expect(reasonCode('Teams no longer has the card')).toBe('other');
    expect(reasonCode(undefined)).toBe('none');
  });

  it('names status classes, and no answer as none', () => {
    expect([statusClass(200), statusClass(429), statusClass(503), statusClass(undefined)]).toEqual(['2xx', '4xx', '5xx', 'none']);
  });
});

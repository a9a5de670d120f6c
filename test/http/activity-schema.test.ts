// The activity check's fast path says yes only where the schema says yes, and hands a Teams body on without copying it.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { checkActivity, inboundActivitySchema } from '../../src/http/activity-schema.js';

/** A Teams message as Teams sends it (the recorded fixture the bot's end-to-end tests use too). */
const teamsBody = (): Record<string, unknown> => JSON.parse(readFileSync(path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'activities', 'message-personal.json'), 'utf8'));

const long = (n: number) => 'x'.repeat(n);
const variants: [string, (body: Record<string, unknown>) => unknown][] = [
  ['as sent', (body) => body],
  ['null', () => null],
  ['an array', (body) => [body]],
  ['a string', () => 'message'],
  ['no type', ({ type: _type, ...rest }) => rest],
  ['empty type', (body) => ({ ...body, type: '' })],
  ['type of 64', (body) => ({ ...body, type: long(64) })],
  ['type of 65', (body) => ({ ...body, type: long(65) })],
  ['numeric type', (body) => ({ ...body, type: 7 })],
  ['empty channel', (body) => ({ ...body, channelId: '' })],
  ['channel of 65', (body) => ({ ...body, channelId: long(65) })],
  ['http service URL', (body) => ({ ...body, serviceUrl: 'http://127.0.0.1:3978/' })],
  ['upper-case scheme', (body) => ({ ...body, serviceUrl: 'HTTPS://smba.trafficmanager.net/emea/' })],
  ['ftp service URL', (body) => ({ ...body, serviceUrl: 'ftp://example.com/' })],
  ['scheme only', (body) => ({ ...body, serviceUrl: 'https://' })],
  ['space in the host', (body) => ({ ...body, serviceUrl: 'https://exa mple.com/' })],
  ['no scheme', (body) => ({ ...body, serviceUrl: 'smba.trafficmanager.net/emea/' })],
  ['service URL of 2048', (body) => ({ ...body, serviceUrl: `https://a.example/${long(2048 - 18)}` })],
  ['service URL of 2049', (body) => ({ ...body, serviceUrl: `https://a.example/${long(2049 - 18)}` })],
  ['no service URL', ({ serviceUrl: _url, ...rest }) => rest],
  ['from an array', (body) => ({ ...body, from: [{ id: 'x' }] })],
  ['from null', (body) => ({ ...body, from: null })],
  ['empty from id', (body) => ({ ...body, from: { id: '' } })],
  ['from id of 1024', (body) => ({ ...body, from: { id: long(1024) } })],
  ['from id of 1025', (body) => ({ ...body, from: { id: long(1025) } })],
  ['numeric recipient id', (body) => ({ ...body, recipient: { id: 28 } })],
  ['no conversation', ({ conversation: _conversation, ...rest }) => rest],
  ['conversation without id', (body) => ({ ...body, conversation: { conversationType: 'personal' } })],
];

describe('checkActivity', () => {
  it.each(variants)('agrees with the schema: %s', (_name, make) => {
    const body = make(teamsBody());
    const schema = inboundActivitySchema.safeParse(body);
    const checked = checkActivity(body);
    expect(checked.ok).toBe(schema.success);
    if (checked.ok && schema.success) expect(checked.activity).toEqual(schema.data);
    if (!checked.ok && !schema.success) expect(checked.issues).toEqual(schema.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`));
  });

  it('hands a Teams body on as it came, without a copy', () => {
    const body = teamsBody();
    const checked = checkActivity(body);
    expect(checked.ok && checked.activity).toBe(body);
  });

  it('keeps a "__proto__" key as the data it is (the schema\'s copy would make it the prototype)', () => {
    const body = JSON.parse(JSON.stringify({ ...teamsBody(), extra: { polluted: true } }).replace('"extra"', '"__proto__"'));
    const checked = checkActivity(body);
    expect(checked.ok).toBe(true);
    expect(checked.ok && Object.getPrototypeOf(checked.activity)).toBe(Object.prototype);
    expect(checked.ok && (checked.activity as Record<string, unknown>).polluted).toBeUndefined();
    expect(inboundActivitySchema.safeParse(body).success).toBe(true);
  });

  it('names what is wrong, up to five issues', () => {
    const checked = checkActivity({ type: '', serviceUrl: 'ftp://x', from: {}, recipient: [], conversation: null });
    expect(checked.ok).toBe(false);
    if (!checked.ok) {
      expect(checked.issues).toHaveLength(5);
      expect(checked.issues[0]).toMatch(/^type: /);
    }
  });
});

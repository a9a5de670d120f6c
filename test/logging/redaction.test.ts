// Secrets, tokens and Temporary Access Pass values never reach a log line.

import { describe, expect, it } from 'vitest';
import { createLogger, MemorySink } from '../../src/logging/logger.js';
import { Redactor } from '../../src/logging/redact.js';

const JWT = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJhdWQiOiJib3QiLCJpc3MiOiJ4In0.c2lnbmF0dXJlLXBhcnQtMTIzNDU2';

function logWith(fields: Record<string, unknown>, setup?: (redactor: Redactor) => void): string {
  const sink = new MemorySink();
  const redactor = new Redactor();
  setup?.(redactor);
  createLogger({ sink, redactor, level: 'trace' }).info('event', fields);
  return sink.text();
}

describe('log redaction', () => {
  it('blanks fields named like secrets at any depth', () => {
    const text = logWith({
      password: 'hunter2-hunter2',
      request: { headers: { authorization: 'Bearer abc.def.ghi', cookie: 'session=1' } },
      tap: { temporaryAccessPass: 'Xk7#pQ2!m', lifetimeInMinutes: 60 },
      config: { BOT_PASSWORD: 'pw-very-secret', client_secret: 'cs-very-secret', AUDIT_HMAC_KEY: 'k'.repeat(40) },
    });
    for (const secret of ['hunter2-hunter2', 'abc.def.ghi', 'session=1', 'Xk7#pQ2!m', 'pw-very-secret', 'cs-very-secret', 'k'.repeat(40)]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain('"lifetimeInMinutes":60');
  });

  it('blanks the secret fields of Entra and Azure Storage objects', () => {
    const text = logWith({ passwordCredentials: [{ secretText: 'entra-secret-1' }], storage: { accountKey: 'storage-key-1' }, certificatePem: 'pem-body-1' });
    for (const secret of ['entra-secret-1', 'storage-key-1', 'pem-body-1']) expect(text).not.toContain(secret);
  });

  it('blanks every string inside a secret-named object, whatever its inner names', () => {
    const text = logWith({ password: { value: 'inner-secret-1' }, credential: ['inner-secret-2'] });
    expect(text).not.toContain('inner-secret-1');
    expect(text).not.toContain('inner-secret-2');
  });

  it('scrubs JWTs and bearer tokens inside free text and error messages', () => {
    const text = logWith({ note: `token was ${JWT}`, error: new Error(`401 for Authorization: Bearer ${JWT}`), url: 'https://x/?client_secret=abcdef123&ok=1' });
    expect(text).not.toContain(JWT);
    expect(text).not.toContain('c2lnbmF0dXJlLXBhcnQtMTIzNDU2');
    expect(text).not.toContain('abcdef123');
    expect(text).toContain('ok=1');
  });

  it('scrubs a registered secret wherever it appears, e.g. a TAP value quoted in a message', () => {
    const tap = 'Qz8!vR3#wT';
    const text = logWith({ message: `created pass ${tap} for mara`, nested: [{ text: tap }] }, (redactor) => redactor.addSecret(tap));
    expect(text).not.toContain(tap);
    expect(text).toContain('created pass [redacted] for mara');
  });

  it('redacts the message itself, not only the fields', () => {
    const sink = new MemorySink();
    createLogger({ sink }).warn(`bad header Bearer ${JWT}`);
    expect(sink.text()).not.toContain(JWT);
  });

  it('survives circular objects and keeps the line valid JSON', () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;
    const text = logWith({ loop });
    expect(() => JSON.parse(text)).not.toThrow();
    expect(text).toContain('[circular]');
  });
});

describe('logger', () => {
  it('writes one JSON line per event with level, time, message and bindings of its child', () => {
    const sink = new MemorySink();
    const logger = createLogger({ sink, level: 'info', bindings: { service: 'passkey-coach' } }).child({ requestId: 'r1' });
    logger.debug('hidden');
    logger.info('shown', { n: 1 });
    const entries = sink.entries();
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ level: 'info', msg: 'shown', service: 'passkey-coach', requestId: 'r1', n: 1 });
    expect(typeof entries[0]?.time).toBe('string');
  });

  it('is silent at level silent', () => {
    const sink = new MemorySink();
    createLogger({ sink, level: 'silent' }).fatal('nothing');
    expect(sink.lines).toHaveLength(0);
  });
});

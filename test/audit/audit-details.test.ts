import { describe, expect, it } from 'vitest';
import { cleanDetails, maskEmails } from '../../src/audit/audit-details.js';
import { Redactor } from '../../src/logging/redact.js';

describe('cleaning the details sealed into an audit entry', () => {
  it.each([
    ['mail alice.b@contoso.example now', 'mail [personal] now'],
    ['first a@b.co, then c.d@e.org.', 'first [personal], then [personal].'],
    ['no address in a@b or @foo.com or bob@localhost', 'no address in a@b or @foo.com or bob@localhost'],
    ['x@@y.com', 'x@@y.com'],
  ])('masks e-mail addresses in free text: %s', (text, expected) => {
    expect(maskEmails(text)).toBe(expected);
  });

  it('leaves a long run without a valid address alone and still finds one after a long local part', () => {
    const text = `${'x'.repeat(15_000)}@${'a.'.repeat(100)}`;
    expect(maskEmails(text)).toBe(text);
    expect(maskEmails(`${'y'.repeat(15_000)}@contoso.example`)).toBe('[personal]');
  });

  it('replaces fields that name a person, at any depth, and keeps the facts', () => {
    const cleaned = cleanDetails(
      { upn: 'a@b.example', displayName: 'Alice', nested: { userPrincipalName: 'x', objectId: 'abc', lifetimeMinutes: 60 }, platform: 'ios' },
      new Redactor(),
    );
    expect(cleaned).toEqual({ upn: '[personal]', displayName: '[personal]', nested: { userPrincipalName: '[personal]', objectId: '[personal]', lifetimeMinutes: 60 }, platform: 'ios' });
  });

  it('leaves plain JSON: dates become text and undefined fields disappear', () => {
    expect(cleanDetails({ when: new Date('2025-01-02T03:04:05.000Z'), gone: undefined, list: [1, 'two'] }, new Redactor())).toEqual({
      when: '2025-01-02T03:04:05.000Z',
      list: [1, 'two'],
    });
  });

  it('refuses details too large to seal', () => {
    expect(() => cleanDetails({ blob: 'x'.repeat(20_000) }, new Redactor())).toThrow(/limit is 16384/);
  });
});

// The catalog's answers in the organisation's words: placeholders filled, a value that begins a sentence capitalised.

import { describe, expect, it } from 'vitest';
import { fillIn } from '../../src/conversation/answer-cards.js';

const fill = { organisation: 'your organisation', reason: 'to protect every work account from phishing', deadline: 'Friday 15 January 2027' };

describe('filling in the organisation\'s words', () => {
  it('fills every placeholder, capitalising one that begins a sentence', () => {
    expect(fillIn('{{organisation}} is moving everyone to passkeys {{reason}}, by {{deadline}}. {{organisation}} decided.', fill)).toBe(
      'Your organisation is moving everyone to passkeys to protect every work account from phishing, by Friday 15 January 2027. Your organisation decided.',
    );
  });

  it('leaves a value inside a sentence as written, and other braces alone', () => {
    expect(fillIn('Ask {{organisation}} about {{unknown}}.', fill)).toBe('Ask your organisation about {{unknown}}.');
  });
});

// The start form's sponsor fields: both or neither, within their limits, counted as the card will show them.

import { describe, expect, it } from 'vitest';
import { SPONSOR_MESSAGE_MAX, SPONSOR_NAME_MAX, sponsorFrom } from '../../src/campaigns/sponsor.js';

describe('a sponsor from the start form', () => {
  it('is none when both fields are empty or blank', () => {
    expect(sponsorFrom(undefined, undefined)).toEqual({});
    expect(sponsorFrom('  ', '\n')).toEqual({});
  });

  it('keeps the name and the words as written, on one line, and counts what the card shows', () => {
    const message = `${'a'.repeat(SPONSOR_MESSAGE_MAX - 2)}\n\n  b`;
    expect(sponsorFrom('  Helena   Brandt, CEO ', message)).toEqual({ sponsor: { name: 'Helena Brandt, CEO', message: `${'a'.repeat(SPONSOR_MESSAGE_MAX - 2)} b` } });
  });

  it('refuses a message over the limit, a name over its limit, and one without the other', () => {
    expect(sponsorFrom('Helena Brandt', 'a'.repeat(SPONSOR_MESSAGE_MAX + 1))).toEqual({ problem: 'sponsorTooLong', params: { max: SPONSOR_MESSAGE_MAX, count: SPONSOR_MESSAGE_MAX + 1 } });
    expect(sponsorFrom('H'.repeat(SPONSOR_NAME_MAX + 1), 'Please do it.')).toEqual({ problem: 'sponsorNameTooLong', params: { max: SPONSOR_NAME_MAX } });
    expect(sponsorFrom('', 'Please do it.')).toEqual({ problem: 'sponsorNeedsName' });
    expect(sponsorFrom('Helena Brandt', ' ')).toEqual({ problem: 'sponsorNeedsMessage' });
  });
});

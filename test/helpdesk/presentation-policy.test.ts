// Which pass requests need a verified presentation before approval (VERIFIED_ID_REQUIRED), and when one counts.

import { describe, expect, it } from 'vitest';
import { presentationRequired, presentationVerified } from '../../src/helpdesk/start-presentation.js';
import type { TapContext } from '../../src/helpdesk/tap-context.js';
import type { TapRequest } from '../../src/helpdesk/tap-records.js';

const tap = (required: 'none' | 'privileged' | 'all') => ({ deps: { verifiedIdRequired: required } }) as unknown as TapContext;
const ordinary = {} as Pick<TapRequest, 'privileged'>;
const privileged = { privileged: ['role:Helpdesk Administrator'] };
const by = { id: 'a', name: 'Agent' };
const evidence = (status: 'waiting' | 'verified' | 'failed') => ({ state: 's', status, url: 'openid-vc://', createdAt: '', expiresAt: '' });

describe('a verified presentation before approval', () => {
  it('is required for no pass, for privileged accounts only, or for every pass', () => {
    expect([presentationRequired(tap('none'), ordinary), presentationRequired(tap('none'), privileged)]).toEqual([false, false]);
    expect([presentationRequired(tap('privileged'), ordinary), presentationRequired(tap('privileged'), privileged)]).toEqual([false, true]);
    expect([presentationRequired(tap('all'), ordinary), presentationRequired(tap('all'), privileged)]).toEqual([true, true]);
  });

  it('counts only when verified, and only for a request whose check is Verified ID', () => {
    const request = (kind: 'verified-id' | 'video-id', status: 'waiting' | 'verified' | 'failed') => ({ check: { kind, by, at: '' }, presentation: evidence(status) }) as TapRequest;
    expect(presentationVerified(request('verified-id', 'verified'))).toBe(true);
    expect(presentationVerified(request('verified-id', 'waiting'))).toBe(false);
    expect(presentationVerified(request('verified-id', 'failed'))).toBe(false);
    expect(presentationVerified(request('video-id', 'verified'))).toBe(false);
  });
});

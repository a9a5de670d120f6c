// Verified ID's settings: configured whole or the service does not start, and the message names what to set.

import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import type { AppError } from '../../src/errors/app-error.js';

const TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const production = {
  BOT_ID: '9c5e1b42-1f1e-4d0b-9a52-5d3a2a0b7f11',
  BOT_PASSWORD: 'pw-1234567890',
  BOT_TENANT_ID: TENANT,
  AUDIT_HMAC_KEY: 'k'.repeat(40),
  BOT_DOMAIN: 'coach.contoso.example',
  GRAPH_TENANT_ID: TENANT,
  GRAPH_CLIENT_ID: '0e2f5b6c-93a1-4d5e-8f7a-1b2c3d4e5f60',
  GRAPH_CLIENT_SECRET: 'graph-secret-value-123',
};
const verifiedId = { VERIFIED_ID_ENDPOINT: 'https://verifiedid.did.msidentity.com', VERIFIED_ID_AUTHORITY_DID: 'did:web:verifiedid.contoso.example' };

function refusal(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect((error as AppError).code).toBe('config.invalid');
    return (error as AppError).message;
  }
  throw new Error(`expected ${JSON.stringify(env)} to be refused`);
}

describe('Verified ID settings', () => {
  it('are off by default: no endpoint, threshold 70, nothing required', () => {
    expect(loadConfig(production).verifiedId).toEqual({ endpoint: undefined, authorityDid: undefined, faceMatchThreshold: 70, required: 'none', recoveryUrl: undefined });
  });

  it('take the endpoint, the DID, a threshold, a requirement and the recovery address', () => {
    const config = loadConfig({ ...production, ...verifiedId, VERIFIED_ID_FACE_MATCH_THRESHOLD: '85', VERIFIED_ID_REQUIRED: 'privileged', VERIFIED_ID_RECOVERY_URL: 'https://myaccount.microsoft.com/' });
    expect(config.verifiedId).toEqual({ endpoint: 'https://verifiedid.did.msidentity.com', authorityDid: 'did:web:verifiedid.contoso.example', faceMatchThreshold: 85, required: 'privileged', recoveryUrl: 'https://myaccount.microsoft.com/' });
  });

  it.each(['49', '101', '70.5', 'high'])('refuse a Face Check threshold of %s (50 to 100)', (threshold) => {
    expect(refusal({ ...production, ...verifiedId, VERIFIED_ID_FACE_MATCH_THRESHOLD: threshold })).toContain('VERIFIED_ID_FACE_MATCH_THRESHOLD');
  });

  it('refuse a requirement the service could never meet (fail closed), naming what to set', () => {
    const message = refusal({ ...production, VERIFIED_ID_REQUIRED: 'all' });
    expect(message).toContain('VERIFIED_ID_REQUIRED is all');
    expect(message).toContain('VERIFIED_ID_ENDPOINT');
  });

  it.each([
    ['the endpoint without the DID', { VERIFIED_ID_ENDPOINT: verifiedId.VERIFIED_ID_ENDPOINT }, 'VERIFIED_ID_AUTHORITY_DID'],
    ['the DID without the endpoint', { VERIFIED_ID_AUTHORITY_DID: verifiedId.VERIFIED_ID_AUTHORITY_DID }, 'VERIFIED_ID_ENDPOINT'],
    ['a DID that is not one', { ...verifiedId, VERIFIED_ID_AUTHORITY_DID: 'contoso.example' }, 'VERIFIED_ID_AUTHORITY_DID'],
    ['an http endpoint', { ...verifiedId, VERIFIED_ID_ENDPOINT: 'http://verifiedid.example' }, 'https'],
    ['no BOT_DOMAIN for the callback', { ...verifiedId, BOT_DOMAIN: '' }, 'BOT_DOMAIN'],
    ['no Graph credential for the tokens', { ...verifiedId, GRAPH_CLIENT_SECRET: '' }, 'credential'],
  ])('refuse %s', (_case, env, named) => {
    expect(refusal({ ...production, ...env })).toContain(named);
  });

  it('in demo mode: the emulator supplies them, and only a loopback endpoint is accepted', () => {
    expect(loadConfig({ VERIFIED_ID_REQUIRED: 'all' }).verifiedId.required).toBe('all');
    expect(refusal({ VERIFIED_ID_ENDPOINT: 'https://verifiedid.did.msidentity.com', VERIFIED_ID_AUTHORITY_DID: 'did:web:x.example' })).toContain('loopback');
  });
});

// Verified ID with Face Check for a pass request: the rule for when it is required, and asking the Request Service for a
// presentation bound to the person (their UPN as the credential's revocationId, their face against its photo). The
// link goes to the person's chat; the agent's card shows it too, as a QR code for a video call.

import { isAppError } from '../errors/app-error.js';
import { newPresentationKeys, secretHash, CALLBACK_SECRET_HEADER } from './presentation-records.js';
import type { TapContext } from './tap-context.js';
import type { PresentationEvidence, TapRequest } from './tap-records.js';
import type { TapWords } from './tap-words.js';

/** Whether this request may only be approved after a verified presentation (VERIFIED_ID_REQUIRED). */
export function presentationRequired(tap: TapContext, request: Pick<TapRequest, 'privileged'>): boolean {
  const required = tap.deps.verifiedIdRequired;
  return required === 'all' || (required === 'privileged' && request.privileged !== undefined);
}

/** The evidence counts: verified, for this very request. */
export function presentationVerified(request: TapRequest): boolean {
  return request.check?.kind === 'verified-id' && request.presentation?.status === 'verified';
}

/** Policy holds this request's approval until its presentation is verified: no Approve shown, a click refused. */
export function approvalAwaitsPresentation(tap: TapContext, request: TapRequest): boolean {
  return presentationRequired(tap, request) && !presentationVerified(request);
}

/**
 * Asks the service for a presentation for the request's person; the evidence to keep on the request (waiting), or
 * undefined when Verified ID is not set up or the service refused or did not answer (logged and audited).
 */
export async function startPresentation(tap: TapContext, words: TapWords, request: TapRequest, now: Date): Promise<PresentationEvidence | undefined> {
  const verifiedId = tap.deps.verifiedId;
  if (!verifiedId) return undefined;
  const { state, secret } = newPresentationKeys();
  try {
    const created = await verifiedId.service.createPresentationRequest({
      authorityDid: verifiedId.authorityDid,
      clientName: verifiedId.clientName,
      // Shown in the person's wallet: in the language the agent works in, which is also the helpdesk's.
      purpose: words.say('verify.purpose', { requester: request.requester.name }),
      callbackUrl: verifiedId.callbackUrl(),
      state,
      callbackHeaders: { [CALLBACK_SECRET_HEADER]: secret },
      targetUpn: request.target.upn,
      faceMatchThreshold: verifiedId.faceMatchThreshold,
    });
    const expiresAt = new Date(created.expiry * 1000).toISOString();
    await tap.presentations.create(state, { tapRequestId: request.id, serviceRequestId: created.requestId, secretHash: secretHash(secret), expiresAt, ...(created.qrCode ? { qrCode: created.qrCode } : {}) });
    await tap.audit('tap.verifiedid.requested', request.requester, request.target.id, { requestId: request.id, serviceRequestId: created.requestId, expiresAt });
    return { state, status: 'waiting', url: created.url, createdAt: now.toISOString(), expiresAt };
  } catch (error) {
    if (!isAppError(error, 'verifiedid.unavailable') && !isAppError(error, 'verifiedid.refused')) throw error;
    tap.deps.logger.warn('could not create a Verified ID presentation request', { error, requestId: request.id });
    await tap.audit('tap.verifiedid.failed', request.requester, request.target.id, { requestId: request.id, why: error.code, details: error.details ?? null });
    return undefined;
  }
}

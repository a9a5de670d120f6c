// The Verified ID Request Service calls back: authenticated by the secret header the coach gave it for this very
// presentation (compared as hashes, in constant time), matched to the presentation by `state` and `requestId`, and
// taken once (a compare-and-swap on the pass request: a replay finds it settled). A verified presentation is checked
// again here: the tenant's own issuer, a VerifiedEmployee credential of this very person (revocationId = their UPN),
// not revoked, and a Face Check score at or above the threshold. Everything refused is audited; no claim is kept.

import { z } from 'zod';
import { VERIFIED_EMPLOYEE } from '../directory/verified-id-client.js';
import { secretMatches } from './presentation-records.js';
import { presentationLapsed, presentationOpen } from './presentation-views.js';
import { updateCards } from './request-lifecycle.js';
import type { TapContext } from './tap-context.js';
import type { PresentationEvidence, PresentationFailure, TapRequest } from './tap-records.js';

/** What the callback's sender is told; the HTTP layer turns it into a status. */
export type CallbackOutcome = 'accepted' | 'refused-evidence' | 'unauthenticated' | 'unknown' | 'replayed' | 'expired' | 'malformed';

const credentialSchema = z.object({
  issuer: z.string().max(500).optional(),
  /** What some of Microsoft's samples read the issuer from. */
  authority: z.string().max(500).optional(),
  type: z.union([z.array(z.string().max(200)).max(20), z.string().max(200)]).optional(),
  claims: z.record(z.unknown()).optional(),
  credentialState: z.object({ revocationStatus: z.string().max(50).optional() }).passthrough().optional(),
  faceCheck: z.object({ matchConfidenceScore: z.number().min(0).max(100).optional() }).passthrough().optional(),
}).passthrough();
const callbackSchema = z.object({
  requestId: z.string().min(1).max(200),
  requestStatus: z.string().max(50),
  state: z.string().max(200),
  subject: z.string().max(2000).optional(),
  verifiedCredentialsData: z.array(credentialSchema).max(10).optional(),
  error: z.object({ code: z.string().max(100).optional(), message: z.string().max(2000).optional() }).passthrough().optional(),
}).passthrough();

const SYSTEM = { id: 'system', name: 'system' };

export async function presentationCallback(tap: TapContext, secretHeader: string | undefined, body: unknown, now = new Date()): Promise<CallbackOutcome> {
  const verifiedId = tap.deps.verifiedId;
  if (!verifiedId) return 'unknown';
  const parsed = callbackSchema.safeParse(body);
  // Anyone can post here: what names no presentation is answered (and logged by the HTTP layer), not audited, so
  // strangers cannot fill the audit trail. What names one is audited, a wrong secret included.
  if (!parsed.success) return 'malformed';
  const callback = parsed.data;
  const pending = await tap.presentations.get(callback.state);
  if (!pending) return 'unknown';
  if (!secretMatches(secretHeader, pending.secretHash)) return refuse(tap, 'unauthenticated', pending.tapRequestId, { header: secretHeader ? 'wrong' : 'missing' });
  if (callback.requestId !== pending.serviceRequestId) return refuse(tap, 'unknown', pending.tapRequestId, { why: 'requestId does not match the state' });
  const request = (await tap.records.get(pending.tapRequestId))?.value;
  const evidence = request?.presentation;
  if (!request || !evidence || evidence.state !== callback.state) return refuse(tap, 'replayed', pending.tapRequestId, { why: 'superseded' });
  if (!presentationOpen(evidence)) return refuse(tap, 'replayed', request.id, { requestStatus: callback.requestStatus });
  if (presentationLapsed(evidence, now)) {
    await settle(tap, request, { ...evidence, status: 'failed', failure: 'expired', at: now.toISOString() });
    return refuse(tap, 'expired', request.id, { requestStatus: callback.requestStatus });
  }
  if (callback.requestStatus === 'request_retrieved') {
    if (evidence.status !== 'waiting') return refuse(tap, 'replayed', request.id, { requestStatus: callback.requestStatus });
    const moved = await tap.records.update(request.id, (latest) => (latest.presentation?.state === evidence.state && latest.presentation.status === 'waiting' ? { ...latest, presentation: { ...latest.presentation, status: 'retrieved' } } : undefined));
    if (!moved) return refuse(tap, 'replayed', request.id, { requestStatus: callback.requestStatus });
    await tap.audit('tap.verifiedid.retrieved', SYSTEM, request.target.id, { requestId: request.id });
    // The approvers see that the person opened the link (the result is on its way).
    await updateCards(tap, moved.value, now, undefined, `presentation-${evidence.state}-opened`);
    return 'accepted';
  }
  if (callback.requestStatus === 'presentation_error') {
    const code = (callback.error?.code ?? 'unknown').replace(/[^A-Za-z0-9_.-]/g, '').slice(0, 60);
    const failure: PresentationFailure = /declin|cancel/i.test(code) ? 'declined' : /revoked/i.test(code) ? 'revoked' : /face/i.test(code) ? 'low-confidence' : 'service-error';
    const settled = await settle(tap, request, { ...evidence, status: 'failed', failure, serviceCode: code, at: now.toISOString() });
    return settled ? 'accepted' : refuse(tap, 'replayed', request.id, { requestStatus: callback.requestStatus });
  }
  if (callback.requestStatus !== 'presentation_verified') return refuse(tap, 'malformed', request.id, { requestStatus: callback.requestStatus.slice(0, 50) });
  const judged = judge(callback.verifiedCredentialsData ?? [], request, verifiedId.authorityDid, verifiedId.faceMatchThreshold);
  const next: PresentationEvidence = 'failure' in judged
    ? { ...evidence, status: 'failed', failure: judged.failure, at: now.toISOString(), ...(judged.score === undefined ? {} : { matchConfidence: judged.score }) }
    : { ...evidence, status: 'verified', issuer: judged.issuer, matchConfidence: judged.score, at: now.toISOString() };
  if (!(await settle(tap, request, next))) return refuse(tap, 'replayed', request.id, { requestStatus: callback.requestStatus });
  return next.status === 'verified' ? 'accepted' : 'refused-evidence';
}

/**
 * The scheduler's sweep: a presentation whose request lapsed without any answer (the person never opened the link) is
 * recorded as expired, so the approvers' cards say so and the agent hears it (and may send a new link).
 */
export async function lapsePresentations(tap: TapContext, now: Date): Promise<number> {
  const lapsed: TapRequest[] = [];
  for await (const page of tap.records.openRequests()) for (const { value } of page) if (value.presentation && value.state === 'awaiting-approval' && presentationLapsed(value.presentation, now)) lapsed.push(value);
  let settled = 0;
  for (const request of lapsed) if (request.presentation && (await settle(tap, request, { ...request.presentation, status: 'failed', failure: 'expired', at: now.toISOString() }))) settled += 1;
  return settled;
}

type Judgement = { issuer: string; score: number } | { failure: PresentationFailure; score?: number };

/** The service verified a presentation; whether it is the one asked for, checked again here. */
function judge(credentials: z.infer<typeof credentialSchema>[], request: TapRequest, authorityDid: string, threshold: number): Judgement {
  const credential = credentials.find((candidate) => (Array.isArray(candidate.type) ? candidate.type : [candidate.type]).includes(VERIFIED_EMPLOYEE));
  if (!credential) return { failure: 'wrong-credential' };
  const score = credential.faceCheck?.matchConfidenceScore;
  if ((credential.issuer ?? credential.authority) !== authorityDid) return { failure: 'wrong-issuer', score };
  const revocationId = credential.claims?.revocationId;
  if (typeof revocationId !== 'string' || revocationId.toLowerCase() !== request.target.upn.toLowerCase()) return { failure: 'wrong-person', score };
  const revocation = credential.credentialState?.revocationStatus;
  if (revocation !== undefined && revocation !== 'VALID') return { failure: 'revoked', score };
  if (score === undefined) return { failure: 'no-face-check' };
  if (score < threshold) return { failure: 'low-confidence', score };
  return { issuer: authorityDid, score };
}

/** The presentation's final word, once: false when another callback settled it first. */
async function settle(tap: TapContext, request: TapRequest, next: PresentationEvidence): Promise<boolean> {
  const updated = await tap.records.update(request.id, (latest) =>
    latest.presentation?.state === next.state && presentationOpen(latest.presentation) ? { ...latest, presentation: next } : undefined,
  );
  if (!updated) return false;
  await tap.presentations.settle(next.state);
  const details = { requestId: request.id, ...(next.failure ? { failure: next.failure } : {}), ...(next.serviceCode ? { serviceCode: next.serviceCode } : {}), matchConfidence: next.matchConfidence ?? null };
  await tap.audit(next.status === 'verified' ? 'tap.verifiedid.verified' : 'tap.verifiedid.failed', SYSTEM, request.target.id, details);
  // The approvers' cards show the evidence (and the Approve button, where policy waited for it); the agent hears too.
  await updateCards(tap, updated.value, new Date(), undefined, `presentation-${next.state}`);
  await tap.send(request.id, request.requester.id, `presentation-${next.status}@${next.state}`, new Date());
  return true;
}

async function refuse(tap: TapContext, outcome: Exclude<CallbackOutcome, 'accepted'>, requestId: string | undefined, details: Record<string, unknown>): Promise<CallbackOutcome> {
  await tap.deps.audit.record({ action: 'tap.verifiedid.callback.denied', outcome: 'denied', actor: { kind: 'system', name: 'verified-id-callback' }, details: { outcome, requestId: requestId ?? null, ...details } });
  return outcome;
}

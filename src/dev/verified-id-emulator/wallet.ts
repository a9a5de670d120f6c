// The demo tenant's wallets: a VerifiedEmployee credential for every person (issued by the tenant's DID, its
// revocationId their UPN, a photo claim for Face Check), and what presenting one to a held request sends back.

import { randomUUID } from 'node:crypto';

export interface WalletPerson {
  id: string;
  userPrincipalName: string;
  displayName: string;
  givenName?: string;
  surname?: string;
  jobTitle?: string;
  mail?: string;
  preferredLanguage?: string;
}

export interface Credential {
  holder: WalletPerson;
  revoked: boolean;
  claims: Record<string, string>;
}

/** A presentation request as the emulator holds it (the callback's headers included: it sends them back). */
export interface HeldRequest {
  requestId: string;
  state: string;
  callbackUrl: string;
  callbackHeaders: Record<string, string>;
  authority: string;
  type: string;
  acceptedIssuers: string[];
  constraints: { claimName: string; values: string[] }[];
  faceCheck?: { sourcePhotoClaimName: string; matchConfidenceThreshold: number };
  allowRevoked: boolean;
  expiresAt: number;
  status: 'created' | 'retrieved' | 'verified' | 'error';
}

/** How the wallet holder answers: whose wallet, how well the face matches, or a refusal; and faults of a broken service. */
export interface PresentInput {
  /** UPN or object id of the person whose wallet opens the link. */
  holder: string;
  /** Face Check's match confidence, 0-100 (default 92). */
  faceMatch?: number;
  /** The person cancels in Authenticator. */
  decline?: boolean;
  /** A service that does not hold to the request: presents another person's credential, or passes a low score. */
  misbehave?: 'ignore-constraints' | 'ignore-threshold';
}

/** A 1x1 grey placeholder photo: the claim is there, as in a real VerifiedEmployee credential; its pixels do not matter here. */
const PHOTO = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAAAAAA6fptVAAAACklEQVR4nGNgAAAAAgAB4iG8MwAAAABJRU5ErkJggg==';

export function credentialFor(person: WalletPerson): Credential {
  const claims: Record<string, string> = { displayName: person.displayName, revocationId: person.userPrincipalName, photo: PHOTO };
  for (const key of ['givenName', 'surname', 'jobTitle', 'mail', 'preferredLanguage'] as const) {
    const value = person[key];
    if (value) claims[key] = value;
  }
  return { holder: person, revoked: false, claims };
}

/** Whether the credential satisfies the request's constraints (Authenticator offers only one that does). */
function satisfies(credential: Credential, request: HeldRequest): boolean {
  return request.constraints.every((constraint) => constraint.values.some((value) => (credential.claims[constraint.claimName] ?? '').toLowerCase() === value.toLowerCase()));
}

export type Presentation =
  | { outcome: 'no-matching-credential' }
  | { outcome: 'presented'; callbacks: Record<string, unknown>[] };

/** What the service sends the verifier for this presentation: request_retrieved, then the result. */
export function present(request: HeldRequest, credential: Credential | undefined, input: PresentInput, authorityDid: string, domain: string): Presentation {
  if (!credential || credential.claims.photo === undefined || (input.misbehave !== 'ignore-constraints' && !satisfies(credential, request))) return { outcome: 'no-matching-credential' };
  const base = { requestId: request.requestId, state: request.state };
  const retrieved = { ...base, requestStatus: 'request_retrieved' };
  const error = (code: string, message: string) => [retrieved, { ...base, requestStatus: 'presentation_error', error: { code, message } }];
  if (input.decline) return { outcome: 'presented', callbacks: error('user_canceled', 'The user cancelled the presentation in the wallet.') };
  if (credential.revoked && !request.allowRevoked) return { outcome: 'presented', callbacks: error('credential_revoked', 'The presented credential has been revoked.') };
  const score = input.faceMatch ?? 92;
  const threshold = request.faceCheck?.matchConfidenceThreshold;
  if (threshold !== undefined && score < threshold && input.misbehave !== 'ignore-threshold') {
    return { outcome: 'presented', callbacks: error('face_check_failed', `Face check match confidence ${score} is below the threshold ${threshold}.`) };
  }
  const verified = {
    ...base,
    requestStatus: 'presentation_verified',
    subject: `did:key:z6Mk${randomUUID().replace(/-/g, '')}`,
    verifiedCredentialsData: [
      {
        issuer: authorityDid,
        type: ['VerifiableCredential', request.type],
        claims: { ...credential.claims },
        credentialState: { revocationStatus: credential.revoked ? 'REVOKED' : 'VALID' },
        domainValidation: { url: `https://${domain}/` },
        issuanceDate: new Date(Date.now() - 30 * 24 * 3600_000).toISOString(),
        expirationDate: new Date(Date.now() + 335 * 24 * 3600_000).toISOString(),
        ...(request.faceCheck ? { faceCheck: { matchConfidenceScore: score } } : {}),
      },
    ],
  };
  return { outcome: 'presented', callbacks: [retrieved, verified] };
}

// Microsoft Entra Verified ID's Request Service: a presentation request for one person's VerifiedEmployee credential,
// issued by the tenant itself, bound to their UPN (the credential's revocationId) and to their face (Face Check against
// the credential's photo). The answer comes later, to the callback; this module only asks.

import type { TokenCredential } from '@azure/identity';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';

/** The Request Service's application id: tokens for it are asked with this scope. */
export const VERIFIED_ID_RESOURCE = '3db474b9-6a0c-4840-96ac-1fceb342124f';
export const VERIFIED_ID_SCOPE = `${VERIFIED_ID_RESOURCE}/.default`;
export const VERIFIED_EMPLOYEE = 'VerifiedEmployee';
/** The claim of the credential's photo, which Face Check compares the camera with. */
export const PHOTO_CLAIM = 'photo';

export interface PresentationAsk {
  /** The tenant's DID: the verifier, and the one issuer accepted. */
  authorityDid: string;
  clientName: string;
  purpose: string;
  callbackUrl: string;
  /** Ours: names the pending presentation when the callback comes. */
  state: string;
  /** Sent back by the service with every callback; a secret only the coach and the service know. */
  callbackHeaders: Readonly<Record<string, string>>;
  /** VerifiedEmployee's revocationId is the person's UPN. */
  targetUpn: string;
  faceMatchThreshold: number;
}

export interface PresentationRequestCreated {
  requestId: string;
  /** `openid-vc://…`: what the wallet opens (a deep link, or the QR code). */
  url: string;
  /** When the request lapses, epoch seconds. */
  expiry: number;
  /** A data: URL of the QR code's PNG, when asked for. */
  qrCode?: string;
}

export interface VerifiedIdService {
  createPresentationRequest(ask: PresentationAsk): Promise<PresentationRequestCreated>;
}

const createdSchema = z.object({
  requestId: z.string().min(1).max(200),
  // What the wallet opens; anything else is not shown to anyone (it goes into cards as a link).
  url: z.string().max(2000).regex(/^openid-vc:\/\/[^\s()<>[\]"'`]+$/),
  expiry: z.number().int().positive(),
  qrCode: z.string().max(60_000).startsWith('data:image/').optional(),
});
const errorSchema = z.object({ error: z.object({ code: z.string().optional(), message: z.string().optional(), innererror: z.object({ code: z.string().optional(), message: z.string().optional() }).partial().optional() }) }).partial();

/** The body Microsoft documents for createPresentationRequest (presentation-request-api), for one person. */
export function presentationBody(ask: PresentationAsk): Record<string, unknown> {
  return {
    authority: ask.authorityDid,
    includeQRCode: true,
    includeReceipt: false,
    registration: { clientName: ask.clientName, purpose: ask.purpose },
    callback: { url: ask.callbackUrl, state: ask.state, headers: ask.callbackHeaders },
    requestedCredentials: [
      {
        type: VERIFIED_EMPLOYEE,
        purpose: ask.purpose,
        acceptedIssuers: [ask.authorityDid],
        constraints: [{ claimName: 'revocationId', values: [ask.targetUpn] }],
        configuration: {
          validation: {
            allowRevoked: false,
            validateLinkedDomain: true,
            faceCheck: { sourcePhotoClaimName: PHOTO_CLAIM, matchConfidenceThreshold: ask.faceMatchThreshold },
          },
        },
      },
    ],
  };
}

export interface VerifiedIdClientOptions {
  endpoint: string;
  credential: TokenCredential;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export class VerifiedIdClient implements VerifiedIdService {
  constructor(private readonly options: VerifiedIdClientOptions) {}

  async createPresentationRequest(ask: PresentationAsk): Promise<PresentationRequestCreated> {
    const token = await this.options.credential.getToken(VERIFIED_ID_SCOPE).catch((error: unknown) => {
      throw new AppError('verifiedid.unavailable', 'no token for the Verified ID Request Service', { cause: error });
    });
    if (!token) throw new AppError('verifiedid.unavailable', 'no token for the Verified ID Request Service');
    let response: Response;
    try {
      response = await (this.options.fetch ?? fetch)(`${this.options.endpoint}/v1.0/verifiableCredentials/createPresentationRequest`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(presentationBody(ask)),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new AppError('verifiedid.unavailable', 'the Verified ID Request Service did not answer', { cause: error });
    }
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      const error = errorSchema.safeParse(body).data?.error;
      const code = error?.innererror?.code ?? error?.code ?? 'unknown';
      const details = { statusCode: response.status, code, message: (error?.innererror?.message ?? error?.message ?? '').slice(0, 300) };
      // 4xx: our request or the tenant's set-up (no Verified ID, a wrong DID, no permission) and will not change on a retry.
      throw new AppError(response.status >= 500 || response.status === 429 ? 'verifiedid.unavailable' : 'verifiedid.refused', `the Verified ID Request Service answered ${response.status} (${code})`, { details });
    }
    const parsed = createdSchema.safeParse(body);
    if (!parsed.success) throw new AppError('verifiedid.unavailable', 'the Verified ID Request Service answered something that is not a presentation request');
    return parsed.data;
  }
}

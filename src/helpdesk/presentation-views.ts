// How a Verified ID presentation reads: the line on the approval card (waiting, verified with its evidence, failed and
// why), and the card that brings the person the link and QR code.

import type { Attachment } from 'botbuilder';
import { TrustedMarkdown } from '../cards/card-renderer.js';
import type { TapContext } from './tap-context.js';
import type { PresentationEvidence, TapRequest } from './tap-records.js';
import type { TapWords } from './tap-words.js';

/** Not settled yet: waiting for the person, or opened by them (a callback may still settle it). */
export function presentationOpen(evidence: PresentationEvidence): boolean {
  return evidence.status === 'waiting' || evidence.status === 'retrieved';
}

/** A waiting presentation past its expiry: no callback came, and none will be accepted. */
export function presentationLapsed(evidence: PresentationEvidence, now: Date): boolean {
  return presentationOpen(evidence) && evidence.expiresAt <= now.toISOString();
}

/** The approval card's line about the presentation, in the reader's words. */
export function presentationLine(words: TapWords, request: TapRequest, now: Date): string | undefined {
  const evidence = request.presentation;
  if (!evidence || request.check?.kind !== 'verified-id') return undefined;
  const { say } = words;
  const name = request.target.name;
  if (evidence.status === 'verified') {
    return say('approval.presentationVerified', { name, time: words.time(evidence.at ?? evidence.createdAt), score: Math.round(evidence.matchConfidence ?? 0), issuer: evidence.issuer ?? '' });
  }
  if (evidence.status === 'failed') {
    return say('approval.presentationFailed', { name, time: words.time(evidence.at ?? evidence.createdAt), reason: say(`presentationFailures.${evidence.failure ?? 'service-error'}`) });
  }
  if (presentationLapsed(evidence, now)) return say('approval.presentationExpired', { name, time: words.time(evidence.expiresAt) });
  return say(evidence.status === 'retrieved' ? 'approval.presentationOpened' : 'approval.presentationWaiting', { name, time: words.time(evidence.expiresAt) });
}

/** The person's card: who asks, what to do with Authenticator and Face Check, the link, the QR code, until when. */
export function verifyCard(tap: TapContext, words: TapWords, request: TapRequest, qrCode: string | undefined): Attachment {
  const { say } = words;
  const evidence = request.presentation;
  return tap.deps.cards.attachment(
    'tap-verify',
    {
      title: say('verify.title'),
      paragraphs: [say('verify.asks', { requester: request.requester.name }), say('verify.until', { time: words.time(evidence?.expiresAt ?? request.expiresAt) }), say('verify.notYou')],
      // The service's own link and image: not words, so not escaped (they are not markdown anywhere on the card).
      url: new TrustedMarkdown(evidence?.url ?? ''),
      qrCode: new TrustedMarkdown(qrCode ?? ''),
      openTitle: say('verify.open'),
    },
    words.locale,
  );
}

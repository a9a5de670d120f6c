// "Check my status": the person's own methods, read in real time, explained, and an enrolment recorded.

import type { AuditLog } from '../audit/audit-log.js';
import type { Directory } from '../directory/directory-port.js';
import type { Store } from '../store/store-port.js';
import { recordEnrolment } from './enrolments.js';
import { type PasskeyStatus, passkeyStatus, STRONG_LABELS, WEAK_LABELS } from '../directory/passkey-status.js';

export type StatusOutcome =
  | { kind: 'enrolled'; status: PasskeyStatus; firstTime: boolean }
  | { kind: 'not-enrolled'; status: PasskeyStatus }
  | { kind: 'unavailable' };

export async function checkStatus(deps: { directory: Directory | undefined; store: Store; audit: AuditLog }, userId: string, now = new Date()): Promise<StatusOutcome> {
  if (!deps.directory) return { kind: 'unavailable' };
  // The real-time methods, not the registration report: the report lags by hours.
  const status = passkeyStatus(await deps.directory.authenticationMethods(userId));
  if (!status.enrolled) return { kind: 'not-enrolled', status };
  const kinds = [...new Set(status.strong.map((method) => method.kind))];
  const { first } = await recordEnrolment(deps.store, { userId, kinds, confirmedAt: now.toISOString() });
  if (first) await deps.audit.record({ action: 'enrollment.confirmed', outcome: 'success', actor: { kind: 'user', aadObjectId: userId }, details: { kinds } });
  return { kind: 'enrolled', status, firstTime: first };
}

/** Plain sentences about a status, for the status card. */
export function describeStatus(outcome: StatusOutcome): { title: string; paragraphs: string[] } {
  if (outcome.kind === 'unavailable') {
    return { title: "I can't check right now", paragraphs: ['I could not reach the directory to read your sign-in methods. Please try again in a few minutes.'] };
  }
  const weak = outcome.status.weak.map((kind) => WEAK_LABELS[kind]);
  if (outcome.kind === 'enrolled') {
    const kinds = [...new Set(outcome.status.strong.map((method) => STRONG_LABELS[method.kind]))];
    return {
      title: outcome.firstTime ? "You're all set. Thank you!" : "You're all set",
      paragraphs: [
        `I can see ${listOf(kinds)} on your account. Sign-ins with it cannot be phished, and you don't need to do anything else.`,
        ...(outcome.firstTime ? ['Thanks for taking the two minutes. It protects you and everyone you work with.'] : []),
      ],
    };
  }
  return {
    title: "I don't see a passkey yet",
    paragraphs: [
      weak.length > 0 ? `Right now your account has ${listOf(weak)}, but no passkey.` : 'Right now your account has only a password: no passkey yet.',
      'The step people most often miss is the last one: turning Authenticator on as a passkey provider in the phone settings, then choosing **Create passkey** in Authenticator.',
      'If you just finished, give it a minute and check again. If a step stopped you, I can show the steps again or put you in touch with a person.',
    ],
  };
}

function listOf(items: string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

// The receiver clicks Reveal: the approval is checked again and moved to "revealing" atomically (thirty clicks at once
// make one pass), the account is checked for privilege once more (roles change while a request waits), the pass is
// created through Graph and shown in a dialog only: never stored, logged or sent to the chat.

import type { TaskModuleTaskInfo } from 'botbuilder';
import type { TemporaryAccessPassMethod } from '../directory/graph-shapes.js';
import { isAppError } from '../errors/app-error.js';
import { onlyUnchecked, privilegedReasons } from './privileged-accounts.js';
import { expireIfDue, settled } from './request-lifecycle.js';
import { requestIdSchema } from './submit-request.js';
import { passDialog } from './tap-cards.js';
import type { TapContext } from './tap-context.js';
import type { Person, TapRequest } from './tap-records.js';
import { REASONS_SEPARATOR, wordsInTurn } from './tap-words.js';

/** A lost Graph answer (timeout, 5xx): created again once, which replaces the first (both audited). */
const CREATE_ATTEMPTS = 3;

export async function revealPass(tap: TapContext, clicker: Person, data: unknown, teamsLocale?: string, now = new Date()): Promise<TaskModuleTaskInfo | string> {
  const words = await wordsInTurn(tap, clicker, teamsLocale);
  const { say } = words;
  const parsed = requestIdSchema.safeParse(data);
  const current = parsed.success ? await tap.records.get(parsed.data.requestId) : undefined;
  if (!current || current.value.receiverId !== clicker.id) {
    await tap.audit('tap.reveal.denied', clicker, current?.value.target.id, { requestId: parsed.success ? parsed.data.requestId.slice(0, 20) : null });
    return say('reveal.nothingToShow');
  }
  const request = await expireIfDue(tap, current.value, now);
  const claimed = await tap.records.update(request.id, (latest) =>
    latest.state === 'approved' && latest.expiresAt > now.toISOString() ? { ...latest, state: 'revealing', reveal: { by: clicker, at: now.toISOString(), attempts: [] } } : undefined,
  );
  if (!claimed) {
    // Answered by the state that won, not the one read before: clicks at once all read "approved", and one of them
    // took it first.
    const state = (await tap.records.get(request.id))?.value.state ?? request.state;
    await tap.audit('tap.reveal.denied', clicker, request.target.id, { requestId: request.id, state });
    return state === 'revealed' || state === 'revealing' ? say('reveal.alreadyShown') : say('reveal.notNow', { state: words.state(state) });
  }
  // Roles can change while a request waits: a target who became privileged since was approved by the wrong group
  // (or not at all under the default policy), so nothing is created.
  const privilegedNow = claimed.value.privileged ? [] : await privilegedReasons(tap, { id: request.target.id, userPrincipalName: request.target.upn });
  if (onlyUnchecked(privilegedNow)) {
    // Graph could not say: nothing is created (fail closed), but the approval stands for another try.
    await backToApproved(tap, request);
    await tap.audit('tap.reveal.denied', clicker, request.target.id, { requestId: request.id, why: 'privilege not checkable', privileged: privilegedNow });
    return say('reveal.rolesUnchecked');
  }
  if (privilegedNow.length > 0) {
    await tap.records.update(request.id, (latest) => (latest.state === 'revealing' ? { ...latest, state: 'refused', refusal: { at: now.toISOString(), why: `the account became privileged (${privilegedNow.join(', ')})` } } : undefined));
    await settled(tap, request);
    await tap.audit('tap.reveal.denied', clicker, request.target.id, { requestId: request.id, why: 'privileged', privileged: privilegedNow });
    await tap.alert('privileged-attempt', { key: 'alerts.becamePrivileged', params: { target: request.target.name, id: request.id, reasons: privilegedNow.join(REASONS_SEPARATOR) } }, now, request.id);
    return say('reveal.nowPrivileged', { name: request.target.name });
  }
  const created = await createPass(tap, claimed.value, clicker);
  if (!created) {
    // Nothing usable came back: the approval stands, and another click tries again.
    await backToApproved(tap, request);
    return say('reveal.graphFailed');
  }
  return passDialog(tap, words, request, created.pass, created.method, now);
}

async function backToApproved(tap: TapContext, request: TapRequest): Promise<void> {
  await tap.records.update(request.id, (latest) => (latest.state === 'revealing' ? { ...latest, state: 'approved' } : undefined));
}

/** Creates the pass (again once if Graph's answer was lost: that replaces the first); records everything but the value. */
async function createPass(tap: TapContext, request: TapRequest, clicker: Person): Promise<{ pass: string; method: TemporaryAccessPassMethod } | undefined> {
  const directory = tap.deps.directory;
  if (!directory) return undefined;
  let created: { pass: string; method: TemporaryAccessPassMethod; attempt: number; at: string } | undefined;
  // Only creating (and, after a lost answer, checking which pass Graph holds) is retried: once a pass exists, nothing
  // that fails afterwards may create another.
  for (let attempt = 1; attempt <= CREATE_ATTEMPTS && !created; attempt++) {
    const at = new Date().toISOString();
    try {
      const method = await directory.createTemporaryAccessPass(request.target.id, { lifetimeInMinutes: request.lifetimeInMinutes ?? request.policy.defaultLifetimeInMinutes, isUsableOnce: request.isUsableOnce ?? true });
      const pass = method.temporaryAccessPass;
      if (!pass) throw new Error('Graph returned no pass value');
      // After a lost answer the first creation may still land after this one and replace it: show a pass only if it
      // is the one Graph holds now.
      if (attempt > 1) {
        const current = await directory.temporaryAccessPasses(request.target.id);
        if (!current.some((candidate) => candidate.id === method.id)) throw new Error('an earlier attempt replaced this pass after it was created');
      }
      created = { pass, method, attempt, at };
    } catch (error) {
      const outcome = error instanceof Error ? error.message.slice(0, 200) : String(error);
      await tap.bestEffort('recording a failed creation', async () => {
        await tap.records.update(request.id, (latest) => ({ ...latest, reveal: latest.reveal ? { ...latest.reveal, attempts: [...latest.reveal.attempts, { at, outcome: `failed: ${outcome}` }] } : latest.reveal }));
        await tap.audit('tap.create.failed', clicker, request.target.id, { requestId: request.id, attempt, error: outcome });
      });
      // A refusal (policy, permission, the user gone) will not change on a retry; a lost or throttled answer may.
      if (isAppError(error, 'directory.denied') || isAppError(error, 'directory.not-found') || isAppError(error, 'directory.failed')) return undefined;
      // A lost answer means Graph is slow: give the first request time to land before creating again.
      const retryAfterMs = (error as { details?: { retryAfterMs?: number } }).details?.retryAfterMs;
      const status = (error as { details?: { statusCode?: number } }).details?.statusCode;
      const lost = isAppError(error, 'directory.unavailable') && (status === undefined || status <= 0);
      if (attempt < CREATE_ATTEMPTS) await new Promise((resolve) => setTimeout(resolve, Math.min(retryAfterMs ?? (lost ? 2_000 : 500), 5_000)));
    }
  }
  if (!created) return undefined;
  const { pass, method, attempt, at } = created;
  // The pass exists: it is shown whatever happens below; each step that fails is logged for security to follow up.
  await tap.bestEffort('recording the pass', async () => {
    await tap.records.update(request.id, (latest) => ({
      ...latest,
      state: 'revealed',
      reveal: { by: clicker, at: latest.reveal?.at ?? at, methodId: method.id, createdAt: method.createdDateTime ?? at, attempts: [...(latest.reveal?.attempts ?? []), { at, outcome: 'created' }] },
    }));
    await tap.audit('tap.created', clicker, request.target.id, { requestId: request.id, attempt, methodId: method.id, lifetimeInMinutes: method.lifetimeInMinutes, isUsableOnce: method.isUsableOnce, approvedBy: request.approval?.by.id ?? null });
    await settled(tap, { ...request, state: 'revealed' });
  });
  await tap.bestEffort('queuing the notices', async () => {
    const now = new Date();
    await tap.send(request.id, request.target.id, 'notice-target', now);
    if (request.manager) await tap.send(request.id, request.manager.id, 'notice-manager', now);
    await tap.sendToGroup(request.id, tap.settings.securityGroupId, 'notice-security', now);
  });
  return { pass, method };
}

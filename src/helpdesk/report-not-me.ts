// "This wasn't me", from the person or their manager after a pass was created: the pass is deleted, every session is
// revoked, every sign-in method registered since the pass was created is removed, and security is alerted. Each step
// that fails is reported, never hidden.

import { requestIdSchema } from './submit-request.js';
import type { TapAnswer, TapContext } from './tap-context.js';
import type { Person } from './tap-records.js';
import { wordsInTurn } from './tap-words.js';

export async function reportNotMe(tap: TapContext, clicker: Person, data: unknown, teamsLocale?: string, now = new Date()): Promise<TapAnswer> {
  const words = await wordsInTurn(tap, clicker, teamsLocale);
  const { say } = words;
  const parsed = requestIdSchema.safeParse(data);
  const current = parsed.success ? await tap.records.get(parsed.data.requestId) : undefined;
  if (!current || (clicker.id !== current.value.target.id && clicker.id !== current.value.manager?.id)) return tap.forged(clicker, 'tap.not-me', data, words);
  const request = current.value;
  const updated = await tap.records.update(request.id, (latest) => (latest.state === 'revealed' ? { ...latest, state: 'revoked', notMe: { by: clicker, at: now.toISOString(), removedMethods: 0 } } : undefined));
  if (!updated) {
    return { message: say(request.state === 'revoked' ? 'notMe.alreadyReported' : 'notMe.nothingToUndo') };
  }
  const directory = tap.deps.directory;
  let removed = 0;
  const problems: string[] = [];
  if (directory) {
    if (request.reveal?.methodId) await directory.deleteTemporaryAccessPass(request.target.id, request.reveal.methodId).catch((error: unknown) => problems.push(`deleting the pass: ${(error as Error).message}`));
    await directory.revokeSignInSessions(request.target.id).catch((error: unknown) => problems.push(`revoking sessions: ${(error as Error).message}`));
    const since = request.reveal?.createdAt ?? request.reveal?.at ?? request.createdAt;
    const methods = await directory.authenticationMethods(request.target.id).catch((error: unknown) => {
      problems.push(`reading methods: ${(error as Error).message}`);
      return [];
    });
    for (const method of methods) {
      if (method['@odata.type'] === '#microsoft.graph.passwordAuthenticationMethod') continue;
      if (!method.createdDateTime || method.createdDateTime < since) continue;
      try {
        await directory.deleteAuthenticationMethod(request.target.id, method);
        removed += 1;
      } catch (error) {
        problems.push(`removing a method: ${(error as Error).message}`);
      }
    }
  }
  await tap.records.update(request.id, (latest) => ({ ...latest, notMe: { by: clicker, at: now.toISOString(), removedMethods: removed } }));
  await tap.audit('tap.not-me', clicker, request.target.id, { requestId: request.id, removedMethods: removed, problems });
  // Security reads the alert in each member's language; the problems are Graph's own words.
  const alert = { name: clicker.name, target: request.target.name, id: request.id, requester: request.requester.name, approver: request.approval?.by.name ?? '?', count: removed, problems: problems.join('; ') };
  await tap.alert('not-me', { key: problems.length > 0 ? 'alerts.notMeWithProblems' : 'alerts.notMe', params: alert }, now, request.id);
  const done = [
    clicker.id === request.target.id ? say('notMe.doneYou') : say('notMe.doneThem', { name: request.target.name }),
    ...(removed > 0 ? [say('notMe.methodsRemoved', { count: removed })] : []),
    ...(problems.length > 0 ? [say('notMe.someFailed')] : []),
  ];
  return { message: done.join(' ') };
}

// "This wasn't me", from the person or their manager after a pass was created: the pass is deleted, every session is
// revoked, every sign-in method registered since the pass was created is removed, and security is alerted. Each step
// that fails is reported, never hidden.

import { requestIdSchema } from './submit-request.js';
import type { TapAnswer, TapContext } from './tap-context.js';
import type { Person } from './tap-records.js';

export async function reportNotMe(tap: TapContext, clicker: Person, data: unknown, now = new Date()): Promise<TapAnswer> {
  const parsed = requestIdSchema.safeParse(data);
  const current = parsed.success ? await tap.records.get(parsed.data.requestId) : undefined;
  if (!current || (clicker.id !== current.value.target.id && clicker.id !== current.value.manager?.id)) return tap.forged(clicker, 'tap.not-me', data);
  const request = current.value;
  const updated = await tap.records.update(request.id, (latest) => (latest.state === 'revealed' ? { ...latest, state: 'revoked', notMe: { by: clicker, at: now.toISOString(), removedMethods: 0 } } : undefined));
  if (!updated) {
    return { message: request.state === 'revoked' ? 'This was already reported: the pass is gone and security knows.' : 'There is no pass from this request to undo.' };
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
  await tap.alert(
    'not-me',
    `${clicker.name} reported that the pass created for ${request.target.name} (request ${request.id}, by ${request.requester.name}, approved by ${request.approval?.by.name ?? 'unknown'}) was not asked for. The pass was deleted, sessions revoked and ${removed} method(s) registered since removed.${problems.length > 0 ? ` Problems: ${problems.join('; ')}.` : ''}`,
    now,
    request.id,
  );
  return {
    message: `Thanks for telling us. The pass is deleted, ${clicker.id === request.target.id ? 'you are' : `${request.target.name} is`} signed out everywhere${removed > 0 ? `, ${removed} sign-in method(s) added since the pass was created are removed` : ''}, and security has been alerted.${problems.length > 0 ? ' Some steps failed; security has the details.' : ''}`,
  };
}

// Reads a person's real-time authentication methods as the coach explains them: which phishing-resistant
// credentials they have, and which weaker ones (named in the person's language by strings/<locale>/status.json).

import type { AuthenticationMethod } from './graph-shapes.js';

export type StrongKind = 'authenticator-passkey' | 'security-key' | 'device-passkey' | 'synced-passkey' | 'windows-hello';
export type WeakKind = 'authenticator-app' | 'phone' | 'email' | 'one-time-code' | 'temporary-access-pass';

/** Microsoft Authenticator's AAGUIDs (iOS, Android): its passkeys are device-bound and attested. */
const AUTHENTICATOR_AAGUIDS = new Set(['90a3ccdf-635c-4729-a248-9b709135078f', 'de1e552d-db1d-4423-a619-566b625cdc84']);

export interface PasskeyStatus {
  /** `aaGuid`: a FIDO2 method's authenticator model, which a tier's allow-list may check. */
  strong: { kind: StrongKind; name?: string; createdDateTime?: string; aaGuid?: string }[];
  weak: WeakKind[];
  enrolled: boolean;
}

export function passkeyStatus(methods: readonly AuthenticationMethod[]): PasskeyStatus {
  const strong: PasskeyStatus['strong'] = [];
  const weak = new Set<WeakKind>();
  for (const method of methods) {
    const type = method['@odata.type'];
    const described = { name: method.displayName ?? method.model ?? undefined, createdDateTime: method.createdDateTime ?? undefined };
    if (type === '#microsoft.graph.fido2AuthenticationMethod') strong.push({ kind: fido2Kind(method), ...described, ...(method.aaGuid ? { aaGuid: method.aaGuid.toLowerCase() } : {}) });
    else if (type === '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod') strong.push({ kind: 'windows-hello', ...described });
    else if (type === '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod') weak.add('authenticator-app');
    else if (type === '#microsoft.graph.phoneAuthenticationMethod') weak.add('phone');
    else if (type === '#microsoft.graph.emailAuthenticationMethod') weak.add('email');
    else if (type === '#microsoft.graph.softwareOathAuthenticationMethod' || type === '#microsoft.graph.hardwareOathAuthenticationMethod') weak.add('one-time-code');
    else if (type === '#microsoft.graph.temporaryAccessPassAuthenticationMethod') weak.add('temporary-access-pass');
  }
  return { strong, weak: [...weak], enrolled: strong.length > 0 };
}

function fido2Kind(method: AuthenticationMethod): StrongKind {
  const aaGuid = method.aaGuid?.toLowerCase();
  if (aaGuid && AUTHENTICATOR_AAGUIDS.has(aaGuid)) return 'authenticator-passkey';
  if (method.attestationLevel === 'notAttested') return 'synced-passkey';
  if (/windows hello/i.test(method.model ?? '')) return 'windows-hello';
  if (/key|yubi|feitian|titan|token2|solo|nitro/i.test(`${method.model ?? ''} ${method.displayName ?? ''}`)) return 'security-key';
  return 'device-passkey';
}

// Whether a person's phishing-resistant methods meet a tier's rule, and what is missing as codes
// (strings/<locale>/status.json words each one under tierMissing): from the real-time methods, or from the report.

import { LISTED_KINDS, type PasskeyKind, type TierRule } from '../config/enrolment-tiers.js';

/** One registered method; `aaGuid` is known from the real-time read only. */
export interface RuleMethod {
  kind: PasskeyKind;
  aaGuid?: string;
}

/**
 * `passkey`: none of anyOf; `device-bound`: none of anyOf that is device-bound; `kind:<kind>`: one of allOf;
 * `more-methods`: fewer methods than minimumMethods; `unlisted-key`: a key was there, but its model is not on the list.
 */
export type MissingCode = 'passkey' | 'device-bound' | `kind:${PasskeyKind}` | 'more-methods' | 'unlisted-key';

export interface RuleVerdict {
  met: boolean;
  missing: MissingCode[];
}

/** The registration report's method names, as kinds. */
const REPORT_KINDS: Readonly<Record<string, PasskeyKind>> = {
  passkeysynced: 'synced-passkey',
  passkeydeviceboundauthenticator: 'authenticator-passkey',
  passkeydeviceboundwindowshello: 'windows-hello',
  windowshelloforbusiness: 'windows-hello',
  fido2securitykey: 'security-key',
  passkeydevicebound: 'device-passkey',
};

export function kindsInReport(methodsRegistered: readonly string[]): PasskeyKind[] {
  return [...new Set(methodsRegistered.map((name) => REPORT_KINDS[name.toLowerCase()]).filter((kind): kind is PasskeyKind => kind !== undefined))];
}

/** Whether the rule reads more than the report can tell: an AAGUID list, or more than one method. */
export function needsDetails(rule: TierRule): boolean {
  return rule.aaguids !== undefined || rule.minimumMethods > 1;
}

export function evaluateRule(rule: TierRule, methods: readonly RuleMethod[]): RuleVerdict {
  const listed = rule.aaguids ? new Set(rule.aaguids) : undefined;
  const counts = (method: RuleMethod) => {
    if (rule.deviceBound && method.kind === 'synced-passkey') return false;
    return !listed || !LISTED_KINDS.has(method.kind) || (method.aaGuid !== undefined && listed.has(method.aaGuid.toLowerCase()));
  };
  const counted = methods.filter(counts);
  const missing: MissingCode[] = [];
  if (!counted.some((method) => rule.anyOf.includes(method.kind))) missing.push(rule.deviceBound ? 'device-bound' : 'passkey');
  for (const kind of rule.allOf ?? []) if (!counted.some((method) => method.kind === kind)) missing.push(`kind:${kind}`);
  if (rule.minimumMethods > 1 && methods.length < rule.minimumMethods) missing.push('more-methods');
  if (missing.length > 0 && methods.some((method) => !counts(method) && LISTED_KINDS.has(method.kind))) missing.push('unlisted-key');
  return { met: missing.length === 0, missing };
}

/**
 * From the report's kinds: `met` when it shows enough even counting each kind once and no key as listed; `unmet`
 * when it could not be enough even with every key listed and each kind registered as often as needed; else `details`
 * (the real-time methods decide).
 */
export function reportVerdict(rule: TierRule, methodsRegistered: readonly string[]): 'met' | 'unmet' | 'details' {
  const kinds = kindsInReport(methodsRegistered);
  if (evaluateRule(rule, kinds.map((kind) => ({ kind }))).met) return 'met';
  if (!needsDetails(rule)) return 'unmet';
  const listedKey = rule.aaguids?.[0];
  const generous = kinds.flatMap((kind) => Array.from({ length: rule.minimumMethods }, () => ({ kind, ...(listedKey && LISTED_KINDS.has(kind) ? { aaGuid: listedKey } : {}) })));
  return evaluateRule(rule, generous).met ? 'details' : 'unmet';
}

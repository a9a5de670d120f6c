// The tenant's passkey (FIDO2) policy as Graph returns it, in either of its two shapes: a tenant that migrated to
// passkey profiles (each target names the profiles it allows; a profile says which kinds of passkey count, whether
// attestation is enforced, which authenticators are allowed) or the legacy one (one attestation flag and one key
// restriction for everyone the method is enabled for). What applies to one person is worked out by enrollment.

import { z } from 'zod';

const keyRestrictionsSchema = z
  .object({
    isEnforced: z.boolean().catch(false),
    enforcementType: z.enum(['allow', 'block']).catch('block'),
    aaGuids: z.array(z.string()).catch([]),
  })
  .passthrough();
export type KeyRestrictions = z.infer<typeof keyRestrictionsSchema>;

const passkeyProfileSchema = z
  .object({
    id: z.string(),
    name: z.string().catch(''),
    /** "deviceBound", "synced" or "deviceBound,synced". */
    passkeyTypes: z.string().catch('deviceBound'),
    attestationEnforcement: z.enum(['disabled', 'registrationOnly']).catch('registrationOnly'),
    keyRestrictions: keyRestrictionsSchema.optional(),
  })
  .passthrough();
export type PasskeyProfile = z.infer<typeof passkeyProfileSchema>;

const targetSchema = z
  .object({
    targetType: z.string().catch('group'),
    /** A group id, or `all_users`. */
    id: z.string(),
    allowedPasskeyProfiles: z.array(z.string()).optional(),
  })
  .passthrough();

export const passkeyPolicySchema = z
  .object({
    state: z.enum(['enabled', 'disabled']).catch('disabled'),
    isSelfServiceRegistrationAllowed: z.boolean().catch(true),
    isAttestationEnforced: z.boolean().catch(false),
    keyRestrictions: keyRestrictionsSchema.optional(),
    includeTargets: z.array(targetSchema).catch([]),
    excludeTargets: z.array(targetSchema).catch([]),
    passkeyProfiles: z.array(passkeyProfileSchema).optional(),
    defaultPasskeyProfile: z.string().nullable().optional(),
  })
  .passthrough();
export type PasskeyPolicy = z.infer<typeof passkeyPolicySchema>;

/** Graph's path of the passkey (FIDO2) method configuration. */
export const PASSKEY_POLICY_PATH = '/policies/authenticationMethodsPolicy/authenticationMethodConfigurations/fido2';

// ENROLMENT_TIERS: who must have which credentials to count as enrolled, as data (README, "Enrolment tiers").

import { z } from 'zod';
import { isGuid } from '../shared/guid.js';

/** Phishing-resistant credentials as the coach tells them apart; all but `synced-passkey` are device-bound. */
export const PASSKEY_KINDS = ['authenticator-passkey', 'windows-hello', 'security-key', 'device-passkey', 'synced-passkey'] as const;
export type PasskeyKind = (typeof PASSKEY_KINDS)[number];
/** The kinds an AAGUID allow-list restricts: FIDO2 keys; Authenticator and Windows Hello are known by their maker. */
export const LISTED_KINDS: ReadonlySet<PasskeyKind> = new Set(['security-key', 'device-passkey']);

const kindSchema = z.enum(PASSKEY_KINDS, { errorMap: () => ({ message: `must be one of ${PASSKEY_KINDS.join(', ')}` }) });
const aaguidSchema = z
  .string()
  .trim()
  .toLowerCase()
  .refine(isGuid, 'must be an AAGUID, a GUID such as cb69481e-8ff7-4039-93ec-0a2729a154a8');

const ruleSchema = z
  .object({
    /** At least one method of one of these kinds. */
    anyOf: z.array(kindSchema).min(1, 'must name at least one kind'),
    /** One method of each of these kinds as well. */
    allOf: z.array(kindSchema).optional(),
    /** Synced passkeys never satisfy anyOf or allOf. */
    deviceBound: z.boolean().default(false),
    /** FIDO2 keys (security-key, device-passkey) satisfy anyOf and allOf only when their AAGUID is listed. */
    aaguids: z.array(aaguidSchema).min(1, 'must list at least one AAGUID, or be left out').optional(),
    /** Phishing-resistant methods the person has in all (a second one for when a device is lost). */
    minimumMethods: z.number().int().min(1).max(5).default(1),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.deviceBound && [...rule.anyOf, ...(rule.allOf ?? [])].includes('synced-passkey')) {
      ctx.addIssue({ code: 'custom', message: 'deviceBound is true, so synced-passkey cannot be in anyOf or allOf' });
    }
  });

const tierSchema = z
  .object({
    id: z.string().trim().regex(/^[a-z0-9-]{1,40}$/, 'must be 1 to 40 lower-case letters, digits or hyphens'),
    /** Members of these groups, direct or nested. */
    groups: z.array(z.string().trim().toLowerCase().refine(isGuid, "must be a group's object id (a GUID)")).optional(),
    /** Holders of an admin role, active or eligible (PIM, groups included): `true` for any role, or these role names. */
    adminRoles: z.union([z.literal(true), z.array(z.string().trim().min(1)).min(1)]).optional(),
    rule: ruleSchema,
  })
  .strict();

export const enrolmentTiersSchema = z
  .array(tierSchema)
  .min(1, 'must list at least one tier')
  .superRefine((tiers, ctx) => {
    const ids = tiers.map((tier) => tier.id);
    const twice = ids.filter((id, index) => ids.indexOf(id) !== index);
    if (twice.length > 0) ctx.addIssue({ code: 'custom', message: `tier ids must differ (${twice.join(', ')} appears twice)` });
    const last = tiers.at(-1);
    if (last && (last.groups || last.adminRoles)) ctx.addIssue({ code: 'custom', message: 'the last tier must have no groups and no adminRoles: it is everyone else\'s' });
    tiers.slice(0, -1).forEach((tier, index) => {
      if (!tier.groups && !tier.adminRoles) ctx.addIssue({ code: 'custom', path: [index], message: `tier ${tier.id} has no groups and no adminRoles, so the tiers after it would never apply` });
    });
  });

export type EnrolmentTier = z.infer<typeof tierSchema>;
export type TierRule = EnrolmentTier['rule'];

/** Unset: one tier, any passkey, as before tiers existed. */
export const DEFAULT_TIERS: readonly EnrolmentTier[] = [{ id: 'everyone', rule: { anyOf: [...PASSKEY_KINDS], deviceBound: false, minimumMethods: 1 } }];

/**
 * The tiers from the variable: JSON, or the same JSON base64-encoded (`base64 -w0 tiers.json`), which survives being
 * written into env/.env.<env> and from there into the Bicep parameter file (quotes would not); or the problems in
 * words that say what to fix.
 */
export function parseEnrolmentTiers(text: string | undefined): { tiers: readonly EnrolmentTier[] } | { problems: string[] } {
  if (text === undefined || text.trim() === '') return { tiers: DEFAULT_TIERS };
  const trimmed = text.trim();
  const source = /^[[{]/.test(trimmed) ? trimmed : Buffer.from(trimmed, 'base64').toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    return { problems: [`ENROLMENT_TIERS: must be JSON (a list of tiers), or that JSON base64-encoded (${error instanceof Error ? error.message : String(error)}).`] };
  }
  const parsed = enrolmentTiersSchema.safeParse(json);
  if (parsed.success) return { tiers: parsed.data };
  return { problems: parsed.error.issues.map((issue) => `ENROLMENT_TIERS${issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${part}`)).join('')}: ${issue.message}`) };
}

// What Microsoft Graph answers, as the directory reads it: one schema per resource, checked before anything trusts it.

import { z } from 'zod';

export const userSchema = z
  .object({
    id: z.string(),
    displayName: z.string().nullable().optional(),
    givenName: z.string().nullable().optional(),
    surname: z.string().nullable().optional(),
    userPrincipalName: z.string(),
    mail: z.string().nullable().optional(),
    jobTitle: z.string().nullable().optional(),
    department: z.string().nullable().optional(),
    accountEnabled: z.boolean().nullable().optional(),
    userType: z.string().nullable().optional(),
    preferredLanguage: z.string().nullable().optional(),
  })
  .passthrough();
export type DirectoryUser = z.infer<typeof userSchema>;
export const USER_FIELDS = 'id,displayName,givenName,surname,userPrincipalName,mail,jobTitle,department,accountEnabled,userType,preferredLanguage';

export const registrationSchema = z
  .object({
    id: z.string(),
    userPrincipalName: z.string(),
    userDisplayName: z.string().nullable().optional(),
    userType: z.string().nullable().optional(),
    isAdmin: z.boolean().nullable().optional(),
    isMfaRegistered: z.boolean().nullable().optional(),
    isPasswordlessCapable: z.boolean().nullable().optional(),
    methodsRegistered: z.array(z.string()).default([]),
    lastUpdatedDateTime: z.string().nullable().optional(),
  })
  .passthrough();
export type RegistrationDetails = z.infer<typeof registrationSchema>;

export const methodSchema = z
  .object({
    '@odata.type': z.string(),
    id: z.string(),
    displayName: z.string().nullable().optional(),
    createdDateTime: z.string().nullable().optional(),
    model: z.string().nullable().optional(),
    aaGuid: z.string().nullable().optional(),
    attestationLevel: z.string().nullable().optional(),
  })
  .passthrough();
export type AuthenticationMethod = z.infer<typeof methodSchema>;

export const tapSchema = z
  .object({
    id: z.string(),
    temporaryAccessPass: z.string().nullable().optional(),
    createdDateTime: z.string().nullable().optional(),
    startDateTime: z.string().nullable().optional(),
    lifetimeInMinutes: z.number(),
    isUsableOnce: z.boolean(),
    isUsable: z.boolean().nullable().optional(),
    methodUsabilityReason: z.string().nullable().optional(),
  })
  .passthrough();
export type TemporaryAccessPassMethod = z.infer<typeof tapSchema>;

export const tapPolicySchema = z
  .object({
    state: z.enum(['enabled', 'disabled']).catch('disabled'),
    defaultLifetimeInMinutes: z.number().int(),
    minimumLifetimeInMinutes: z.number().int(),
    maximumLifetimeInMinutes: z.number().int(),
    isUsableOnce: z.boolean(),
  })
  .passthrough();
export type TemporaryAccessPassPolicy = z.infer<typeof tapPolicySchema>;

/** Where each kind of method lives under /users/{id}/authentication (the password cannot be removed). */
export const METHOD_SEGMENT_BY_TYPE: Record<string, string> = {
  '#microsoft.graph.fido2AuthenticationMethod': 'fido2Methods',
  '#microsoft.graph.windowsHelloForBusinessAuthenticationMethod': 'windowsHelloForBusinessMethods',
  '#microsoft.graph.microsoftAuthenticatorAuthenticationMethod': 'microsoftAuthenticatorMethods',
  '#microsoft.graph.phoneAuthenticationMethod': 'phoneMethods',
  '#microsoft.graph.emailAuthenticationMethod': 'emailMethods',
  '#microsoft.graph.softwareOathAuthenticationMethod': 'softwareOathMethods',
  '#microsoft.graph.hardwareOathAuthenticationMethod': 'hardwareOathMethods',
  '#microsoft.graph.temporaryAccessPassAuthenticationMethod': 'temporaryAccessPassMethods',
  '#microsoft.graph.platformCredentialAuthenticationMethod': 'platformCredentialMethods',
};

export const idOnlySchema = z.object({ id: z.string(), '@odata.type': z.string().optional() }).passthrough();
export const pageSchema = z.object({ value: z.array(z.unknown()), '@odata.nextLink': z.string().optional() }).passthrough();

export const planSchema = z.object({ service: z.string().nullable().optional(), servicePlanId: z.string().nullable().optional(), capabilityStatus: z.string().nullable().optional() }).passthrough();
export const profileUserSchema = userSchema.extend({ assignedPlans: z.array(planSchema).nullable().optional() });
export const mailboxSchema = z
  .object({ timeZone: z.string().nullable().optional(), userPurpose: z.string().nullable().optional(), language: z.object({ locale: z.string().nullable().optional() }).passthrough().nullable().optional() })
  .passthrough();

/** The Teams service plan (TEAMS1) of Microsoft 365 licences; other Teams SKUs name the same service. */
export const TEAMS_SERVICE_PLAN_ID = '57ff2da0-773e-42df-b2af-ffb7a2317929';

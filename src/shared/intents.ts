// The intents of what people say to the coach (INTENTS.md): fixed ids that code, catalog files, dialogs, stored
// records and tests share. Every feature that keeps or shows a concern names it by one of these.

export const INTENT_IDS = [
  'employer-spying',
  'location-tracking',
  'personal-data-access',
  'personal-device',
  'compensation',
  'storage-and-data',
  'phone-resources',
  'biometrics',
  'why-required',
  'consequences',
  'no-smartphone',
  'unsupported-phone',
  'lost-phone',
  'phone-change',
  'synced-passkeys',
  'what-is-a-passkey',
  'setup-help',
  'cross-device',
  'enrolled',
  'refusal',
  'human-help',
  'out-of-scope',
] as const;
export type IntentId = (typeof INTENT_IDS)[number];

// Makes an entry's details safe to seal forever: secrets redacted, personal fields removed, plain JSON only.

import { AppError } from '../errors/app-error.js';
import type { Redactor } from '../logging/redact.js';

/** Details are sealed into the chain and can never be erased, so fields that name a person are dropped. */
const PERSONAL_KEY =
  /^(upn|user[-_]?principal[-_]?name|e?-?mail|mail[-_]?address|email[-_]?address|display[-_]?name|given[-_]?name|surname|full[-_]?name|aad[-_]?object[-_]?id|object[-_]?id|phone|mobile[-_]?phone|business[-_]?phones?|phone[-_]?number)$/i;
const LOCAL_PART = /[A-Za-z0-9._%+-]/;
const DOMAIN_PART = /[A-Za-z0-9.-]/;
const PERSONAL = '[personal]';
const MAX_DETAILS_CHARS = 16_384;

export function cleanDetails(details: Record<string, unknown>, redactor: Redactor): Record<string, unknown> {
  const redacted = redactor.redact(details);
  const size = JSON.stringify(redacted ?? {}).length;
  if (size > MAX_DETAILS_CHARS) {
    throw new AppError('internal', `Audit details are ${size} characters; the limit is ${MAX_DETAILS_CHARS}`);
  }
  // A JSON round trip leaves exactly what the store will keep (no undefined, Dates as text), so the hash matches.
  const parsed: unknown = JSON.parse(JSON.stringify(withoutPersonal(redacted) ?? {}));
  return isPlainObject(parsed) ? parsed : {};
}

function withoutPersonal(value: unknown): unknown {
  if (typeof value === 'string') return maskEmails(value);
  if (Array.isArray(value)) return value.map(withoutPersonal);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    out[key] = PERSONAL_KEY.test(key) && item !== undefined && item !== null ? PERSONAL : withoutPersonal(item);
  }
  return out;
}

/** Replaces e-mail addresses in free text. A scan out from each '@' stays linear where a regex could backtrack. */
export function maskEmails(text: string): string {
  let out = '';
  let copied = 0;
  let at = text.indexOf('@');
  while (at !== -1) {
    let start = at;
    while (start > copied && LOCAL_PART.test(text.charAt(start - 1))) start--;
    let end = at + 1;
    while (end < text.length && DOMAIN_PART.test(text.charAt(end))) end++;
    while (end > at + 1 && text.charAt(end - 1) === '.') end--;
    const domain = text.slice(at + 1, end);
    if (start < at && /\.[A-Za-z]{2,}$/.test(domain) && !domain.startsWith('.')) {
      out += text.slice(copied, start) + PERSONAL;
      copied = end;
    }
    at = text.indexOf('@', Math.max(at + 1, copied));
  }
  return out + text.slice(copied);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

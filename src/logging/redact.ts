// Scrubs secrets, tokens and Temporary Access Pass values from anything before it is logged or audited.

const REDACTED = '[redacted]';

/** Property names whose values are never written anywhere, whatever they contain. */
const SECRET_KEY =
  /(pass(word|phrase)?|secret(text|value)?|token|authorization|auth[-_]?header|cookie|credential|assertion|private[-_]?key|api[-_]?key|account[-_]?key|hmac[-_]?key|signing[-_]?key|^key$|pem|temporaryaccesspass|^tap$|^tap[-_]?value$|connection[-_]?string|sas|sig)$/i;

/** Shapes of secrets that can hide inside free text (error messages, URLs, headers). */
const SECRET_PATTERNS: RegExp[] = [
  // JSON Web Tokens (Bot Framework, Graph and SSO tokens are all JWTs).
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g,
  // "Bearer xyz" / "Basic xyz" in headers or messages.
  /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  // key=value secrets in URLs and connection strings.
  /\b(client_secret|password|AccountKey|SharedAccessSignature|sig|code|access_token|refresh_token|id_token)=[^&;\s"']+/gi,
];

export class Redactor {
  readonly #known = new Set<string>();

  /** Registers a concrete secret (a client secret, an HMAC key, a TAP value) so that any string containing it is scrubbed. */
  addSecret(value: string | undefined): void {
    // Short values would redact ordinary words; every real secret here is at least 8 characters.
    if (value && value.length >= 8) this.#known.add(value);
  }

  forgetSecret(value: string): void {
    this.#known.delete(value);
  }

  redactText(text: string): string {
    let out = text;
    for (const secret of this.#known) {
      if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    }
    for (const pattern of SECRET_PATTERNS) {
      out = out.replace(pattern, (match, name: string | undefined) =>
        name && match.includes('=') ? `${name}=${REDACTED}` : name && /^(bearer|basic)$/i.test(name) ? `${name} ${REDACTED}` : REDACTED,
      );
    }
    return out;
  }

  /** Returns a deep copy safe to serialize: secret-named fields blanked, secret-shaped text scrubbed, cycles cut. */
  redact(value: unknown): unknown {
    return this.#walk(value, new WeakSet(), 0, false);
  }

  /** `secret`: we are inside a secret-named object, where every string is blanked and only numbers and flags survive. */
  #walk(value: unknown, seen: WeakSet<object>, depth: number, secret: boolean): unknown {
    if (typeof value === 'string') return secret && value !== '' ? REDACTED : this.redactText(value);
    if (value === null || typeof value !== 'object') return typeof value === 'bigint' ? value.toString() : value;
    if (depth > 12) return '[too deep]';
    if (seen.has(value)) return '[circular]';
    seen.add(value);
    if (value instanceof Error) return this.#error(value, seen, depth);
    if (value instanceof Date) return value.toISOString();
    if (Array.isArray(value)) return value.map((item) => this.#walk(item, seen, depth + 1, secret));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const secretKey = SECRET_KEY.test(key);
      // A secret-named object (e.g. `tap: {...}`) keeps its shape, numbers and flags; every string in it is blanked.
      const blank = secretKey && item !== undefined && item !== null && item !== '' && typeof item !== 'object';
      out[key] = blank ? REDACTED : this.#walk(item, seen, depth + 1, secret || secretKey);
    }
    return out;
  }

  #error(error: Error, seen: WeakSet<object>, depth: number): Record<string, unknown> {
    const out: Record<string, unknown> = { name: error.name, message: this.redactText(error.message) };
    const extra = error as Error & { code?: unknown; statusCode?: unknown; details?: unknown };
    if (extra.code !== undefined) out.code = extra.code;
    if (extra.statusCode !== undefined) out.statusCode = extra.statusCode;
    if (extra.details !== undefined) out.details = this.#walk(extra.details, seen, depth + 1, false);
    if (error.stack) out.stack = this.redactText(error.stack);
    if (error.cause !== undefined) out.cause = this.#walk(error.cause, seen, depth + 1, false);
    return out;
  }
}

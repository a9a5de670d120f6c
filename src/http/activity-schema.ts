// The minimum shape of a Bot Framework activity, checked before anything else reads the body.

import { z } from 'zod';

const account = z.object({ id: z.string().min(1).max(1024) }).passthrough();

export const inboundActivitySchema = z
  .object({
    type: z.string().min(1).max(64),
    channelId: z.string().min(1).max(64),
    serviceUrl: z
      .string()
      .max(2048)
      .url()
      .refine((url) => /^https?:\/\//i.test(url), 'must be an http(s) URL'),
    from: account,
    recipient: account,
    conversation: account,
  })
  .passthrough();

export type InboundActivity = z.infer<typeof inboundActivitySchema>;

export type ActivityCheck = { ok: true; activity: InboundActivity } | { ok: false; issues: string[] };

/**
 * The schema's verdict on a request body. Every turn passes through here, so a body the schema surely accepts is
 * recognised by plain checks of the same rules and handed on as it is (zod would copy it, every nested object too);
 * anything else goes to the schema, which decides and says what is wrong.
 */
export function checkActivity(body: unknown): ActivityCheck {
  if (surelyAnActivity(body)) return { ok: true, activity: body as InboundActivity };
  const parsed = inboundActivitySchema.safeParse(body);
  if (parsed.success) return { ok: true, activity: parsed.data };
  return { ok: false, issues: parsed.error.issues.slice(0, 5).map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`) };
}

/** The schema's rules as plain checks; true only when every one holds (false sends the body to the schema). */
function surelyAnActivity(body: unknown): boolean {
  if (!isRecord(body)) return false;
  const { type, channelId, serviceUrl, from, recipient, conversation } = body;
  return (
    textOf(type, 1, 64) &&
    textOf(channelId, 1, 64) &&
    textOf(serviceUrl, 0, 2048) &&
    /^https?:\/\//i.test(serviceUrl) &&
    URL.canParse(serviceUrl) &&
    isAccount(from) &&
    isAccount(recipient) &&
    isAccount(conversation)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown, min: number, max: number): value is string {
  return typeof value === 'string' && value.length >= min && value.length <= max;
}

function isAccount(value: unknown): boolean {
  return isRecord(value) && textOf(value.id, 1, 1024);
}

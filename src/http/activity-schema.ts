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

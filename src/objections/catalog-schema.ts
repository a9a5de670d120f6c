// The objection catalog's format: what people worry about, how they say it, and what the coach answers.
// Content is data (catalog/<locale>/*.json); an admin's CATALOG_DIR can replace or add entries.

import { z } from 'zod';

import { INTENT_IDS, type IntentId } from '../shared/intents.js';

export { INTENT_IDS, type IntentId };

/** What a follow-up button does; the dialog decides what each means. */
export const FOLLOW_UPS = ['show-me-how', 'tell-me-more', 'another-concern', 'still-no', 'talk-to-person', 'check-status', 'security-key', 'windows-hello'] as const;
export type FollowUp = (typeof FOLLOW_UPS)[number];

const words = (max: number) => (text: string) => text.trim().split(/\s+/).length <= max;
const answerText = z.string().min(20).refine(words(90), 'an answer is at most about 80 words');
const moreText = z.string().min(20).refine(words(200), 'tell-me-more is at most about 200 words');

/** Answer variants for what the person's own passkey profile allows (used by synced-passkeys). */
export const ANSWER_VARIANTS = ['synced-allowed', 'device-bound-only'] as const;
export type AnswerVariant = (typeof ANSWER_VARIANTS)[number];

export const intentSchema = z.object({
  id: z.enum(INTENT_IDS),
  /** A short title for cards and logs, e.g. "Will my employer see my phone?" */
  title: z.string().min(3).max(80),
  /** How people say it: questions, statements, angry, terse, typos, lower case. Used for training only. */
  examples: z.array(z.string().min(1).max(300)).min(20),
  /** The answer, in the coach's own words: calm, factual, at most about 80 words. Plain text with simple markdown. */
  answer: answerText,
  /** Optional deeper answer behind "Tell me more". */
  more: moreText.optional(),
  /** Optional answers that replace `answer`/`more` when the person's passkey profile is known; the main ones are for when it is not. */
  variants: z.record(z.enum(ANSWER_VARIANTS), z.object({ answer: answerText, more: moreText.optional() })).optional(),
  /** The fact from the brief (ENROLLMENT-FACTS.md) the answer rests on, for reviewers. */
  fact: z.string().min(10),
  /** Buttons offered under the answer, in order. */
  followUps: z.array(z.enum(FOLLOW_UPS)).max(5).default(['show-me-how', 'another-concern', 'still-no', 'talk-to-person']),
});
export type Intent = z.infer<typeof intentSchema>;

/** A catalog file holds one intent or a list of them. */
export const catalogFileSchema = z.union([intentSchema, z.array(intentSchema)]);

// The set-up guides per platform (guides/<locale>/platforms.json): content an admin can read and correct.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { packageRoot } from '../shared/package-root.js';

export const PLATFORM_IDS = ['iphone', 'android', 'windows', 'security-key', 'no-smartphone'] as const;
export type PlatformId = (typeof PLATFORM_IDS)[number];

const platformSchema = z.object({
  id: z.enum(PLATFORM_IDS),
  label: z.string().min(1).max(40),
  title: z.string().min(1).max(100),
  requirements: z.string().min(1),
  minutes: z.number().int().min(1).max(30),
  steps: z.array(z.string().min(1)).min(1).max(8),
  links: z.array(z.object({ title: z.string().min(1), url: z.string().url().startsWith('https://') })),
  troubleshooting: z.array(z.string().min(1)),
});
export type PlatformGuide = z.infer<typeof platformSchema>;

const guidesSchema = z.object({
  mySecurityInfoUrl: z.string().url().startsWith('https://'),
  platforms: z.array(platformSchema).refine((list) => PLATFORM_IDS.every((id) => list.some((p) => p.id === id)), 'every platform needs a guide'),
});
export type Guides = z.infer<typeof guidesSchema>;

const loaded = new Map<string, Guides>();

/** The guides in a language, read once; English for a language that has none. */
export function guidesFor(locale: string): Guides {
  let guides = loaded.get(locale);
  if (!guides) {
    guides = existsSync(guidesFile(locale)) ? loadGuides(locale) : guidesFor('en');
    loaded.set(locale, guides);
  }
  return guides;
}

function guidesFile(locale: string): string {
  return path.join(packageRoot(), 'guides', locale, 'platforms.json');
}

export function loadGuides(locale = 'en'): Guides {
  const file = guidesFile(locale);
  try {
    return guidesSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (error) {
    throw new AppError('config.invalid', `The set-up guides in ${file} are invalid: ${(error as Error).message}`, { cause: error });
  }
}

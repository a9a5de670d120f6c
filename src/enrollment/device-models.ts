// Which phone someone means when they name one ("samsung a12", "my iPhone 8", "pixel 6"), and whether it can run what
// Authenticator's passkeys need. The table is data (guides/devices.json: each model's last OS version by its maker's
// update policy, with the source and the date it was checked); a platform named without a model ("an iPhone", "my
// samsung galaxy") still says which set-up steps apply.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { packageRoot } from '../shared/package-root.js';
import type { PlatformId } from './guides.js';

const modelSchema = z.object({
  platform: z.enum(['iphone', 'android']),
  maker: z.string().min(1),
  name: z.string().min(1),
  aliases: z.array(z.string().min(2)).min(1),
  launchOs: z.number().int().positive().optional(),
  /** The highest major OS version the maker released for it; null while it still gets new ones. */
  lastOs: z.number().int().positive().nullable(),
  /** False for phones sold without Google's services (no Play Store, so no Authenticator from it). */
  googleServices: z.boolean().optional(),
  source: z.string().min(1),
  basis: z.string().min(1),
});
export type DeviceModel = z.infer<typeof modelSchema>;

const tableSchema = z.object({
  checked: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  required: z.object({ iphone: z.number().int(), android: z.number().int() }),
  sources: z.record(z.object({ maker: z.string(), url: z.string().url(), what: z.string() })),
  models: z.array(modelSchema),
});
export type DeviceTable = z.infer<typeof tableSchema>;

export type DeviceVerdict = 'supported' | 'too-old' | 'no-play-store';

export interface DeviceMention {
  platform: PlatformId;
  /** The model named, when the table knows it. */
  model?: DeviceModel;
  /** Whether the model can run the OS version passkeys need; undefined for a platform named without a model. */
  verdict?: DeviceVerdict;
  /** The version needed on this platform (iOS 17, Android 14). */
  required?: number;
}

/** Words that name a platform without a model. Longest first, so "windows hello" wins over "windows". */
const PLATFORM_WORDS: readonly [RegExp, PlatformId][] = [
  [/\b(?:iphone|ipad|ios|apple phone)\b/, 'iphone'],
  [/\b(?:android|samsung|galaxy|pixel|xiaomi|redmi|poco|oneplus|one plus|motorola|moto|huawei|honor|nokia|oppo|vivo|realme|sony xperia|fairphone)\b/, 'android'],
  [/\b(?:windows hello|windows|laptop|pc|computer|desktop)\b/, 'windows'],
  [/\b(?:security key|yubikey|yubi key|fido key|hardware key|usb key)\b/, 'security-key'],
];

export class DeviceModels {
  readonly #aliases: { alias: string; pattern: RegExp; model: DeviceModel }[];
  /** Any alias at all: most messages name no phone, and one test says so instead of one per alias. */
  readonly #anyAlias: RegExp;

  constructor(readonly table: DeviceTable) {
    // Longest alias first: "galaxy s21 fe" is found before "galaxy s21".
    this.#aliases = table.models
      .flatMap((model) => model.aliases.map((alias) => ({ alias: normalise(alias), model })))
      .sort((a, b) => b.alias.length - a.alias.length)
      .map(({ alias, model }) => ({ alias, model, pattern: new RegExp(`(?:^|[^a-z0-9])${aliasPattern(alias)}(?:$|[^a-z0-9+])`) }));
    this.#anyAlias = new RegExp(`(?:^|[^a-z0-9])(?:${this.#aliases.map(({ alias }) => aliasPattern(alias)).join('|')})(?:$|[^a-z0-9+])`);
  }

  static load(file = path.join(packageRoot(), 'guides', 'devices.json')): DeviceModels {
    try {
      return new DeviceModels(tableSchema.parse(JSON.parse(readFileSync(file, 'utf8'))));
    } catch (error) {
      throw new AppError('config.invalid', `The device table ${file} is invalid: ${(error as Error).message}`, { cause: error });
    }
  }

  /** The phone or platform the text names, if any. */
  mentionIn(text: string): DeviceMention | undefined {
    const normal = normalise(text);
    for (const { pattern, model } of this.#anyAlias.test(normal) ? this.#aliases : []) {
      if (!pattern.test(normal)) continue;
      const required = this.table.required[model.platform];
      return { platform: model.platform, model, required, verdict: verdictOf(model, required) };
    }
    for (const [pattern, platform] of PLATFORM_WORDS) {
      if (pattern.test(normal)) return { platform, ...(platform === 'iphone' || platform === 'android' ? { required: this.table.required[platform] } : {}) };
    }
    return undefined;
  }
}

function verdictOf(model: DeviceModel, required: number): DeviceVerdict {
  // No Play Store first: a newer system would not change that.
  if (model.googleServices === false) return 'no-play-store';
  if (model.lastOs !== null && model.lastOs < required) return 'too-old';
  return 'supported';
}

/** Lower case, one space between words, "galaxy-a12" and "galaxy a 12" read as "galaxy a12". */
function normalise(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[-_/]+/g, ' ')
    .replace(/\b([a-z]) (\d{1,3})\b/g, '$1$2')
    .replace(/\s+/g, ' ')
    .trim();
}

function aliasPattern(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/ /g, '\\s*');
}

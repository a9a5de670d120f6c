// Small, valid catalogs written to a temp folder, for loader and cache tests that must not depend on the shipped content.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { INTENT_IDS, type IntentId } from '../../src/objections/catalog-schema.js';

/** Each intent gets its own words, so a model trained on the fixture can tell them apart. */
const TOPIC: Record<IntentId, string> = {
  'employer-spying': 'spyware surveillance',
  'location-tracking': 'gps whereabouts',
  'personal-data-access': 'photos gallery',
  'personal-device': 'private handset',
  compensation: 'stipend reimbursement',
  'storage-and-data': 'servers telemetry',
  'phone-resources': 'battery megabytes',
  biometrics: 'fingerprint faceid',
  'why-required': 'rationale reason',
  consequences: 'fired obligatory',
  'no-smartphone': 'flipphone landline',
  'unsupported-phone': 'outdated firmware',
  'lost-phone': 'stolen misplaced',
  'phone-change': 'upgrade switching',
  'synced-passkeys': 'bitwarden keychain',
  'what-is-a-passkey': 'definition explain',
  'setup-help': 'instructions walkthrough',
  'cross-device': 'qrcode bluetooth',
  enrolled: 'finished completed',
  refusal: 'refuse decline',
  'human-help': 'helpdesk technician',
  'out-of-scope': 'weather lunch',
};

export function fixtureIntent(id: IntentId, title = `About ${id}`): Record<string, unknown> {
  const [a, b] = TOPIC[id].split(' ');
  return {
    id,
    title,
    examples: Array.from({ length: 20 }, (_, i) => `${i % 2 === 0 ? a : b} question number ${i} about ${a} and ${b}`),
    answer: `A calm, factual answer about ${id} that stays well under eighty words.`,
    fact: `The brief's fact behind ${id}.`,
  };
}

export interface FixtureDirs {
  root: string;
  /** Pass as `baseDir`: holds `en/*.json`. */
  base: string;
  /** An empty folder for override files. */
  override: string;
  write(dir: string, name: string, content: unknown): string;
  remove(): void;
}

/** A temp folder with a complete shipped catalog (one file per intent, minus `omit`) and an empty override folder. */
export function makeCatalogDirs(options: { omit?: IntentId[] } = {}): FixtureDirs {
  const root = mkdtempSync(path.join(tmpdir(), 'passkey-coach-catalog-'));
  const base = path.join(root, 'catalog');
  const override = path.join(root, 'override');
  mkdirSync(path.join(base, 'en'), { recursive: true });
  mkdirSync(override);
  const write = (dir: string, name: string, content: unknown) => {
    const file = path.join(dir, name);
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  };
  for (const id of INTENT_IDS) if (!options.omit?.includes(id)) write(path.join(base, 'en'), `${id}.json`, fixtureIntent(id));
  return { root, base, override, write, remove: () => rmSync(root, { recursive: true, force: true }) };
}

// Renders the README's generated tables (configuration keys, Graph permissions) from their single sources.

import { readFileSync, writeFileSync } from 'node:fs';
import { GRAPH_PERMISSIONS } from '../directory/graph-permissions.js';
import { CONFIG_KEYS } from '../config/config-schema.js';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderConfigTable(): string {
  const rows = CONFIG_KEYS.map(
    (key) => `| \`${key.name}\` | ${key.default === undefined ? '—' : key.default === '' ? '(empty)' : `\`${cell(key.default)}\``} | ${key.secret ? 'yes' : ''} | ${cell(key.description)} |`,
  );
  return ['| Variable | Default | Secret | Meaning |', '|---|---|---|---|', ...rows].join('\n');
}

export function renderPermissionsTable(): string {
  if (GRAPH_PERMISSIONS.length === 0) {
    return '_None._';
  }
  const rows = GRAPH_PERMISSIONS.map((p) => `| \`${p.name}\` | ${p.type} | ${cell(p.why)} |`);
  return ['| Permission | Type | Why |', '|---|---|---|', ...rows].join('\n');
}

export const GENERATED_SECTIONS = {
  config: renderConfigTable,
  permissions: renderPermissionsTable,
} as const;

/** Replaces each `<!-- generated:NAME -->…<!-- /generated:NAME -->` block; returns the new text. */
export function fillGeneratedSections(markdown: string): string {
  let out = markdown;
  for (const [name, render] of Object.entries(GENERATED_SECTIONS)) {
    const pattern = new RegExp(`(<!-- generated:${name} -->)[\\s\\S]*?(<!-- /generated:${name} -->)`);
    if (!pattern.test(out)) throw new Error(`README has no <!-- generated:${name} --> block`);
    out = out.replace(pattern, (_match, open: string, close: string) => `${open}\n${render()}\n${close}`);
  }
  return out;
}

export function updateReadme(path: string): boolean {
  const before = readFileSync(path, 'utf8');
  const after = fillGeneratedSections(before);
  if (after !== before) writeFileSync(path, after);
  return after !== before;
}

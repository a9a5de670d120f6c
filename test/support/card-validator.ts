// Checks a card the way Teams' renderer would read it: the adaptivecards parser at schema 1.5, plus accessibility rules.

import { createRequire } from 'node:module';

// adaptivecards 3.0.x ships a broken ESM lib/; its UMD bundle in dist/ loads fine under Node.
const require = createRequire(import.meta.url);
const AC = require('adaptivecards/dist/adaptivecards.js') as typeof import('adaptivecards');

export interface CardProblems {
  parserEvents: string[];
  unknownProperties: string[];
  accessibility: string[];
}

/** Properties the parser reads but never writes back, or that Teams adds meaning to outside the schema. */
const ROUND_TRIP_EXEMPT = new Set(['$schema', 'speak', 'msteams']);

export function validateCard(card: Record<string, unknown>): CardProblems {
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  const parsed = new AC.AdaptiveCard();
  parsed.parse(card, context);
  const parserEvents: string[] = [];
  for (let i = 0; i < context.eventCount; i++) {
    const event = context.getEventAt(i);
    parserEvents.push(`${event.phase}/${event.event}: ${event.message}`);
  }
  const reserialized = parsed.toJSON(new AC.SerializationContext(AC.Versions.v1_5)) as Record<string, unknown>;
  const unknownProperties: string[] = [];
  compareKeys(card, reserialized, '$', unknownProperties);
  return { parserEvents, unknownProperties, accessibility: accessibilityProblems(card) };
}

/** Every property in the input must survive a parse/serialize round trip; one that is dropped is unknown to the schema. */
function compareKeys(input: unknown, output: unknown, at: string, problems: string[]): void {
  if (Array.isArray(input)) {
    const out = Array.isArray(output) ? output : [];
    for (const [index, item] of input.entries()) compareKeys(item, out[index], `${at}[${index}]`, problems);
    return;
  }
  if (typeof input !== 'object' || input === null) return;
  const out = (typeof output === 'object' && output !== null ? output : {}) as Record<string, unknown>;
  for (const [key, value] of Object.entries(input)) {
    if (ROUND_TRIP_EXEMPT.has(key)) continue;
    if (!(key in out)) {
      // The serializer omits properties equal to their default; that is fine only if the value is the default it drops.
      if (!isDefaultValue(key, value)) problems.push(`${at}.${key}`);
      continue;
    }
    compareKeys(value, out[key], `${at}.${key}`, problems);
  }
}

function isDefaultValue(key: string, value: unknown): boolean {
  const defaults: Record<string, unknown[]> = { wrap: [false], isSubtle: [false], spacing: ['Default', 'default'], style: ['default', 'Default'] };
  return defaults[key]?.includes(value) ?? false;
}

function accessibilityProblems(card: unknown): string[] {
  const problems: string[] = [];
  walk(card, '$', (node, at) => {
    const type = typeof node.type === 'string' ? node.type : '';
    if (type === 'Image' && !(typeof node.altText === 'string' && node.altText.trim() !== '')) problems.push(`${at}: Image without altText`);
    if (type.startsWith('Input.') && !(typeof node.label === 'string' && node.label.trim() !== '')) problems.push(`${at}: ${type} without label`);
    if (type === 'TextBlock' && typeof node.color === 'string' && node.color !== 'Default' && !(typeof node.text === 'string' && node.text.trim() !== '')) {
      problems.push(`${at}: coloured TextBlock with no text says something by colour alone`);
    }
    if (type.startsWith('Action.') && !(typeof node.title === 'string' && node.title.trim() !== '') && !(typeof node.tooltip === 'string')) {
      problems.push(`${at}: ${type} without a title or tooltip`);
    }
    if ((type === 'Container' || type === 'Column') && typeof node.style === 'string' && ['good', 'attention', 'warning'].includes(node.style) && !hasText(node)) {
      problems.push(`${at}: ${type} with style ${node.style} but no text: meaning carried by colour alone`);
    }
  });
  return problems;
}

function hasText(node: unknown): boolean {
  let found = false;
  walk(node, '', (child) => {
    if (child.type === 'TextBlock' && typeof child.text === 'string' && child.text.trim() !== '') found = true;
  });
  return found;
}

function walk(node: unknown, at: string, visit: (node: Record<string, unknown>, at: string) => void): void {
  if (Array.isArray(node)) {
    for (const [index, child] of node.entries()) walk(child, `${at}[${index}]`, visit);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  visit(node as Record<string, unknown>, at);
  for (const [key, value] of Object.entries(node)) walk(value, `${at}.${key}`, visit);
}

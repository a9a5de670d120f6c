// Expands the Adaptive Card templates in cards/ with data: card layouts are content, not code.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';
import { AppError } from '../errors/app-error.js';
import { packageRoot } from '../shared/package-root.js';
import { visibleText } from '../shared/visible-text.js';

/** Text a template may show as markdown: only for content we wrote (catalog answers), never for names people chose. */
export class TrustedMarkdown {
  constructor(readonly text: string) {}
}

/**
 * A person's own words shown to someone else (a pass request's reason, what an employee asked to pass on): placed
 * only in a template's TextRun, which never renders markdown, so no escape has to be trusted to hold on every Teams
 * client. Rendering fails if such a text lands anywhere else.
 */
export class PersonText {
  constructor(readonly text: string) {}
}

/**
 * Backslash-escapes what card markdown would turn into a link or emphasis, and list or heading markers at
 * the start of a line. Deliberately narrow: ordinary punctuation in names stays as typed.
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*_[\]~]/g, (char) => `\\${char}`)
    .replace(/^(\s*)([#>+-])(?=\s)/gm, (_match, indent: string, marker: string) => `${indent}\\${marker}`)
    .replace(/^(\s*\d+)\.(?=\s)/gm, (_match, number: string) => `${number}\\.`);
}

export interface CardJson {
  type: 'AdaptiveCard';
  [property: string]: unknown;
}

export class CardRenderer {
  readonly #templates: ReadonlyMap<string, CardJson>;
  /** Parsing a template's expressions costs ~4 ms; expanding a parsed one ~0.02 ms. Parsed on first use so start-up stays fast. */
  readonly #parsed = new Map<string, ACData.Template>();

  private constructor(templates: ReadonlyMap<string, CardJson>) {
    this.#templates = templates;
  }

  /** Loads every `*.json` template of a folder once, at start-up, so a broken template stops the service instead of a conversation. */
  static load(folder = path.join(packageRoot(), 'cards')): CardRenderer {
    const templates = new Map<string, CardJson>();
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.json')).sort()) {
      const name = file.slice(0, -'.json'.length);
      try {
        const parsed: unknown = JSON.parse(readFileSync(path.join(folder, file), 'utf8'));
        if (!isObject(parsed)) throw new Error('not an AdaptiveCard');
        templates.set(name, parsed);
      } catch (error) {
        throw new AppError('card.invalid', `Card template ${file} cannot be loaded: ${(error as Error).message}`, { cause: error });
      }
    }
    return new CardRenderer(templates);
  }

  names(): string[] {
    return [...this.#templates.keys()];
  }

  /**
   * The expanded card JSON. Data values are inserted as text: templating never evaluates them as expressions,
   * and every string is markdown-escaped (a team called "[Verify here](https://…)" must not become a link),
   * unless it is wrapped in TrustedMarkdown.
   */
  render(name: string, data: Record<string, unknown>): CardJson {
    const personTexts: string[] = [];
    const expanded: unknown = this.#template(name).expand({ $root: escapeData(data, personTexts) });
    if (!isObject(expanded)) throw new AppError('card.invalid', `Card template ${name} expanded to nothing`);
    const misplaced = personTexts.length > 0 ? misplacedPersonText(expanded, personTexts) : undefined;
    if (misplaced !== undefined) throw new AppError('card.invalid', `Card template ${name} shows a person's own words outside a TextRun (in "${misplaced.slice(0, 40)}")`);
    return expanded;
  }

  #template(name: string): ACData.Template {
    let parsed = this.#parsed.get(name);
    if (!parsed) {
      const template = this.#templates.get(name);
      if (!template) throw new AppError('card.invalid', `No card template named ${name}`);
      parsed = new ACData.Template(template);
      this.#parsed.set(name, parsed);
    }
    return parsed;
  }

  attachment(name: string, data: Record<string, unknown>): Attachment {
    return CardFactory.adaptiveCard(this.render(name, data));
  }
}

function escapeData(value: unknown, personTexts: string[]): unknown {
  if (value instanceof TrustedMarkdown) return value.text;
  if (value instanceof PersonText) {
    const text = visibleText(value.text);
    personTexts.push(text);
    return text;
  }
  if (typeof value === 'string') return escapeMarkdown(visibleText(value));
  if (Array.isArray(value)) return value.map((item) => escapeData(item, personTexts));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeData(item, personTexts)]));
  return value;
}

/** The first string outside a TextRun that carries a person's words unescaped, if any. */
function misplacedPersonText(node: unknown, personTexts: readonly string[]): string | undefined {
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = misplacedPersonText(item, personTexts);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (typeof node !== 'object' || node === null) return undefined;
  const isTextRun = (node as { type?: unknown }).type === 'TextRun';
  for (const [key, value] of Object.entries(node)) {
    if (typeof value === 'string') {
      if (isTextRun && key === 'text') continue;
      // Words that escaping would not change cannot render as markdown anywhere; only the others are misplaced.
      if (personTexts.some((text) => text !== '' && escapeMarkdown(text) !== text && value.includes(text))) return value;
    } else {
      const found = misplacedPersonText(value, personTexts);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function isObject(value: unknown): value is CardJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { type?: unknown }).type === 'AdaptiveCard';
}

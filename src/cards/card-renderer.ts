// Expands the Adaptive Card templates in cards/ with data: card layouts are content, not code.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';
import { AppError } from '../errors/app-error.js';
import { packageRoot } from '../shared/package-root.js';

/** Text a template may show as markdown: only for content we wrote (catalog answers), never for names people chose. */
export class TrustedMarkdown {
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
    const expanded: unknown = this.#template(name).expand({ $root: escapeData(data) });
    if (!isObject(expanded)) throw new AppError('card.invalid', `Card template ${name} expanded to nothing`);
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

function escapeData(value: unknown): unknown {
  if (value instanceof TrustedMarkdown) return value.text;
  if (typeof value === 'string') return escapeMarkdown(value);
  if (Array.isArray(value)) return value.map(escapeData);
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, escapeData(item)]));
  return value;
}

function isObject(value: unknown): value is CardJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { type?: unknown }).type === 'AdaptiveCard';
}

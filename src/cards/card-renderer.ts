// Expands the Adaptive Card templates in cards/ with data: card layouts are content, not code.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';
import { AppError } from '../errors/app-error.js';
import { packageRoot } from '../shared/package-root.js';

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

  /** The expanded card JSON. Data values are inserted as text: templating never evaluates user input as an expression. */
  render(name: string, data: Record<string, unknown>): CardJson {
    const expanded: unknown = this.#template(name).expand({ $root: data });
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

function isObject(value: unknown): value is CardJson {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && (value as { type?: unknown }).type === 'AdaptiveCard';
}

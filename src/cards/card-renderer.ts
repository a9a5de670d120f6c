// Expands the Adaptive Card templates in cards/ with data: card layouts are content, not code.

import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as ACData from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';
import { AppError } from '../errors/app-error.js';
import { packageRoot } from '../shared/package-root.js';
import { DEFAULT_LOCALE, Strings } from '../shared/strings.js';
import { visibleText } from '../shared/visible-text.js';
import { setBounded } from '../shared/bounded-map.js';

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
  /**
   * Cards already rendered, as JSON, by template, language and data: most cards a coach sends are the same card again
   * (the help card of a language, an intent's answer), and expanding a template is most of a card's cost. Each caller
   * gets its own copy (a card is often changed after rendering). Least recently used first out.
   */
  /** Cards rendered lately, frozen: the same data gives the very same card, shared by every turn that asks. */
  readonly #rendered = new Map<string, CardJson>();

  readonly #strings: Strings;
  /** Each template's string keys (English has every key; a test checks the other languages have them too). */
  readonly #cardKeys = new Map<string, string[]>();

  private constructor(templates: ReadonlyMap<string, CardJson>, strings: Strings) {
    this.#templates = templates;
    this.#strings = strings;
  }

  /** Loads every `*.json` template of a folder once, at start-up, so a broken template stops the service instead of a conversation. */
  static load(folder = path.join(packageRoot(), 'cards'), strings = new Strings()): CardRenderer {
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
    return new CardRenderer(templates, strings);
  }

  names(): string[] {
    return [...this.#templates.keys()];
  }

  /**
   * The expanded card JSON. Data values are inserted as text: templating never evaluates them as expressions,
   * and every string is markdown-escaped (a team called "[Verify here](https://…)" must not become a link),
   * unless it is wrapped in TrustedMarkdown.
   */
  render(name: string, data: Record<string, unknown>, locale = DEFAULT_LOCALE): CardJson {
    const key = renderKey(name, locale, data);
    const hit = this.#rendered.get(key);
    if (hit !== undefined) {
      setBounded(this.#rendered, key, hit, RENDERED_CARDS_KEPT);
      return hit;
    }
    // Frozen, so a caller that would change a card others share fails at once (in every test) instead of later.
    const card = deepFreeze(this.#expand(name, data, locale));
    setBounded(this.#rendered, key, card, RENDERED_CARDS_KEPT);
    return card;
  }

  #expand(name: string, data: Record<string, unknown>, locale: string): CardJson {
    const personTexts: string[] = [];
    const escaped = escapeData(data, personTexts) as Record<string, unknown>;
    const expanded: unknown = this.#template(name, locale).expand({ $root: { ...escaped, t: this.#cardText(name, locale, escaped) } });
    if (!isObject(expanded)) throw new AppError('card.invalid', `Card template ${name} expanded to nothing`);
    const misplaced = personTexts.length > 0 ? misplacedPersonText(expanded, personTexts) : undefined;
    if (misplaced !== undefined) throw new AppError('card.invalid', `Card template ${name} shows a person's own words outside a TextRun (in "${misplaced.slice(0, 40)}")`);
    return expanded;
  }

  /**
   * The template of a card in a language, parsed once: its words that take no value from the data are written in
   * (an expression per word, evaluated at every render, was most of a card's cost); the others stay `${t.…}`.
   */
  #template(name: string, locale: string): ACData.Template {
    const cacheKey = `${name}\n${locale}`;
    let parsed = this.#parsed.get(cacheKey);
    if (!parsed) {
      const template = this.#templates.get(name);
      if (!template) throw new AppError('card.invalid', `No card template named ${name}`);
      parsed = new ACData.Template(this.#withFixedWords(template, name, locale));
      this.#parsed.set(cacheKey, parsed);
    }
    return parsed;
  }

  /** `template` with every `${t.key}` whose text has no `{param}` (and no `${`) replaced by that text. */
  #withFixedWords(template: CardJson, name: string, locale: string): CardJson {
    const prefix = `cards.${name}.`;
    const fixed = (key: string): string | undefined => {
      const entry = this.#strings.entry(locale, prefix + key) ?? this.#strings.entry(DEFAULT_LOCALE, prefix + key);
      return typeof entry === 'string' && !/\{\w+\}/.test(entry) && !entry.includes('${') ? entry : undefined;
    };
    const walk = (node: unknown): unknown => {
      if (typeof node === 'string') return node.replace(/\$\{t\.([\w.]+)\}/g, (whole, key: string) => fixed(key) ?? whole);
      if (Array.isArray(node)) return node.map(walk);
      if (isObject(node)) return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, walk(value)]));
      return node;
    };
    return walk(template) as CardJson;
  }

  attachment(name: string, data: Record<string, unknown>, locale = DEFAULT_LOCALE): Attachment {
    return CardFactory.adaptiveCard(this.render(name, data, locale));
  }

  /** The card's own words (`cards.<name>.*` in the strings), with `{name}` filled from its (escaped) data: `${t.title}` in the template. */
  #cardText(name: string, locale: string, data: Record<string, unknown>): Record<string, unknown> {
    const prefix = `cards.${name}.`;
    const params = Object.fromEntries(Object.entries(data).filter((entry): entry is [string, string | number] => typeof entry[1] === 'string' || typeof entry[1] === 'number'));
    const text: Record<string, unknown> = {};
    let keys = this.#cardKeys.get(name);
    if (!keys) {
      keys = this.#strings.keys(DEFAULT_LOCALE).filter((key) => key.startsWith(prefix));
      this.#cardKeys.set(name, keys);
    }
    for (const key of keys) {
      const path = key.slice(prefix.length).split('.');
      let node = text;
      for (const part of path.slice(0, -1)) {
        node[part] ??= {};
        node = node[part] as Record<string, unknown>;
      }
      node[path[path.length - 1] as string] = this.#strings.text(locale, key, params);
    }
    return text;
  }

  /** The language the strings have for a tag (see Strings.supported). */
  get strings(): Strings {
    return this.#strings;
  }
}

/** Cards kept rendered: a few per template and language, a small fraction of the memory the models take. */
const RENDERED_CARDS_KEPT = 500;

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * What a rendering depends on. A TrustedMarkdown or PersonText renders differently from the same words as plain text,
 * and any other object that is not plain data (a Date) is told apart by its kind.
 */
function renderKey(name: string, locale: string, data: Record<string, unknown>): string {
  const tagged = JSON.stringify(data, function (this: Record<string, unknown>, key: string, value: unknown) {
    const raw = key === '' ? value : this[key];
    if (raw instanceof TrustedMarkdown) return { $trusted: raw.text };
    if (raw instanceof PersonText) return { $person: raw.text };
    if (typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.getPrototypeOf(raw) !== Object.prototype && Object.getPrototypeOf(raw) !== null) return { $kind: raw.constructor?.name, value };
    return value;
  });
  return `${name}\n${locale}\n${tagged}`;
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

// The privacy notice and terms of use the app package links to (/privacy, /terms): the organisation's own pages when
// it supplied them (PRIVACY_PAGE_FILE, TERMS_PAGE_FILE), else the coach's, in the reader's language and stating this
// deployment's facts (how long concerns are kept, whether words are).

import { readFileSync } from 'node:fs';
import { AppError } from '../errors/app-error.js';
import { organisationIn, type Strings } from '../shared/strings.js';

export type LegalPage = 'privacy' | 'terms';

export interface LegalFacts {
  organisationName?: string;
  retentionDays: number;
  keepObjectionText: boolean;
  /** How long a conversation's state outlives its last message. */
  dialogDays: number;
}

export interface LegalPageFiles {
  privacy?: string;
  terms?: string;
}

export class LegalPages {
  /** The organisation's own pages, read once at start: a path that cannot be read stops the start, not a visitor. */
  readonly #own: Partial<Record<LegalPage, string>> = {};

  constructor(
    private readonly strings: Strings,
    private readonly facts: LegalFacts,
    files: LegalPageFiles = {},
  ) {
    for (const page of ['privacy', 'terms'] as const) {
      const file = files[page];
      if (!file) continue;
      try {
        this.#own[page] = readFileSync(file, 'utf8');
      } catch (error) {
        const setting = page === 'privacy' ? 'PRIVACY_PAGE_FILE' : 'TERMS_PAGE_FILE';
        throw new AppError('config.invalid', `${setting} cannot be read (${file}): ${(error as NodeJS.ErrnoException).code ?? String(error)}. Point it at a readable HTML file, or unset it to serve the coach's own page.`, { userFault: true });
      }
    }
  }

  /** The page as HTML, and the language it is in (the organisation's own page: as written). */
  render(page: LegalPage, languageTag: string | undefined): { html: string; language?: string } {
    const own = this.#own[page];
    if (own !== undefined) return { html: own };
    const locale = this.strings.supported(languageTag);
    const say = (key: string, params: Record<string, string | number> = {}) => escapeHtml(this.strings.text(locale, `legal.${page}.${key}`, { organisation: organisationIn(this.strings, locale, this.facts.organisationName), ...params }));
    const sections =
      page === 'privacy'
        ? [
            paragraph(say('intro')),
            section(say('readsTitle'), paragraph(say('reads'))),
            section(
              say('keepsTitle'),
              list([
                say('keepsCampaign'),
                say(this.facts.keepObjectionText ? 'keepsConcernsWords' : 'keepsConcerns', { days: this.facts.retentionDays }),
                say('keepsConversation', { dialogDays: this.facts.dialogDays }),
              ]),
            ),
            section(say('neverTitle'), paragraph(say('never'))),
            section(say('whoTitle'), paragraph(say('who'))),
            section(say('whereTitle'), paragraph(say('where'))),
            paragraph(say('contact')),
          ]
        : [paragraph(say('purpose')), paragraph(say('advice')), paragraph(say('passes')), paragraph(say('changes'))];
    const title = say('title');
    const html = `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#242424}h1{font-size:1.5rem}h2{font-size:1.1rem;margin-top:1.5rem}</style>
</head>
<body>
<main>
<h1>${title}</h1>
${sections.join('\n')}
</main>
</body>
</html>
`;
    return { html, language: locale };
  }
}

const paragraph = (text: string) => `<p>${text}</p>`;
const section = (title: string, body: string) => `<h2>${title}</h2>\n${body}`;
const list = (items: string[]) => `<ul>${items.map((item) => `<li>${item}</li>`).join('')}</ul>`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

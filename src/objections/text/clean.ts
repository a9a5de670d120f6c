// Text clean-up before any model: markup, links, emoji and control characters go; the cheap refusals that need no
// model (nothing to read, too long, not in a Latin script) are decided here. The same for every language.

/** Text longer than this (raw, or after clean-up) is not one question: it goes to the not-understood fallback. */
export const MAX_RAW_CHARS = 4000;
export const MAX_TEXT_CHARS = 1000;
/** Longer messages are classified on their first this-many characters. */
export const CLASSIFIED_CHARS = 500;

/** Why the text was refused before any model read it. */
export type Refusal = 'empty' | 'too-long' | 'other-script';

export type PreparedInput = { refused: Refusal; text?: undefined } | { refused?: undefined; text: string };

/** Clean-up, then the cheap refusals: nothing to read, too long, or mostly not in a Latin script. */
export function prepareInput(raw: string): PreparedInput {
  if (raw.length > MAX_RAW_CHARS) return { refused: 'too-long' };
  const text = cleanText(raw);
  if (text.length > MAX_TEXT_CHARS) return { refused: 'too-long' };
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return { refused: 'empty' };
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  if (latin / letters < 0.5) return { refused: 'other-script' };
  return { text: cutAtWord(text, CLASSIFIED_CHARS) };
}

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

/** NFKC, markup and emoji removed, one space between words (case is kept: the tokeniser needs it for "IT"). */
export function cleanText(raw: string): string {
  return (
    raw
      .normalize('NFKC')
      // Script and style bodies are code, not words; then any tag (bounded, so a flood of '<' stays linear).
      .replace(/<(script|style)\b[^>]{0,200}>[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<\/?[a-z!][^<>]{0,500}>/gi, ' ')
      .replace(/&(#39|[a-z]{2,6});/gi, (entity, name: string) => HTML_ENTITIES[name.toLowerCase()] ?? entity)
      // Markdown: links and images keep their text, URLs and formatting marks go.
      .replace(/!?\[([^\]]{0,300})\]\([^)]{0,500}\)/g, ' $1 ')
      .replace(/\b(?:https?|ftp|javascript|data):\S*/gi, ' ')
      .replace(/[*_~`#>|\\]+/g, ' ')
      .replace(/\p{Extended_Pictographic}|\p{Emoji_Modifier}|\p{Regional_Indicator}|\u{FE0F}|\u{FE0E}|\u{200D}|\u{20E3}/gu, ' ')
      .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu, ' ')
      .replace(/[\u2018\u2019\u02BC`´]/g, "'")
      .replace(/\s+/g, ' ')
      .trim()
  );
}

function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return space > max * 0.8 ? cut.slice(0, space) : cut;
}

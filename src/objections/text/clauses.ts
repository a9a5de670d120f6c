// A message cut into clauses, to find a second concern ("can they see my photos, and do I get paid for this?").
// Cuts at sentence ends, semicolons, and the language's joining words (catalog/<locale>/language/words.json).

const MIN_CLAUSE_CHARS = 8;

export function splitClauses(text: string, breaks: readonly string[]): string[] {
  const words = breaks.map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).sort((a, b) => b.length - a.length);
  const joiners = words.length > 0 ? new RegExp(`(?:^|,?\\s+)(?:${words.join('|')})\\s+`, 'giu') : undefined;
  return text
    .split(/(?<=[.!?;])\s+|\s*[;]\s*/u)
    .flatMap((sentence) => (joiners ? sentence.split(joiners) : [sentence]))
    .map((clause) => clause.trim())
    .filter((clause) => clause.length >= MIN_CLAUSE_CHARS);
}

// The word memos of the understanding (stems, word-vector rows, related words): the same few thousand words come back
// in every example and message, so each answer is computed once. A memo fills up to its size and then stays as it is
// (no eviction on the hot path), and keeps only words of real length: a message may hold a thousand-letter "word".

/** Longer words are computed every time, not remembered (no language's real words come near this length). */
export const MEMO_WORD_LENGTH = 40;

/** Remembers `value` for `word` while the memo holds fewer than `size` words, if the word is of real length. */
export function rememberWord<V>(memo: Map<string, V>, word: string, value: V, size: number): void {
  if (memo.size < size && word.length <= MEMO_WORD_LENGTH) memo.set(word, value);
}

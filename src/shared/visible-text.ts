// Text a person typed, shown to someone else, says only what it shows: direction overrides (Bidi_Control) and
// invisible characters (Default_Ignorable_Code_Point: zero-width spaces and joiners, tag characters, variation
// selectors) are removed, and so are control characters other than tab and line breaks. "Approve" written with a
// right-to-left override can otherwise read as a different word on an approver's card.

const HIDDEN = /[\p{Bidi_Control}\p{Default_Ignorable_Code_Point}\p{Cc}]/gu;
const KEPT_CONTROLS: ReadonlySet<string> = new Set(['\t', '\n', '\r']);

export function visibleText(text: string): string {
  return text.replace(HIDDEN, (char) => (KEPT_CONTROLS.has(char) ? char : ''));
}

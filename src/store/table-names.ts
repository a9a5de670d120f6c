// Names as Azure Table keys: any text the store port allows, written in characters Table keys accept, in an order-
// and prefix-preserving code. Table keys may not hold / \ # ? or control characters and order by UTF-16 code unit,
// while the port allows any text and orders by code point (as SQLite does): in this code a list in key order, and a
// key-prefix query, mean the same on both adapters.

import { malformed } from './store-checks.js';

/** Code points below this are written shifted by SHIFT as one character; from here on, as three. */
const SINGLE_LIMIT = 0xd800 - 0xa0;
const SHIFT = 0xa0;
/**
 * First unit of a three-character code: U+F900 to U+F910, assigned characters (CJK compatibility ideographs; Azure
 * refuses private-use characters in names sent in URLs), above every one-character code.
 */
const LEAD = 0xf900;
/** Sorts after every encoded name: the bound of a key-prefix range. */
export const AFTER_EVERY_CODE = String.fromCharCode(LEAD + 0x11);
/** Azure Table keys hold at most 1 KiB: 512 UTF-16 units. */
const MAX_ENCODED_LENGTH = 512;

/**
 * Writes a name in characters Azure Table keys allow (none of / \ # ? or the control characters, which all lie below
 * U+00A0), so that encoded names compare by UTF-16 unit (as the service does) exactly as the names compare by code
 * point (as SQLite does), a name's prefix encodes to a prefix of its code, and a name keeps its length (Azurite
 * accepts 512 characters, the port's limit):
 * - code points below U+D760: one character, the code point plus U+00A0 (so U+00A0 to U+D7FF);
 * - the rest (U+D760 up; the port refuses lone surrogates): three characters, the first from U+F900.
 * Every code of the second kind sorts after every code of the first, and within each kind codes follow the code points.
 */
export function encodeName(name: string): string {
  const out = encodeUnchecked(name);
  // Characters from U+D760 up (emoji, fullwidth forms) take three units: such a name can outgrow Azure's key limit.
  if (out.length > MAX_ENCODED_LENGTH) throw malformed(`The name is too long for an Azure Table key once encoded (${out.length} of at most ${MAX_ENCODED_LENGTH} units); use fewer characters beyond U+D760`);
  return out;
}

function encodeUnchecked(name: string): string {
  let out = '';
  for (const char of name) {
    const cp = char.codePointAt(0) ?? 0;
    out += cp < SINGLE_LIMIT ? String.fromCharCode(cp + SHIFT) : String.fromCharCode(LEAD + (cp >> 16), SHIFT + ((cp >> 8) & 0xff), SHIFT + (cp & 0xff));
  }
  return out;
}

export function decodeName(encoded: string): string {
  let out = '';
  for (let index = 0; index < encoded.length; ) {
    const unit = encoded.charCodeAt(index);
    if (unit < 0xd800) {
      out += String.fromCodePoint(unit - SHIFT);
      index += 1;
    } else {
      out += String.fromCodePoint(((unit - LEAD) << 16) | ((encoded.charCodeAt(index + 1) - SHIFT) << 8) | (encoded.charCodeAt(index + 2) - SHIFT));
      index += 3;
    }
  }
  return out;
}

// Entra object ids, app ids and tenant ids are GUIDs; a value in another shape names nobody.

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A GUID in either case (Entra writes them in lower case; people paste them in any). */
export function isGuid(value: string): boolean {
  return GUID_PATTERN.test(value);
}

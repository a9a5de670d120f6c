// Which IANA zone a mailbox's time zone name (Windows or IANA) stands for, from Unicode's CLDR data.

import bcp47TimeZones from 'cldr-bcp47/bcp47/timezone.json' with { type: 'json' };
import windowsZones from 'cldr-core/supplemental/windowsZones.json' with { type: 'json' };
import { z } from 'zod';

/** CLDR's own JSON, shipped in the cldr-core and cldr-bcp47 packages: checked once, so a changed shape fails loudly. */
const windowsZonesSchema = z.object({
  supplemental: z.object({
    windowsZones: z.object({
      mapTimezones: z.array(z.object({ mapZone: z.object({ _other: z.string(), _type: z.string(), _territory: z.string() }) })),
    }),
  }),
});
const bcp47ZoneSchema = z.object({ _alias: z.string().optional(), _iana: z.string().optional() });

/**
 * Exchange mailbox settings mostly hold Windows ids, which Windows has retired now and then. CLDR
 * drops a retired id, but old mailboxes keep it; these name the zone it stood for.
 */
const RETIRED_WINDOWS_ZONES: Readonly<Record<string, string>> = {
  'Mid-Atlantic Standard Time': 'Etc/GMT+2',
  'Kamchatka Standard Time': 'Asia/Kamchatka',
};

/**
 * Windows time zone id → IANA zone: CLDR's windowsZones, the territory "001" (default) row of every
 * id, under the zone's current IANA name where CLDR keeps an older one as its own (Asia/Calcutta →
 * Asia/Kolkata), plus the retired ids above.
 */
export const WINDOWS_TIME_ZONES: Readonly<Record<string, string>> = buildWindowsTable();

function buildWindowsTable(): Record<string, string> {
  const currentName = currentIanaNames();
  const table: Record<string, string> = { ...RETIRED_WINDOWS_ZONES };
  for (const { mapZone } of windowsZonesSchema.parse(windowsZones).supplemental.windowsZones.mapTimezones) {
    if (mapZone._territory !== '001') continue;
    table[mapZone._other] = currentName.get(mapZone._type) ?? mapZone._type;
  }
  return table;
}

/** CLDR's stable zone name (its first alias) → the name IANA uses today, where they differ. */
function currentIanaNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const [key, entry] of Object.entries(bcp47TimeZones.keyword.u.tz)) {
    // The keyword's own description and alias sit beside the zones, as plain strings.
    if (key.startsWith('_')) continue;
    const zone = bcp47ZoneSchema.parse(entry);
    const stable = zone._alias?.split(' ')[0];
    if (stable !== undefined && zone._iana !== undefined && zone._iana !== stable) names.set(stable, zone._iana);
  }
  return names;
}

const IANA_BY_WINDOWS_NAME = new Map(Object.entries(WINDOWS_TIME_ZONES).map(([windows, iana]) => [windows.toLowerCase(), iana]));

/** Names resolved so far: every person's mailbox zone goes through here, and building an Intl formatter to validate one is slow. */
const resolvedNames = new Map<string, string | undefined>();
const RESOLVED_NAMES_LIMIT = 2_000;

/**
 * The IANA zone to schedule someone in: their mailbox's zone (a Windows or IANA name) when this
 * runtime knows it, else the tenant's fallback (also Windows or IANA), else UTC.
 */
export function resolveTimeZone(name: string | undefined, fallback: string): string {
  return zoneFromName(name) ?? zoneFromName(fallback) ?? 'UTC';
}

/** Whether a configured or mailbox zone name (Windows or IANA) names a zone this runtime knows. */
export function isKnownTimeZone(name: string): boolean {
  return zoneFromName(name) !== undefined;
}

function zoneFromName(name: string | undefined): string | undefined {
  const trimmed = name?.trim();
  if (!trimmed) return undefined;
  // Keyed as written, not lower-cased: an IANA alias keeps the spelling it was asked in (see validIanaZone).
  if (resolvedNames.has(trimmed)) return resolvedNames.get(trimmed);
  const zone = validIanaZone(IANA_BY_WINDOWS_NAME.get(trimmed.toLowerCase()) ?? trimmed);
  // Mailbox settings are free text, so unknown names are unbounded: forget them all rather than grow.
  if (resolvedNames.size >= RESOLVED_NAMES_LIMIT) resolvedNames.clear();
  resolvedNames.set(trimmed, zone);
  return zone;
}

function validIanaZone(name: string): string | undefined {
  try {
    const reported = new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
    // Intl reports some zones under an older alias (Asia/Kolkata as Asia/Calcutta); keep the name
    // asked for, in Intl's spelling only when it is the same name in other letter case.
    return reported.toLowerCase() === name.toLowerCase() ? reported : name;
  } catch (error) {
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

// Which IANA zone a mailbox's time zone name (Windows or IANA) stands for, from Unicode's CLDR data.

import bcp47TimeZones from 'cldr-bcp47/bcp47/timezone.json' with { type: 'json' };
import windowsZones from 'cldr-core/supplemental/windowsZones.json' with { type: 'json' };
import { AppError } from '../errors/app-error.js';

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
  for (const row of windowsZones.supplemental.windowsZones.mapTimezones) {
    const { _other: windows, _type: iana, _territory: territory } = row.mapZone;
    // Checked by hand, not with a schema: this runs at every start, and a zod parse of CLDR's rows costs tens of ms.
    if (typeof windows !== 'string' || typeof iana !== 'string' || typeof territory !== 'string') throw unexpectedShape('cldr-core', row);
    if (territory !== '001') continue;
    table[windows] = currentName.get(iana) ?? iana;
  }
  return table;
}

/** CLDR's stable zone name (its first alias) → the name IANA uses today, where they differ. */
function currentIanaNames(): Map<string, string> {
  const names = new Map<string, string>();
  for (const [key, entry] of Object.entries(bcp47TimeZones.keyword.u.tz)) {
    // The keyword's own description and alias sit beside the zones, as plain strings.
    if (key.startsWith('_') || typeof entry !== 'object') continue;
    const { _alias: aliases, _iana: current } = entry as { _alias?: unknown; _iana?: unknown };
    if ((aliases !== undefined && typeof aliases !== 'string') || (current !== undefined && typeof current !== 'string')) throw unexpectedShape('cldr-bcp47', entry);
    const stable = aliases?.split(' ')[0];
    if (stable !== undefined && current !== undefined && current !== stable) names.set(stable, current);
  }
  return names;
}

function unexpectedShape(pkg: string, entry: unknown): AppError {
  return new AppError('internal', `${pkg} holds time zone data in a shape this code does not know (${JSON.stringify(entry).slice(0, 120)}); check the package's version`);
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

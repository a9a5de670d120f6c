// Who may change people's profile photos, and what `check-config` says about it. Verified ID's Face Check compares the
// face in the camera with the photo in the person's VerifiedEmployee credential, which comes from their Entra profile
// photo: if people may replace their own photo, an impostor who took over an account can put their own face there
// first, and the check proves little. Graph has the setting in beta only (GET /admin/people/photoUpdateSettings).

import { z } from 'zod';

export const PHOTO_UPDATE_SETTINGS_PATH = '/admin/people/photoUpdateSettings';

export const photoUpdateSettingsSchema = z
  .object({
    /** cloud: photos are changed in Microsoft 365; onPremises: they come from the on-premises directory. */
    source: z.string().nullable().optional(),
    /** Roles (template ids) that may change photos in the cloud; empty: everyone may change their own. */
    allowedRoles: z.array(z.string()).nullable().optional(),
  })
  .passthrough();
export type PhotoUpdateSettings = z.infer<typeof photoUpdateSettingsSchema>;

/** The warning, when people may change their own photo; none when only roles (or on-premises) can. */
export function photoSettingsWarnings(settings: PhotoUpdateSettings): string[] {
  const source = settings.source ?? 'cloud';
  if (source !== 'cloud') return [];
  if ((settings.allowedRoles ?? []).length > 0) return [];
  return [
    "Verified ID's Face Check compares a face with the person's profile photo, and this tenant lets people change their own photo: an impostor in an account could replace it first. Restrict photo changes to administrators (Graph beta: PATCH /admin/people/photoUpdateSettings with allowedRoles, or the Microsoft 365 admin center's profile photo settings).",
  ];
}

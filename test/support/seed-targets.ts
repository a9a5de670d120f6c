// Who a campaign over the demo tenant should target, worked out from the seed here (not with the product's code).

import type { TenantSeed, SeedUser } from '../../src/dev/tenant-seed.js';

const STRONG = new Set(['passKeyDeviceBound', 'passKeyDeviceBoundAuthenticator', 'passKeyDeviceBoundWindowsHello', 'passKeySynced', 'fido2SecurityKey', 'windowsHelloForBusiness']);

/** Enabled, licensed member people with no passkey, outside the excluded groups and the break-glass accounts. */
export function expectedTargets(seed: TenantSeed): SeedUser[] {
  const excluded = new Set(seed.groups.filter((group) => group.role === 'excluded').flatMap((group) => group.members));
  return seed.users.filter(
    (user) =>
      user.accountKind === 'person' &&
      user.userType !== 'Guest' &&
      user.accountEnabled &&
      user.teamsLicensed &&
      !seed.breakGlassUserIds.includes(user.id) &&
      !excluded.has(user.id) &&
      !user.methods.some((method) => STRONG.has(method.kind)),
  );
}

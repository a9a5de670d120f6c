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

/** A group's people with nested groups expanded, worked out from the seed (not with the product's code). */
export function transitiveMembers(seed: TenantSeed, groupId: string, seen = new Set<string>()): Set<string> {
  const members = new Set<string>();
  if (seen.has(groupId)) return members;
  seen.add(groupId);
  for (const member of seed.groups.find((group) => group.id === groupId)?.members ?? []) {
    if (seed.groups.some((group) => group.id === member)) for (const nested of transitiveMembers(seed, member, seen)) members.add(nested);
    else members.add(member);
  }
  return members;
}

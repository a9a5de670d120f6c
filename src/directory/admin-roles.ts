// The admin roles a person holds or can take up: their own, and those of the role-assignable groups they are in or
// may join through PIM for Groups, tenant-wide or for an administrative unit. Graph v1.0 has no transitive role read
// (transitiveRoleAssignments is beta, and active roles only), so it is put together from the memberships and each
// group's own roles. Role-assignable groups cannot contain groups: one level of membership is all there is.

import { z } from 'zod';

export interface RoleSummary {
  /** Roles in force now: the person's own, or a group's they are a member of. */
  active: string[];
  /** Roles one activation away: PIM eligibilities of the person or of their groups, and any role of a group they may join. */
  eligible: string[];
}

/** One Graph GET (a path with query options, or an `@odata.nextLink`), failures already turned into AppErrors. */
export type GraphGet = (path: string, query?: Record<string, string>) => Promise<unknown>;

const pageSchema = z.object({ value: z.array(z.unknown()), '@odata.nextLink': z.string().optional() }).passthrough();
const grantSchema = z
  .object({
    principalId: z.string(),
    roleDefinitionId: z.string(),
    directoryScopeId: z.string().nullable().optional(),
    roleDefinition: z.object({ displayName: z.string() }).partial().nullable().optional(),
  })
  .passthrough();
type Grant = z.infer<typeof grantSchema>;
const groupSchema = z.object({ id: z.string(), displayName: z.string().nullable().optional(), isAssignableToRole: z.boolean().nullable().optional() }).passthrough();
const groupAccessSchema = z.object({ groupId: z.string(), principalId: z.string(), accessId: z.string() }).passthrough();

/** Values in one `in (...)` filter: Graph's directory queries take 15 at most. */
const IN_LIMIT = 15;

interface RoleGroup {
  id: string;
  name: string;
  /** `active`: a member now (directly, or by an active PIM assignment); `eligible`: may activate membership. */
  membership: 'active' | 'eligible';
}

/** Every read must answer: any failure rejects, and the caller treats the person as privileged (fail closed). */
export async function readAdminRoles(userId: string, get: GraphGet): Promise<RoleSummary> {
  const own = `principalId eq '${odataString(userId)}'`;
  const asMember = `${own} and accessId eq 'member'`;
  const [active, eligible, memberOf, pimActive, pimEligible] = await Promise.all([
    allPages(get, '/roleManagement/directory/roleAssignments', { $filter: own, $expand: 'roleDefinition' }, grantSchema),
    allPages(get, '/roleManagement/directory/roleEligibilitySchedules', { $filter: own, $expand: 'roleDefinition' }, grantSchema),
    allPages(get, `/users/${encodeURIComponent(userId)}/memberOf/microsoft.graph.group`, { $select: 'id,displayName,isAssignableToRole', $top: '999' }, groupSchema),
    allPages(get, '/identityGovernance/privilegedAccess/group/assignmentScheduleInstances', { $filter: asMember }, groupAccessSchema),
    allPages(get, '/identityGovernance/privilegedAccess/group/eligibilityScheduleInstances', { $filter: asMember }, groupAccessSchema),
  ]);
  const summary = { active: new Set(active.map((grant) => label(grant))), eligible: new Set(eligible.map((grant) => label(grant))) };
  const groups = await roleGroups(get, memberOf, pimActive, pimEligible);
  if (groups.size > 0) {
    const ids = [...groups.keys()];
    const [groupActive, groupEligible] = await Promise.all([
      Promise.all(chunks(ids, IN_LIMIT).map((part) => allPages(get, '/roleManagement/directory/roleAssignments', { $filter: `principalId in (${part.map((id) => `'${odataString(id)}'`).join(',')})`, $expand: 'roleDefinition' }, grantSchema))),
      // Eligibility instances filter on principalId with eq only: one read a group (a person is in few of them).
      Promise.all(ids.map((id) => allPages(get, '/roleManagement/directory/roleEligibilityScheduleInstances', { $filter: `principalId eq '${odataString(id)}'`, $expand: 'roleDefinition' }, grantSchema))),
    ]);
    for (const grant of groupActive.flat()) {
      const group = groups.get(grant.principalId);
      if (group) summary[group.membership === 'active' ? 'active' : 'eligible'].add(label(grant, group));
    }
    for (const grant of groupEligible.flat()) {
      const group = groups.get(grant.principalId);
      if (group) summary.eligible.add(label(grant, group));
    }
  }
  return { active: [...summary.active], eligible: [...summary.eligible] };
}

/**
 * The role-assignable groups the person is in (memberOf shows them, and an active PIM assignment makes a member) or
 * may join (a PIM eligibility). Groups known only from PIM are looked up to learn their name and whether they can
 * hold roles at all; one Graph no longer finds is kept, so its roles are still asked for.
 */
async function roleGroups(
  get: GraphGet,
  memberOf: z.infer<typeof groupSchema>[],
  pimActive: z.infer<typeof groupAccessSchema>[],
  pimEligible: z.infer<typeof groupAccessSchema>[],
): Promise<Map<string, RoleGroup>> {
  const groups = new Map<string, RoleGroup>();
  for (const group of memberOf) if (group.isAssignableToRole === true) groups.set(group.id, { id: group.id, name: group.displayName ?? group.id, membership: 'active' });
  const known = new Set(memberOf.map((group) => group.id));
  const fromPim = new Map<string, RoleGroup['membership']>();
  for (const { groupId } of pimActive) fromPim.set(groupId, 'active');
  for (const { groupId } of pimEligible) if (!fromPim.has(groupId) && !groups.has(groupId)) fromPim.set(groupId, 'eligible');
  const unknown = [...fromPim.keys()].filter((id) => !known.has(id));
  const found = new Map<string, z.infer<typeof groupSchema>>();
  for (const part of chunks(unknown, IN_LIMIT)) {
    const filter = `id in (${part.map((id) => `'${odataString(id)}'`).join(',')})`;
    for (const group of await allPages(get, '/groups', { $filter: filter, $select: 'id,displayName,isAssignableToRole' }, groupSchema)) found.set(group.id, group);
  }
  for (const [id, membership] of fromPim) {
    if (groups.get(id)?.membership === 'active') continue;
    const group = found.get(id);
    const listed = memberOf.find((candidate) => candidate.id === id);
    if (listed && listed.isAssignableToRole !== true) continue;
    if (group && group.isAssignableToRole !== true) continue;
    groups.set(id, { id, name: listed?.displayName ?? group?.displayName ?? id, membership });
  }
  return groups;
}

/** `Global Administrator`, or with where it applies and how the person comes by it: `(… through the group Tier 0)`. */
function label(grant: Grant, group?: RoleGroup): string {
  const name = grant.roleDefinition?.displayName ?? grant.roleDefinitionId;
  const scope = grant.directoryScopeId ?? '/';
  const notes: string[] = [];
  if (scope.startsWith('/administrativeUnits/')) notes.push('in an administrative unit');
  else if (scope !== '/') notes.push('for one directory object');
  if (group) notes.push(group.membership === 'active' ? `through the group ${group.name}` : `through PIM for Groups, group ${group.name}`);
  return notes.length > 0 ? `${name} (${notes.join(', ')})` : name;
}

async function allPages<T>(get: GraphGet, path: string, query: Record<string, string>, schema: z.ZodType<T, z.ZodTypeDef, unknown>): Promise<T[]> {
  const items: T[] = [];
  let page = pageSchema.parse(await get(path, query));
  for (;;) {
    items.push(...page.value.map((item) => schema.parse(item)));
    const next = page['@odata.nextLink'];
    if (!next) return items;
    page = pageSchema.parse(await get(next));
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let start = 0; start < items.length; start += size) out.push(items.slice(start, start + size));
  return out;
}

function odataString(value: string): string {
  return value.replace(/'/g, "''");
}

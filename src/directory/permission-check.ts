// What Microsoft Graph has granted the service's own identity, against every permission the code declares: the answer
// to "did the admin run the grant script, and did it take?" (`passkey-coach check-permissions`).

import type { TokenCredential } from '@azure/identity';
import type { Client } from '@microsoft/microsoft-graph-client';
import { z } from 'zod';
import { GRAPH_SCOPE } from './graph-client.js';
import { toAppError } from './graph-errors.js';
import { GRAPH_PERMISSIONS, type GraphPermission } from './graph-permissions.js';

const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';

export interface PermissionReport {
  /** The identity Graph sees: its service principal's object id and its app (client) id. */
  principal: { objectId: string; appId: string };
  /**
   * Where the grants were read: `graph`, the principal's app role assignments now; `token`, the roles in a token just
   * issued (Graph would not let the identity read its own assignments without Application.Read.All, which the coach
   * does not ask for; a grant made in the last minutes may not be in a token yet).
   */
  source: 'graph' | 'token';
  granted: GraphPermission[];
  missing: GraphPermission[];
  /** Granted beyond what the code uses (more than least privilege). */
  extra: string[];
}

const claimsSchema = z.object({ oid: z.string(), appid: z.string().optional(), azp: z.string().optional(), roles: z.array(z.string()).optional() });
const principalsSchema = z.object({ value: z.array(z.object({ id: z.string(), appRoles: z.array(z.object({ id: z.string(), value: z.string().nullable().optional() })).optional() })) });
const assignmentsSchema = z.object({ value: z.array(z.object({ appRoleId: z.string(), resourceId: z.string() })), '@odata.nextLink': z.string().optional() });

export async function checkGraphPermissions(client: Client, credential: TokenCredential): Promise<PermissionReport> {
  const token = await credential.getToken(GRAPH_SCOPE);
  if (!token) throw new Error('The Graph credential gave no token');
  const claims = claimsSchema.parse(decodePayload(token.token));
  const principal = { objectId: claims.oid, appId: claims.appid ?? claims.azp ?? '' };
  let names: string[];
  let source: PermissionReport['source'];
  try {
    names = await assignedRoles(client, principal.objectId);
    source = 'graph';
  } catch (error) {
    const failure = toAppError(error);
    if (failure.code !== 'directory.denied') throw failure;
    names = claims.roles ?? [];
    source = 'token';
  }
  const held = new Set(names);
  const needed = GRAPH_PERMISSIONS.filter((permission) => permission.type === 'Application');
  return {
    principal,
    source,
    granted: needed.filter((permission) => held.has(permission.name)),
    missing: needed.filter((permission) => !held.has(permission.name)),
    extra: names.filter((name) => !needed.some((permission) => permission.name === name)).sort(),
  };
}

/** The names of Microsoft Graph's app roles assigned to the principal. */
async function assignedRoles(client: Client, principalId: string): Promise<string[]> {
  const graph = principalsSchema.parse(await client.api('/servicePrincipals').filter(`appId eq '${GRAPH_APP_ID}'`).select('id,appRoles').get()).value[0];
  if (!graph) throw new Error("This tenant's directory has no Microsoft Graph service principal");
  const roleNames = new Map((graph.appRoles ?? []).map((role) => [role.id, role.value ?? role.id]));
  const names: string[] = [];
  let page = assignmentsSchema.parse(await client.api(`/servicePrincipals/${encodeURIComponent(principalId)}/appRoleAssignments`).top(999).get());
  for (;;) {
    for (const assignment of page.value) if (assignment.resourceId === graph.id) names.push(roleNames.get(assignment.appRoleId) ?? assignment.appRoleId);
    const next = page['@odata.nextLink'];
    if (!next) return names;
    page = assignmentsSchema.parse(await client.api(next).get());
  }
}

/** A JWT's claims, read without checking the signature: the token came from our own credential, over TLS. */
function decodePayload(jwt: string): unknown {
  const payload = jwt.split('.')[1];
  if (!payload) throw new Error('The Graph token is not a JWT');
  return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
}

/** The report as an admin reads it. */
export function describePermissionReport(report: PermissionReport): string {
  const lines = [`Microsoft Graph permissions of ${report.principal.appId || 'this identity'} (service principal ${report.principal.objectId}), read from ${report.source === 'graph' ? 'its app role assignments' : 'the roles in a token just issued (it may not read its own assignments; a grant of the last minutes may not show yet)'}:`];
  for (const permission of report.granted) lines.push(`  granted  ${permission.name}`);
  for (const permission of report.missing) lines.push(`  MISSING  ${permission.name}: ${permission.why}`);
  if (report.extra.length > 0) lines.push(`  Also granted, not used by the coach (least privilege: consider removing): ${report.extra.join(', ')}`);
  lines.push(
    report.missing.length === 0
      ? 'Every permission the coach uses is granted.'
      : `${report.missing.length} missing: run infra/grant-graph-permissions.sh ${report.principal.objectId} as an admin (README, "Deploying to a real tenant"), then check again.`,
  );
  return `${lines.join('\n')}\n`;
}

// Privileged accounts get no pass from the helpdesk: the bot's application permission could otherwise mint one for a
// Global Administrator. An account is privileged when it is a break-glass account, holds or may activate an admin
// role (however: directly, through a group, by PIM), or is in a privileged group; when Graph cannot say, it is.

import type { DirectoryUser } from '../directory/graph-shapes.js';
import type { TapContext } from './tap-context.js';

// A reason is a code, written in each reader's words by TapWords.reasons (helpdesk.privilegedReasons.*): `break-glass`,
// `role:<role names>`, `eligible:<role names>`, `privileged-group`, `roles-unchecked`, `groups-unchecked`. Role names
// stay as Entra gives them.
const ROLES_UNCHECKED = 'roles-unchecked';
const GROUPS_UNCHECKED = 'groups-unchecked';
/** Reasons that say Graph could not answer, not that the account is privileged. */
const UNCHECKED_REASONS: ReadonlySet<string> = new Set([ROLES_UNCHECKED, GROUPS_UNCHECKED]);

/** Why the account counts as privileged, as codes; empty when it does not. */
export async function privilegedReasons(tap: TapContext, target: Pick<DirectoryUser, 'id' | 'userPrincipalName'>): Promise<string[]> {
  const reasons: string[] = [];
  const ids = [target.id.toLowerCase(), (target.userPrincipalName ?? '').toLowerCase()];
  if (tap.deps.breakGlass.some((entry) => ids.includes(entry))) reasons.push('break-glass');
  const directory = tap.deps.directory;
  if (!directory) return reasons;
  // Fail closed: an account whose roles cannot be read is treated as privileged.
  try {
    const roles = await directory.directoryRoles(target.id);
    if (roles.active.length > 0) reasons.push(`role:${roles.active.join(', ')}`);
    if (roles.eligible.length > 0) reasons.push(`eligible:${roles.eligible.join(', ')}`);
  } catch (error) {
    tap.deps.logger.warn('could not read admin roles; treating the account as privileged', { error });
    reasons.push(ROLES_UNCHECKED);
  }
  if (tap.settings.privilegedGroupIds.length > 0) {
    const groups = await directory.transitiveGroupIds(target.id).catch(() => undefined);
    if (!groups) reasons.push(GROUPS_UNCHECKED);
    else if (tap.settings.privilegedGroupIds.some((id) => groups.has(id))) reasons.push('privileged-group');
  }
  return reasons;
}

/** Every reason only says Graph could not answer: nothing is decided, but nothing is created either. */
export function onlyUnchecked(reasons: readonly string[]): boolean {
  return reasons.length > 0 && reasons.every((reason) => UNCHECKED_REASONS.has(reason));
}

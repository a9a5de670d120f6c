// "Is this person in that group?" for the features that gate commands and card actions on a group (campaign admins,
// the helpdesk, pass approvers): transitive membership from the directory, kept for a minute per person so a burst
// of clicks costs one Graph call, and false whenever it cannot be read (fail closed).

import { isAppError } from '../errors/app-error.js';
import type { Logger } from '../logging/logger.js';
import type { Directory } from './directory-port.js';
import { setBounded } from '../shared/bounded-map.js';

const CACHE_MS = 60_000;
/** People remembered at once; the oldest go first. */
const MAX_PEOPLE = 10_000;

export class GroupMembership {
  readonly #groupsOf = new Map<string, { at: number; ids: Set<string> }>();

  constructor(
    private readonly directory: Directory | undefined,
    private readonly logger: Logger,
  ) {}

  /** False without a group or a directory, and when Graph cannot say; `what` names the refused action in the log. */
  async isMember(userId: string, groupId: string | undefined, what: string): Promise<boolean> {
    if (!groupId || !this.directory) return false;
    const cached = this.#groupsOf.get(userId);
    if (cached && Date.now() - cached.at < CACHE_MS) return cached.ids.has(groupId);
    try {
      const ids = await this.directory.transitiveGroupIds(userId);
      setBounded(this.#groupsOf, userId, { at: Date.now(), ids }, MAX_PEOPLE);
      return ids.has(groupId);
    } catch (error) {
      // Someone Entra does not know is in no group: an answer, kept like any other (every help card asks whether the
      // person reads the digest, and a burst from an unknown sender must not become a burst of Graph calls and warnings).
      if (isAppError(error, 'directory.not-found')) {
        setBounded(this.#groupsOf, userId, { at: Date.now(), ids: new Set() }, MAX_PEOPLE);
        return false;
      }
      this.logger.warn(`could not read group membership; refusing ${what}`, { error });
      return false;
    }
  }
}

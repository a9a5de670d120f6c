// Names for the people the tab would otherwise show as ids: an audit entry keeps a person's object id (their name
// sits outside the chain, or was never written), and the directory knows what they are called. Read in Graph $batch
// calls, and kept for a while, so a page reloaded in a loop does not read the directory again.

import type { Directory } from '../directory/directory-port.js';
import type { Logger } from '../logging/logger.js';

const KEEP_MS = 10 * 60_000;
const MAX_KEPT = 5_000;

export class PeopleNames {
  readonly #known = new Map<string, { name: string | undefined; at: number }>();

  constructor(
    private readonly directory: Directory | undefined,
    private readonly logger: Logger,
  ) {}

  /** The names the directory has for these ids; an id it cannot name (left, or Graph not answering) is absent. */
  async of(ids: Iterable<string>, now = Date.now()): Promise<Map<string, string>> {
    const wanted = [...new Set(ids)];
    const missing = wanted.filter((id) => {
      const known = this.#known.get(id);
      return !known || now - known.at >= KEEP_MS;
    });
    if (missing.length > 0 && this.directory) {
      try {
        const users = await this.directory.getUsers(missing);
        if (this.#known.size + missing.length > MAX_KEPT) this.#known.clear();
        for (const id of missing) this.#known.set(id, { name: users.get(id)?.displayName ?? undefined, at: now });
      } catch (error) {
        // The view still shows, with ids where names would be.
        this.logger.warn('could not read names for the tab; showing ids', { error, count: missing.length });
      }
    }
    const names = new Map<string, string>();
    for (const id of wanted) {
      const name = this.#known.get(id)?.name;
      if (name) names.set(id, name);
    }
    return names;
  }
}

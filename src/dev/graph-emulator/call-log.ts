// The Graph requests the emulator answered: method, path, query, status and time. Never headers or bodies,
// so no token or Temporary Access Pass can end up here.

export interface GraphCall {
  method: string;
  /** Path without the query, e.g. `/v1.0/users/{id}/authentication/methods`. */
  path: string;
  /** The decoded query, e.g. `$top=5&$filter=accountEnabled eq true` (Graph takes no secrets in the URL). */
  query: string;
  status: number;
  /** ISO time on the emulator's clock. */
  time: string;
  /** The calling app's client id, when its token was valid. */
  appId?: string;
  requestId: string;
  /** Set on the requests inside a `$batch`: the id the caller gave that request. */
  batchRequestId?: string;
}

export interface CallFilter {
  method?: string;
  path?: string | RegExp;
  status?: number;
}

export class CallLog {
  private calls: GraphCall[] = [];

  record(call: GraphCall): void {
    this.calls.push(call);
  }

  list(filter: CallFilter = {}): GraphCall[] {
    return this.calls.filter((call) => {
      if (filter.method && call.method !== filter.method.toUpperCase()) return false;
      if (filter.status !== undefined && call.status !== filter.status) return false;
      if (typeof filter.path === 'string' && call.path.toLowerCase() !== filter.path.toLowerCase()) return false;
      if (filter.path instanceof RegExp) {
        filter.path.lastIndex = 0;
        if (!filter.path.test(call.path)) return false;
      }
      return true;
    });
  }

  clear(): void {
    this.calls = [];
  }
}

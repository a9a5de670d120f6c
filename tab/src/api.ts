// The tab's API client: every call carries the Teams SSO token; the server checks it and decides what we may see.
// Every call also says the reader's language, so what the server words (figures, states, messages) matches the page.

import type { ActionResult, AuditView, Escalations, Leadership, Me, Progress, TabPassQueue, TeamNudgeRequest, TeamView } from '../../src/tab/api-contract';
import { currentLanguage, t } from './words';

export type { AuditParty, Leadership, Me, PassSummary, Progress, TabRole as Role, TeamMember, TeamView } from '../../src/tab/api-contract';
export type AuditVerification = AuditView['verification'];
export type AuditEntry = AuditView['entries'][number];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export class Api {
  constructor(private readonly token: () => Promise<string>) {}

  me = () => this.#json<Me>('GET', 'me');
  progress = () => this.#json<Progress>('GET', 'progress');
  escalations = () => this.#json<Escalations>('GET', 'escalations');
  leadership = (manager?: string) => this.#json<Leadership>('GET', manager ? `leadership?manager=${encodeURIComponent(manager)}` : 'leadership');
  passes = () => this.#json<TabPassQueue>('GET', 'passes');
  decide = (id: string, action: 'approve' | 'deny' | 'cancel') => this.#json<ActionResult>('POST', `passes/${encodeURIComponent(id)}/${action}`);
  helped = (userId: string) => this.#json<ActionResult>('POST', `help/${encodeURIComponent(userId)}/done`);
  audit = () => this.#json<AuditView>('GET', 'audit');
  team = () => this.#json<TeamView>('GET', 'team');
  nudge = (personId: TeamNudgeRequest['personId']) => this.#json<ActionResult>('POST', 'team/nudge', { personId } satisfies TeamNudgeRequest);

  async auditExport(): Promise<Blob> {
    const response = await this.#fetch('GET', 'audit/export');
    return response.blob();
  }

  async #json<T>(method: string, route: string, body?: object): Promise<T> {
    const response = await this.#fetch(method, route, body);
    return (await response.json()) as T;
  }

  async #fetch(method: string, route: string, body?: object): Promise<Response> {
    const headers: Record<string, string> = { authorization: `Bearer ${await this.token()}`, accept: 'application/json', 'accept-language': currentLanguage() };
    if (body) headers['content-type'] = 'application/json';
    const response = await fetch(`/tab/api/${route}`, { method, headers, cache: 'no-store', body: body ? JSON.stringify(body) : undefined });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { message?: string };
      throw new ApiError(response.status, body.message ?? t('errors.serverAnswered', { status: String(response.status) }));
    }
    return response;
  }
}

/** What to tell the reader about a failed call: the server's own words, else that it did not answer (a network error's text is the browser's, in its language). */
export function problemText(error: unknown): string {
  return error instanceof ApiError ? error.message : t('errors.noAnswer');
}

// The tab's API client: every call carries the Teams SSO token; the server checks it and decides what we may see.

import type { ActionResult, AuditView, Escalations, Me, Progress, TabPassQueue } from '../../src/tab/api-contract';

export type { AuditParty, Me, PassSummary, Progress, TabRole as Role } from '../../src/tab/api-contract';
export type AuditVerification = AuditView['verification'];

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
  passes = () => this.#json<TabPassQueue>('GET', 'passes');
  decide = (id: string, action: 'approve' | 'deny' | 'cancel') => this.#json<ActionResult>('POST', `passes/${encodeURIComponent(id)}/${action}`);
  helped = (userId: string) => this.#json<ActionResult>('POST', `help/${encodeURIComponent(userId)}/done`);
  audit = () => this.#json<AuditView>('GET', 'audit');

  async auditExport(): Promise<Blob> {
    const response = await this.#fetch('GET', 'audit/export');
    return response.blob();
  }

  async #json<T>(method: string, route: string): Promise<T> {
    const response = await this.#fetch(method, route);
    return (await response.json()) as T;
  }

  async #fetch(method: string, route: string): Promise<Response> {
    const response = await fetch(`/tab/api/${route}`, { method, headers: { authorization: `Bearer ${await this.token()}`, accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) {
      const body = (await response.json().catch(() => ({}))) as { message?: string };
      throw new ApiError(response.status, body.message ?? `The server answered ${response.status}.`);
    }
    return response;
  }
}

// The tab's API client: every call carries the Teams SSO token; the server checks it and decides what we may see.

export type Role = 'admin' | 'helpdesk' | 'approver' | 'security';

export interface Me {
  name: string;
  roles: Role[];
}

export interface Progress {
  campaign?: { name: string; state: string; deadline: string; startedAt: string; finishedAt?: string };
  funnel?: { stage: string; label: string; count: number }[];
  outcomes?: { stage: string; label: string; count: number }[];
  enrolledByDay?: { date: string; count: number }[];
  byDepartment?: { department: string; targeted: number; reached: number; replied: number; enrolled: number }[];
  snoozed?: number;
  objections: { intent: string; title: string; count: number }[];
}

export interface EscalationItem {
  id: string;
  employee: string;
  department?: string;
  reason: string;
  concerns: string[];
  refusedAt: string;
  state: 'open' | 'decided' | 'withdrawn';
  stateLabel: string;
  decider: string;
  level: number;
  decidedBy?: string;
  decidedAt?: string;
  exceptionUntil?: string;
}

export interface PassSummary {
  id: string;
  target: { name: string; upn: string; department?: string };
  requester: string;
  state: string;
  stateLabel: string;
  createdAt: string;
  expiresAt: string;
  reason?: string;
  lifetimeInMinutes: number;
  oneTime: boolean;
  checks: string[];
  replacesExistingPass: boolean;
  privileged: string[];
  mayDecide: boolean;
}

export interface PassQueue {
  helpdesk: boolean;
  approver: boolean;
  mine: PassSummary[];
  toApprove: PassSummary[];
  help: { userId: string; name: string; upn?: string; department?: string; topics: string[]; platform?: string; requestedAt: string }[];
  waitingForPerson: number;
}

export interface AuditParty {
  kind: string;
  displayName?: string;
  upn?: string;
  aadObjectId?: string;
  /** A system actor's name. */
  name?: string;
  erased?: boolean;
}

export interface AuditView {
  verification: { ok: boolean; entries: number; lastSeq: number; problemCount: number; problems: { seq: number; kind: string; message: string }[]; keyIds: string[] };
  windowDays: number;
  entries: { seq: number; at: string; action: string; outcome: string; actor?: AuditParty; subject?: AuditParty; verified: boolean }[];
}

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
  escalations = () => this.#json<{ total: number; open: number; items: EscalationItem[] }>('GET', 'escalations');
  passes = () => this.#json<PassQueue>('GET', 'passes');
  decide = (id: string, action: 'approve' | 'deny' | 'cancel') => this.#json<{ outcome: string; message: string; request?: PassSummary }>('POST', `passes/${encodeURIComponent(id)}/${action}`);
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

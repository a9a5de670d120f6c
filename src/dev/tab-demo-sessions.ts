// Demo mode only: a token for one of the demo tenant's people, from the Graph emulator's token endpoint, so the tab's
// real SSO check runs in a plain browser (the demo host page plays Teams). Never built outside demo mode.

import { TEAMS_SSO_GRANT } from './graph-emulator/token-service.js';
import type { TenantSeed } from './tenant-seed.js';
import { AppError } from '../errors/app-error.js';
import { requestWithCa } from '../shared/https-with-ca.js';

export const DEMO_PERSONAS = ['employee', 'manager', 'helpdesk', 'approver', 'security', 'admin'] as const;
export type DemoPersona = (typeof DEMO_PERSONAS)[number];

export interface DemoSession {
  token: string;
  user: { id: string; displayName: string; userPrincipalName: string };
  tenantId: string;
  locale: string;
}

export class DemoSessions {
  constructor(private readonly demo: { seed: TenantSeed; authorityHost: string; caCertificate: string }) {}

  /** A session for a persona (employee, helpdesk, …) or a demo user's object id. */
  async open(who: string): Promise<DemoSession> {
    const { seed } = this.demo;
    const id = (DEMO_PERSONAS as readonly string[]).includes(who) ? seed.personas?.[who as DemoPersona] : who.toLowerCase();
    const user = seed.users.find((candidate) => candidate.id === id);
    if (!user) throw new AppError('request.not-found', `no demo user ${who}`, { userFault: true, userMessage: { key: 'errors.tab.noDemoPerson', params: { who: who.slice(0, 60), personas: DEMO_PERSONAS.join(', ') } } });
    const app = seed.apps[0];
    if (!app) throw new AppError('service.unavailable', 'the demo tenant has no app registration');
    const form = new URLSearchParams({ grant_type: TEAMS_SSO_GRANT, client_id: app.clientId, user: user.id, scope: `api://localhost/botid-${app.clientId}/access_as_user` });
    const answer = await postForm(`${this.demo.authorityHost}/${seed.tenant.id}/oauth2/v2.0/token`, form.toString(), this.demo.caCertificate);
    if (answer.status !== 200 || typeof answer.body.access_token !== 'string') {
      throw new AppError('service.unavailable', `the emulator refused a demo token (${answer.status}: ${String(answer.body.error_description ?? answer.body.error ?? '')})`);
    }
    return { token: answer.body.access_token, user: { id: user.id, displayName: user.displayName, userPrincipalName: user.userPrincipalName }, tenantId: seed.tenant.id, locale: 'en-GB' };
  }
}

async function postForm(url: string, body: string, ca: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const answer = await requestWithCa(url, ca, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) }, body, timeoutMs: 10_000 });
  return { status: answer.status, body: JSON.parse(answer.body.toString('utf8')) as Record<string, unknown> };
}

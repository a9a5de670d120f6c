// What every route module shares: the tenant state, the clock, report settings and install events.

import type { SeedUser } from '../tenant-seed.js';
import { notFound } from './graph-errors.js';
import type { TenantState } from './tenant-state.js';

/** Told when the app gets installed for someone, as Teams tells the bot with a conversationUpdate. */
export interface AppInstalledEvent {
  tenantId: string;
  userId: string;
  userPrincipalName: string;
  installationId: string;
  /** The 1:1 chat between the bot and the user (`19:...@unq.gbl.spaces`). */
  chatId: string;
  teamsAppId: string;
  botId: string;
}

export interface AppUninstalledEvent {
  tenantId: string;
  userId: string;
  installationId: string;
}

export interface InstallEvents {
  installed(event: AppInstalledEvent): void;
  uninstalled(event: AppUninstalledEvent): void;
}

export interface EmulatorContext {
  state: TenantState;
  now(): number;
  startedAt: number;
  reportLagMinutes: number;
  reportPageSize: number;
  events: InstallEvents;
}

export function requireUser(context: EmulatorContext, idOrUpn: string): SeedUser {
  const user = context.state.findUser(idOrUpn);
  if (!user) throw notFound(idOrUpn);
  return user;
}

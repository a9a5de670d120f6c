// The tab inside Teams: initialize teams-js, read the context (theme, locale), follow theme changes, and get the SSO token.
// Outside a Teams frame nothing here is called: the page says how to open it instead of waiting on a host that
// will never answer.

import { app, authentication } from '@microsoft/teams-js';

export type Theme = 'default' | 'dark' | 'contrast';

/** How long a host gets to answer initialize before the page says it is not in Teams. */
const INITIALIZE_TIMEOUT_MS = 8_000;

export function insideAFrame(): boolean {
  try {
    return window.parent !== window;
  } catch {
    return true;
  }
}

export interface TeamsSession {
  theme: Theme;
  /** The Teams client's language and region ("de-DE"): the tab speaks its language. */
  locale?: string;
  userName?: string;
  token: () => Promise<string>;
  onThemeChange: (handler: (theme: Theme) => void) => void;
  ready: () => void;
}

export async function connectToTeams(): Promise<TeamsSession> {
  await Promise.race([app.initialize(), new Promise((_, reject) => setTimeout(() => reject(new Error('Teams did not answer')), INITIALIZE_TIMEOUT_MS))]);
  const context = await app.getContext();
  return {
    theme: themeOf(context.app.theme),
    locale: context.app.locale,
    userName: context.user?.displayName,
    // Teams caches the token and renews it before it expires: asking before each call is cheap and never stale.
    token: () => authentication.getAuthToken(),
    onThemeChange: (handler) => app.registerOnThemeChangeHandler((theme) => handler(themeOf(theme))),
    ready: () => app.notifySuccess(),
  };
}

function themeOf(value: string | undefined): Theme {
  return value === 'dark' || value === 'contrast' ? value : 'default';
}

// Local stand-in for the Teams web client: embeds the tab and answers @microsoft/teams-js's postMessage protocol,
// so app.initialize, getContext, getAuthToken and theme changes run for real without Teams.
// Wire shapes follow teams-js 2.58 (src/internal/communication.ts, messageObjects.ts).

const PERSONAS = ['employee', 'manager', 'helpdesk', 'approver', 'security', 'admin'] as const;
const THEMES = ['default', 'dark', 'contrast'] as const;
/** What a language tag looks like (BCP 47, loosely): anything else in ?locale= is ignored. */
const LOCALE_TAG = /^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*$/;
type Theme = (typeof THEMES)[number];

/** What teams-js posts to its parent (SerializedMessageRequest); replies are matched by uuidAsString, else by id. */
interface TeamsRequest {
  id: number;
  uuidAsString?: string;
  func: string;
  args: unknown[];
}

interface Session {
  token: string;
  user: { id: string; displayName: string; userPrincipalName: string };
  tenantId: string;
  locale?: string;
}

type SessionResult = { ok: true; session: Session } | { ok: false; message: string };

// apiVersion 4 is the current runtime format (older ones are upgraded, a missing one fails initialize). supports is empty:
// getContext, getAuthToken and themeChange are not gated on it, and without app.notifySuccessResponse
// notifySuccess stays fire-and-forget instead of waiting for a reply.
const RUNTIME_CONFIG = JSON.stringify({
  apiVersion: 4,
  hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
  isLegacyTeams: false,
  supports: {},
});

/** Must match staticTabs[].entityId in the app manifest, so the tab sees the same page id as in Teams. */
const ENTITY_ID = 'home';

// For tests: every request the tab made, and whether initialize has been answered (theme changes need that).
const hostLog = { messages: [] as Array<{ func: string }>, ready: false };
Object.assign(window, { __teamsHost: hostLog });

const frame = document.getElementById('tab-frame') as HTMLIFrameElement;
const personaSelect = document.getElementById('persona') as HTMLSelectElement;
const themeSelect = document.getElementById('theme') as HTMLSelectElement;
const localeSelect = document.getElementById('locale') as HTMLSelectElement;
const errorBox = document.getElementById('host-error') as HTMLParagraphElement;

const params = new URLSearchParams(location.search);
// A persona, or any demo user by object id (the server refuses ids that are not in the demo tenant).
const requested = params.get('as') ?? '';
const persona = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(requested) ? requested.toLowerCase() : oneOf(requested, PERSONAS, 'employee');
let theme: Theme = oneOf(params.get('theme'), THEMES, 'default');
// The Teams client's locale the tab is told (?locale=de-DE); without one, the demo session's.
const requestedLocale = params.get('locale') ?? '';
const locale = LOCALE_TAG.test(requestedLocale) ? requestedLocale : undefined;
const tabUrl = tabLocation(params.get('tab'));
let session: SessionResult = { ok: false, message: 'The demo session has not loaded yet.' };

if (!(PERSONAS as readonly string[]).includes(persona)) personaSelect.add(new Option(`Demo user ${persona.slice(0, 8)}…`, persona));
personaSelect.value = persona;
themeSelect.value = theme;
if (locale && ![...localeSelect.options].some((option) => option.value === locale)) localeSelect.add(new Option(locale, locale));
localeSelect.value = locale ?? '';
personaSelect.addEventListener('change', () => {
  params.set('as', personaSelect.value);
  location.search = params.toString();
});
// Teams reloads its tabs when its language changes: so does the host.
localeSelect.addEventListener('change', () => {
  if (localeSelect.value) params.set('locale', localeSelect.value);
  else params.delete('locale');
  location.search = params.toString();
});
themeSelect.addEventListener('change', () => {
  theme = oneOf(themeSelect.value, THEMES, 'default');
  params.set('theme', theme);
  history.replaceState(null, '', `?${params}`);
  // Before initialize is answered the tab has no listener yet; it reads the theme from getContext instead.
  if (hostLog.ready) post({ func: 'themeChange', args: [theme] });
});

void start();

async function start(): Promise<void> {
  if (!tabUrl) {
    showError('The tab parameter must be a path on this site.');
    return;
  }
  session = await loadSession(persona);
  if (!session.ok) showError(session.message);
  window.addEventListener('message', onMessage);
  // Still load the tab when the session failed: it should show its own sign-in error, as it would in Teams.
  frame.src = tabUrl.href;
}

async function loadSession(as: string): Promise<SessionResult> {
  try {
    const response = await fetch(`/tab/demo/session?as=${encodeURIComponent(as)}`, { headers: { accept: 'application/json' } });
    const body: unknown = await response.json().catch(() => undefined);
    if (!response.ok) {
      return { ok: false, message: messageOf(body) ?? `The demo session failed (HTTP ${response.status}).` };
    }
    if (!isSession(body)) return { ok: false, message: 'The demo session answer was not understood.' };
    return { ok: true, session: body };
  } catch (error) {
    return { ok: false, message: `The demo session could not be reached: ${String(error)}` };
  }
}

function onMessage(event: MessageEvent): void {
  // The tab's first message is posted to '*', so source and origin are all that tell it apart from other windows.
  if (event.source !== frame.contentWindow || event.origin !== tabUrl?.origin) return;
  const request = asRequest(event.data);
  if (!request) return;
  hostLog.messages.push({ func: request.func });
  const answer = answerFor(request);
  if (!answer) return;
  post({ id: request.id, uuidAsString: request.uuidAsString, args: answer });
  if (request.func === 'initialize') hostLog.ready = true;
}

function answerFor(request: TeamsRequest): unknown[] | undefined {
  switch (request.func) {
    case 'initialize':
      // [frameContext, hostClientType, runtimeConfig, clientSupportedSDKVersion]; echoing the tab's own SDK version
      // (args[0]) keeps version-gated APIs from thinking the host is older than it is.
      return ['content', 'web', RUNTIME_CONFIG, String(request.args[0] ?? '2.0.1')];
    case 'getContext':
      return [legacyContext()];
    case 'authentication.getAuthToken':
      return session.ok ? [true, session.session.token] : [false, session.message];
    // Notifications: teams-js keeps no callback for these, so a reply would be dropped.
    case 'registerHandler':
    case 'appInitialization.appLoaded':
    case 'appInitialization.success':
    case 'appInitialization.failure':
    case 'appInitialization.expectedFailure':
      return undefined;
    default:
      // Left unanswered on purpose: APIs read replies differently ([ok, reason], [SdkError], [value]), so no generic
      // reply is safe, and a wrong one could look like success. The message log shows what the tab asked for.
      console.warn(`demo host: no answer for ${request.func}`);
      return undefined;
  }
}

/** The v1 context teams-js turns into app.Context (transformLegacyContextToAppContext in public/app/app.ts). */
function legacyContext(): Record<string, unknown> {
  const signedIn = session.ok ? session.session : undefined;
  return {
    entityId: ENTITY_ID,
    frameContext: 'content',
    hostClientType: 'web',
    hostName: 'Teams',
    theme,
    locale: locale ?? signedIn?.locale ?? navigator.language,
    userObjectId: signedIn?.user.id,
    userDisplayName: signedIn?.user.displayName,
    userPrincipalName: signedIn?.user.userPrincipalName,
    loginHint: signedIn?.user.userPrincipalName,
    tid: signedIn?.tenantId,
  };
}

function post(message: object): void {
  if (tabUrl) frame.contentWindow?.postMessage(message, tabUrl.origin);
}

function asRequest(data: unknown): TeamsRequest | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { id, uuidAsString, func, args } = data as Record<string, unknown>;
  if (typeof id !== 'number' || typeof func !== 'string') return undefined;
  return {
    id,
    uuidAsString: typeof uuidAsString === 'string' ? uuidAsString : undefined,
    func,
    args: Array.isArray(args) ? args : [],
  };
}

/** Same-origin paths only: the host hands the frame a sign-in token, so the frame must not be someone else's page. */
function tabLocation(requested: string | null): URL | undefined {
  const url = new URL(requested ?? '/tab/', location.href);
  return url.origin === location.origin ? url : undefined;
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[], fallback: T): T {
  return allowed.find((candidate) => candidate === value) ?? fallback;
}

function isSession(body: unknown): body is Session {
  if (typeof body !== 'object' || body === null) return false;
  const { token, user, tenantId } = body as Record<string, unknown>;
  if (typeof token !== 'string' || typeof tenantId !== 'string') return false;
  if (typeof user !== 'object' || user === null) return false;
  const { id, displayName, userPrincipalName } = user as Record<string, unknown>;
  return typeof id === 'string' && typeof displayName === 'string' && typeof userPrincipalName === 'string';
}

function messageOf(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { message } = body as Record<string, unknown>;
  return typeof message === 'string' ? message : undefined;
}

function showError(message: string): void {
  errorBox.textContent = message;
  errorBox.hidden = false;
}

// A module rather than a script, so these top-level names stay out of the global scope that tab files share.
export {};

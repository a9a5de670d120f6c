// The tab's HTTP side: its built pages and assets under /tab/ (with a CSP that lets only Teams and Microsoft 365 frame
// them), and its JSON API under /tab/api/, where every request carries the Teams SSO token of the person asking.

import { visibleText } from '../shared/visible-text.js';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Request, Response, Server } from 'restify';
import { z } from 'zod';
import { isAppError } from '../errors/app-error.js';
import { userMessageText } from '../shared/strings.js';
import type { Strings } from '../shared/strings.js';
import type { Logger } from '../logging/logger.js';
import { isGuid } from '../shared/guid.js';
import type { TabService } from '../tab/tab-service.js';
import type { TabSso, Viewer } from '../tab/tab-sso.js';

/** Where Teams and Microsoft 365 (Outlook, the Microsoft 365 app, *.cloud.microsoft) host a personal tab. */
export const TAB_FRAME_ANCESTORS = [
  'https://teams.microsoft.com',
  'https://*.teams.microsoft.com',
  'https://teams.cloud.microsoft',
  'https://*.cloud.microsoft',
  'https://*.office.com',
  'https://outlook.office.com',
  'https://outlook.office365.com',
  'https://*.microsoft365.com',
  'https://*.skype.com',
];

export interface TabRoutesOptions {
  /** The Vite build (dist/tab). */
  assetsDir: string;
  sso: TabSso;
  service: TabService;
  /** Demo mode: the host page that plays Teams, and sessions (tokens) for demo people. */
  demo?: { open(who: string): Promise<unknown> };
  logger: Logger;
  /** What the API and its errors say, in the language the page asks for (its Accept-Language, the reader's). */
  strings: Strings;
}

/** `POST team/nudge`: one direct report by object id, or "all" (TeamNudgeRequest). */
const nudgeBody = z.object({ personId: z.string() });

const OUTCOME_STATUS = { done: 200, refused: 403, 'not-found': 404, unchanged: 409, unavailable: 503 } as const;

interface Asset {
  body: Buffer;
  type: string;
  html: boolean;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
  '.woff2': 'font/woff2',
};

/** The server's own bookkeeping: a stop refuses new API calls and waits for those in flight. */
export interface RequestLifecycle {
  draining(): boolean;
  track<T>(work: () => Promise<T>): Promise<T>;
}

export function registerTabRoutes(server: Server, options: TabRoutesOptions, lifecycle: RequestLifecycle): void {
  const { logger } = options;
  const assets = loadAssets(options.assetsDir, logger);
  const csp = contentSecurityPolicy(options.demo !== undefined);

  const sendAsset = (res: Response, asset: Asset) => {
    res.writeHead(200, {
      'content-type': asset.type,
      'content-length': asset.body.length,
      // Hashed file names never change; the pages themselves are always asked again.
      'cache-control': asset.html ? 'no-cache' : 'public, max-age=31536000, immutable',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
      ...(asset.html ? { 'content-security-policy': csp } : {}),
    });
    res.end(asset.body);
  };

  server.get('/tab', async (_req: Request, res: Response) => {
    res.redirect(301, '/tab/', () => undefined);
  });

  server.get('/tab/*', async (req: Request, res: Response) => {
    let relative: string;
    try {
      relative = decodeURIComponent(req.path().slice('/tab/'.length));
    } catch {
      return sendJson(res, 400, { error: 'malformed-path', message: 'That address is not valid.' });
    }
    if (relative.startsWith('api/')) return sendJson(res, 404, { error: 'not-found', message: 'No such tab API.' });
    if (relative.startsWith('demo/')) return demoRoute(req, res, relative);
    // The demo host page and its own script and style (the build's `host` entry) exist in demo mode only.
    const isDemoHost = relative === 'demo-host' || relative.startsWith('demo-host/') || relative.startsWith('assets/host-');
    if (isDemoHost && !options.demo) return sendJson(res, 404, { error: 'not-found', message: 'The demo host exists in demo mode only.' });
    const key = relative === '' ? 'index.html' : relative.endsWith('/') ? `${relative}index.html` : relative;
    const asset = assets.get(key) ?? (!path.extname(key) ? assets.get(`${key}/index.html`) : undefined);
    if (!asset) {
      if (assets.size === 0) return sendJson(res, 503, { error: 'not-built', message: 'The tab is not built: run npm run build.' });
      return sendJson(res, 404, { error: 'not-found', message: 'No such page.' });
    }
    sendAsset(res, asset);
  });

  const demoRoute = async (req: Request, res: Response, relative: string) => {
    if (!options.demo || relative !== 'demo/session') return sendJson(res, 404, { error: 'not-found', message: 'No such page.' });
    const as = new URL(req.url ?? '/', 'http://localhost').searchParams.get('as') ?? 'employee';
    try {
      sendJson(res, 200, await options.demo.open(as));
    } catch (error) {
      replyWithError(req, res, error, options);
    }
  };

  const api = (method: 'get' | 'post', route: string, handle: (viewer: Viewer, locale: string, req: Request, res: Response) => Promise<unknown>) => {
    server[method](`/tab/api/${route}`, async (req: Request, res: Response) => {
      const locale = options.strings.supported(browserLanguage(req));
      if (lifecycle.draining()) {
        res.header('Retry-After', '5');
        sendJson(res, 503, { error: 'stopping', message: options.strings.text(locale, 'tab.api.restarting') });
        return;
      }
      await lifecycle.track(async () => {
        try {
          const viewer = await options.sso.verify(typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined);
          const body = await handle(viewer, locale, req, res);
          if (body !== undefined) sendJson(res, 200, body);
        } catch (error) {
          replyWithError(req, res, error, options);
        }
      });
    });
  };

  api('get', 'me', (viewer) => options.service.me(viewer));
  api('get', 'progress', (viewer, locale) => options.service.progress(viewer, locale));
  api('get', 'escalations', (viewer, locale) => options.service.escalations(viewer, locale));
  api('get', 'leadership', (viewer, locale, req) => {
    const manager = new URL(req.url ?? '/', 'http://localhost').searchParams.get('manager') ?? undefined;
    return options.service.leadership(viewer, locale, manager && isGuid(manager) ? manager : undefined);
  });
  api('get', 'passes', (viewer, locale) => options.service.passes(viewer, locale));
  api('post', 'passes/:id/:action', async (viewer, locale, req, res) => {
    const params = req.params as Record<string, string | undefined>;
    const id = String(params.id ?? '').toUpperCase();
    const action = params.action;
    if (action !== 'approve' && action !== 'deny' && action !== 'cancel') {
      sendJson(res, 400, { error: 'unknown-action', message: options.strings.text(locale, 'tab.api.unknownAction', { action: String(action).slice(0, 20) }) });
      return undefined;
    }
    const result = /^T-[A-Z0-9]{6}$/.test(id)
      ? action === 'cancel'
        ? await options.service.cancelPass(viewer, id, locale)
        : await options.service.decidePass(viewer, id, action === 'approve', locale)
      : ({ outcome: 'not-found', message: options.strings.text(locale, 'tab.actions.noSuchRequest') } as const);
    sendJson(res, OUTCOME_STATUS[result.outcome], result);
    return undefined;
  });
  api('post', 'help/:user/done', async (viewer, locale, req, res) => {
    const user = String((req.params as Record<string, string | undefined>).user ?? '');
    const result = isGuid(user)
      ? await options.service.closeHelp(viewer, user, locale)
      : ({ outcome: 'not-found', message: options.strings.text(locale, 'tab.actions.notInQueue') } as const);
    sendJson(res, OUTCOME_STATUS[result.outcome], result);
    return undefined;
  });
  api('get', 'team', (viewer, locale) => options.service.team(viewer, locale));
  api('post', 'team/nudge', async (viewer, locale, req, res) => {
    const body = nudgeBody.safeParse(req.body);
    if (!body.success) {
      sendJson(res, 400, { error: 'bad-request', message: options.strings.text(locale, 'tab.api.nudgeWhom') });
      return undefined;
    }
    // Any other string goes to the team's own check, which refuses (and audits) whoever is not the asker's report.
    const result = await options.service.nudge(viewer, body.data.personId, locale);
    sendJson(res, OUTCOME_STATUS[result.outcome], result);
    return undefined;
  });
  api('get', 'audit', (viewer) => options.service.auditView(viewer));
  api('get', 'audit/export', async (viewer, _locale, _req, res) => {
    const lines: string[] = [];
    // Collected first: a refused viewer, or a store that fails half-way, gets a JSON error instead of half a file.
    await options.service.auditExport(viewer, (line) => lines.push(line));
    res.writeHead(200, {
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-disposition': `attachment; filename="passkey-coach-audit-${new Date().toISOString().slice(0, 10)}.jsonl"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    for (const line of lines) res.write(`${line}\n`);
    res.end();
    return undefined;
  });
}

/** The list of valid Teams domains teams-js fetches (validOriginsCdnEndpoint in its internal/constants.js). */
export const TEAMS_JS_DOMAIN_LIST = 'https://res.cdn.office.net/teams-js/validDomains/json/validDomains.json';

/** Scripts, styles and data from this origin only; framed only by Teams and Microsoft 365 (and the demo host). */
export function contentSecurityPolicy(demo: boolean): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    // teams-js refreshes its list of Teams hosts from its CDN on every load, in the demo host too; blocked, it falls
    // back to its built-in list but the browser logs two errors. Only that one file is allowed.
    `connect-src 'self' ${TEAMS_JS_DOMAIN_LIST}`,
    "base-uri 'none'",
    "form-action 'none'",
    `frame-src 'self'`,
    `frame-ancestors ${[...(demo ? ["'self'"] : []), ...TAB_FRAME_ANCESTORS].join(' ')}`,
  ].join('; ');
}

function loadAssets(dir: string, logger: Logger): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const full = path.join(folder, name);
      if (statSync(full).isDirectory()) walk(full);
      else {
        const ext = path.extname(name);
        const type = TYPES[ext];
        if (!type) continue;
        assets.set(path.relative(dir, full).split(path.sep).join('/'), { body: readFileSync(full), type, html: ext === '.html' });
      }
    }
  };
  try {
    walk(dir);
  } catch (error) {
    logger.warn('the tab is not built; /tab answers 503 until it is (npm run build)', { dir, reason: (error as Error).message });
  }
  return assets;
}

/** Every string the tab shows says only what it shows (no direction overrides or invisible characters). */
function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body ?? null, (_key, value: unknown) => (typeof value === 'string' ? visibleText(value) : value));
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(text);
}

function replyWithError(req: Request, res: Response, error: unknown, { logger, strings }: Pick<TabRoutesOptions, 'logger' | 'strings'>): void {
  const locale = strings.supported(browserLanguage(req));
  const said = () => userMessageText(error, strings, locale);
  if (isAppError(error, 'request.unauthorized')) {
    logger.warn('tab request refused', { reason: error.message });
    res.header('WWW-Authenticate', 'Bearer');
    sendJson(res, 401, { error: 'unauthorized', message: said() });
  } else if (isAppError(error, 'request.forbidden')) sendJson(res, 403, { error: 'forbidden', message: said() });
  else if (isAppError(error, 'request.not-found')) sendJson(res, 404, { error: 'not-found', message: said() });
  else if (isAppError(error, 'service.unavailable')) {
    logger.error('tab request could not be served', { reason: error.message });
    sendJson(res, 503, { error: 'unavailable', message: said() });
  } else {
    logger.error('tab request failed', { error });
    sendJson(res, 500, { error: 'internal', message: strings.text(locale, 'tab.api.internal') });
  }
}


/** The first language of the request's Accept-Language: the tab's page sends its reader's, other callers the browser's. */
export function browserLanguage(req: Request): string | undefined {
  const header = req.headers['accept-language'];
  return (typeof header === 'string' ? header : undefined)?.split(',')[0]?.split(';')[0]?.trim() || undefined;
}

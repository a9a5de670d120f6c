// The only module that knows HTTP: restify routes, body limits, status codes and graceful shutdown.

import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import restify, { type Request, type Response } from 'restify';
import type { Activity, InvokeResponse } from 'botbuilder';
import { AuthenticationError } from 'botframework-connector';
import { isAppError } from '../errors/app-error.js';
import { userMessageText } from '../shared/strings.js';
import type { Logger } from '../logging/logger.js';
import type { Download } from '../shared/download.js';
import { checkActivity } from './activity-schema.js';
import type { CallbackOutcome } from '../helpdesk/temporary-access.js';
import { CALLBACK_SECRET_HEADER } from '../helpdesk/presentation-records.js';
import { browserLanguage, registerTabRoutes, type TabRoutesOptions } from './tab-routes.js';
import type { LegalPage, LegalPages } from './legal-pages.js';
import { DEFAULT_LOCALE, type Strings } from '../shared/strings.js';
import { coachMeter, METRIC, statusClass, wordsOf } from '../telemetry/telemetry.js';

export const MAX_BODY_BYTES = 256 * 1024;

export interface HttpServerOptions {
  host: string;
  port: number;
  logger: Logger;
  /** Runs one authenticated turn; returns the invoke/expectReplies response, if any. */
  processActivity: (authHeader: string, activity: Activity, logger: Logger) => Promise<InvokeResponse | undefined>;
  /** Whether the service can do its work now (its store answers); /readyz says 503 when not. */
  isReady: () => Promise<boolean> | boolean;
  /** One-time downloads (campaign exports): the file for a token, or undefined when it is unknown, used or expired. */
  takeDownload?: (token: string) => Promise<Download | undefined>;
  /**
   * Verified ID's Request Service calls back about a presentation: the secret header it was given (CALLBACK_SECRET_HEADER)
   * and the body; the answer says how it went, which becomes the status.
   */
  verifiedIdCallback?: (secretHeader: string | undefined, body: unknown) => Promise<CallbackOutcome>;
  /** The admins' and helpdesk's tab: its pages under /tab/ and its API under /tab/api/. */
  tab?: Omit<TabRoutesOptions, 'logger' | 'strings'>;
  /** The privacy notice and terms of use the app package links to. */
  legalPages?: LegalPages;
  /** The words of errors (answers to the Bot Connector are in English; the tab's in the browser's language). */
  strings: Strings;
  /**
   * Demo mode only (loopback, no authentication): what the store has asked of its storage so far, served at
   * /_demo/store-requests for the benchmarks. Never given in production, so the route does not exist there.
   */
  storeRequests?: () => Readonly<Record<string, number>>;
}


export interface HttpServerHandle {
  url: string;
  port: number;
  /**
   * Starts a stop: from now every request not yet being handled (arriving now, or whose body is still coming) is
   * answered 503 with Retry-After, while it goes on listening; resolves once the requests being handled are answered
   * (drained) or at the deadline. Nothing that reached the server is reset.
   */
  drain(deadline: number): Promise<{ drained: boolean }>;
  /** Stops listening and closes the connections (idle ones now, any other at the deadline). Call after `drain`. */
  close(deadline: number): Promise<void>;
}

/** Which part of the service a request was for, by the start of its path (never the path: downloads carry a token). */
function areaOf(url: string | undefined): string {
  const first = (url ?? '').split(/[/?#]/)[1] ?? '';
  if (first === 'api') return 'messages';
  if (first === 'tab' || first === 'downloads' || first === 'privacy' || first === 'terms') return first === 'privacy' || first === 'terms' ? 'legal' : first;
  if (first === 'healthz' || first === 'readyz') return 'health';
  return 'other';
}

/**
 * A Verified ID callback's answer: a result taken (200), one authentic but refused as evidence (422: wrong person, low
 * Face Check score…), no or a wrong secret (401), an unknown presentation (404), one already settled (409), one past
 * its expiry (410), a body that is not a callback (400).
 */
const CALLBACK_STATUS: Readonly<Record<CallbackOutcome, number>> = { accepted: 200, 'refused-evidence': 422, unauthenticated: 401, unknown: 404, replayed: 409, expired: 410, malformed: 400 };

/** Seconds a caller is told to wait before trying again while this instance stops (Teams retries; so does the tab). */
const RETRY_AFTER_SECONDS = '5';

export async function startHttpServer(options: HttpServerOptions): Promise<HttpServerHandle> {
  const { logger } = options;
  const server = restify.createServer({ name: 'passkey-coach', handleUncaughtExceptions: false });
  let draining = false;
  // Every request from the moment its headers are read until its answer is written (or its connection dropped):
  // a stop waits for these, not only for the turns being handled, so none is cut off half-way.
  let open = 0;
  const idle: (() => void)[] = [];
  const responses = coachMeter().createCounter(METRIC.httpResponses, { description: 'HTTP answers, by area (messages, tab, downloads, health, legal, other) and status class' });
  server.server.on('request', (req: { url?: string }, res: NodeJS.EventEmitter & { statusCode?: number }) => {
    open += 1;
    res.once('finish', () => responses.add(1, wordsOf({ route: areaOf(req.url), status_class: statusClass(res.statusCode) })));
    res.once('close', () => {
      open -= 1;
      if (open === 0) for (const wake of idle.splice(0)) wake();
    });
  });

  // While stopping, whatever arrives is turned away at once, politely: a retry reaches another instance, or this one
  // once it is back. /healthz and /readyz still answer (the process is alive; it is not ready).
  server.pre((req: Request, res: Response, next: (proceed?: boolean) => void) => {
    if (!draining) return next();
    res.header('Connection', 'close');
    if (req.path() === '/healthz' || req.path() === '/readyz') return next();
    res.header('Retry-After', RETRY_AFTER_SECONDS);
    res.send(503, { error: 'stopping', message: 'This instance is restarting; try again in a few seconds.' });
    return next(false);
  });

  // restify's body reader inflates gzip and deflate bodies through a stream with no error listener, before any token
  // is checked: one truncated gzip body of a dozen bytes stopped the process (node-restify #1975, #1785). Teams and
  // the tab never compress what they send, so every coding but identity is refused before a byte of the body is read.
  server.pre((req: Request, res: Response, next: (proceed?: boolean) => void) => {
    const coding = compressedCoding(req.headers['content-encoding']);
    if (coding === undefined) return next();
    logger.warn('refused a compressed request body', { path: req.path(), contentEncoding: coding.slice(0, 40) });
    res.header('Accept-Encoding', 'identity');
    res.header('Connection', 'close');
    res.send(415, { error: 'unsupported-content-encoding', message: 'Send the body uncompressed: only Content-Encoding identity is accepted.' });
    return next(false);
  });
  server.use(restify.plugins.bodyReader({ maxBodySize: MAX_BODY_BYTES }));
  server.use(restify.plugins.jsonBodyParser({ mapParams: false }));

  server.get('/healthz', async (_req: Request, res: Response) => {
    res.send(200, { status: 'alive' });
  });

  server.get('/readyz', async (_req: Request, res: Response) => {
    const ready = !draining && (await options.isReady());
    res.header('Cache-Control', 'no-store');
    res.send(ready ? 200 : 503, { status: ready ? 'ready' : draining ? 'stopping' : 'not ready' });
  });

  const storeRequests = options.storeRequests;
  if (storeRequests) {
    server.get('/_demo/store-requests', async (_req: Request, res: Response) => {
      const counts = storeRequests();
      res.header('Cache-Control', 'no-store');
      res.send(200, { total: Object.values(counts).reduce((sum, count) => sum + count, 0), byKind: counts });
    });
  }

  server.get('/downloads/:token', async (req: Request, res: Response) => {
    const token = String((req.params as Record<string, unknown>).token ?? '');
    // Same answer for unknown, used and expired links, and nothing about which.
    const download = /^[A-Za-z0-9_-]{20,100}$/.test(token) ? await options.takeDownload?.(token) : undefined;
    if (!download) {
      res.send(404, { error: 'This download link is unknown, already used or expired. Ask the bot for a new one.' });
      return;
    }
    res.writeHead(200, {
      'content-type': download.contentType,
      'content-disposition': `attachment; filename="${download.fileName.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    });
    for await (const chunk of download.body) res.write(chunk);
    res.end();
  });

  const legalPages = options.legalPages;
  if (legalPages) {
    for (const page of ['privacy', 'terms'] as const satisfies readonly LegalPage[]) {
      server.get(`/${page}`, async (req: Request, res: Response) => {
        // ?lang= first (a link can name the language), else the browser's.
        const asked = new URL(req.url ?? '/', 'http://localhost').searchParams.get('lang') ?? browserLanguage(req);
        const { html, language } = legalPages.render(page, asked);
        res.writeHead(200, {
          'content-type': 'text/html; charset=utf-8',
          ...(language ? { 'content-language': language } : {}),
          // A document to read, nothing to run: no script, no frame, no form, wherever it is shown.
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self' https://teams.microsoft.com https://*.teams.microsoft.com https://*.cloud.microsoft; form-action 'none'; base-uri 'none'",
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
          'cache-control': 'public, max-age=300',
        });
        res.end(html);
      });
    }
  }

  // Microsoft 365 Agents Playground (and some health checks) ask whether the endpoint exists before posting to it.
  server.head('/api/messages', async (_req: Request, res: Response) => {
    res.header('Allow', 'POST, HEAD');
    res.send(200);
  });

  server.post('/api/messages', async (req: Request, res: Response) => {
    const requestId = headerText(req, 'x-request-id')?.slice(0, 100) ?? randomUUID();
    const log = logger.child({ requestId });
    if (draining) {
      // Its body was still arriving when the stop began.
      res.header('Retry-After', RETRY_AFTER_SECONDS);
      res.header('Connection', 'close');
      res.send(503, { error: 'stopping', message: 'The bot is restarting; Teams will retry.' });
      return;
    }
    const checked = checkActivity(req.body);
    if (!checked.ok) {
      const { issues } = checked;
      log.warn('rejected a body that is not an activity', { issues });
      res.send(400, { error: 'not-an-activity', message: 'The body must be a Bot Framework activity.', issues });
      return;
    }
    try {
      const activity = checked.activity as unknown as Activity;
      const response = await options.processActivity(headerText(req, 'authorization') ?? '', activity, log);
      if (response) res.send(response.status, response.body ?? undefined);
      else res.send(200);
    } catch (error) {
      replyWithError(res, error, log, options.strings);
    }
  });

  const verifiedIdCallback = options.verifiedIdCallback;
  if (verifiedIdCallback) {
    server.post('/api/verifiedid/callback', async (req: Request, res: Response) => {
      const log = logger.child({ route: 'verifiedid-callback' });
      try {
        // The header is the callback's only credential: it is handed on, never logged.
        const outcome = await verifiedIdCallback(headerText(req, CALLBACK_SECRET_HEADER), req.body);
        const status = CALLBACK_STATUS[outcome];
        if (status >= 400) log.warn('refused a Verified ID callback', { outcome, status });
        res.header('Cache-Control', 'no-store');
        res.send(status, { outcome });
      } catch (error) {
        log.error('a Verified ID callback failed', { error });
        res.send(500, { error: 'internal' });
      }
    });
  }

  // The tab's API calls are requests like any other: a stop waits for an approval being recorded.
  const lifecycle = {
    draining: () => draining,
    track: <T>(work: () => Promise<T>): Promise<T> => work(),
  };
  if (options.tab) registerTabRoutes(server, { ...options.tab, strings: options.strings, logger: logger.child({ component: 'tab' }) }, lifecycle);

  // Body-parser failures (malformed JSON, too large) and unknown routes arrive here as restify errors.
  server.on('restifyError', (req: Request, _res: Response, error: Error & { statusCode?: number }, next: (ok?: boolean) => void) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) logger.error('request failed', { path: req.path(), error });
    else logger.warn('request refused', { path: req.path(), status, reason: error.message });
    next();
  });

  // restify re-emits the listener's errors (a taken port) on its own server, where nobody would hear them.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`,
    port: address.port,
    async drain(deadline: number): Promise<{ drained: boolean }> {
      draining = true;
      // Still listening: a request on its way is answered 503 rather than refused by a closed port.
      const drained = await new Promise<boolean>((resolve) => {
        if (open === 0) return resolve(true);
        const timer = setTimeout(() => resolve(false), Math.max(0, deadline - Date.now()));
        idle.push(() => {
          clearTimeout(timer);
          resolve(true);
        });
      });
      return { drained };
    },
    async close(deadline: number): Promise<void> {
      draining = true;
      const closed = new Promise<void>((resolve) => server.server.close(() => resolve()));
      server.server.closeIdleConnections();
      // A 503 still being written finishes; anything else left at the deadline is cut.
      const late = setTimeout(() => server.server.closeAllConnections(), Math.max(0, deadline - Date.now()));
      await closed;
      clearTimeout(late);
    },
  };
}

function replyWithError(res: Response, error: unknown, log: Logger, strings: Strings): void {
  if (error instanceof AuthenticationError) {
    if (error.statusCode !== undefined && error.statusCode !== 401) {
      // The token could not be checked at all (signing keys unreachable): fail closed, but say it is our side.
      log.error('cannot validate Bot Framework tokens', { reason: error.message, statusCode: error.statusCode });
      res.send(503, { error: 'auth-unavailable', message: 'Token validation is unavailable; retry later.' });
      return;
    }
    log.warn('refused an unauthenticated request', { reason: error.message });
    res.header('WWW-Authenticate', 'Bearer');
    res.send(401, { error: 'unauthorized', message: 'A valid Bot Framework token is required.' });
    return;
  }
  if ((error as { name?: unknown })?.name === 'FetchError') {
    // node-fetch inside botbuilder could not reach the OpenID metadata: tokens cannot be checked, so nothing is served.
    log.error('cannot reach the Bot Framework signing keys', { reason: (error as Error).message });
    res.send(503, { error: 'auth-unavailable', message: 'Token validation is unavailable; retry later.' });
    return;
  }
  if (isAppError(error, 'request.forbidden')) {
    log.warn('refused an activity', { reason: error.message, details: error.details });
    res.send(403, { error: 'forbidden', message: userMessageText(error, strings, DEFAULT_LOCALE) });
    return;
  }
  if (isAppError(error) && error.userFault) {
    log.warn('bad request', { code: error.code, reason: error.message });
    res.send(400, { error: error.code, message: userMessageText(error, strings, DEFAULT_LOCALE) });
    return;
  }
  log.error('turn failed', { error });
  res.send(500, { error: 'internal', message: 'The bot hit an internal error.' });
}

/** The request's content coding when it is anything but identity (absent, empty and `identity` are fine). */
export function compressedCoding(header: string | string[] | undefined): string | undefined {
  const raw = Array.isArray(header) ? header.join(',') : header;
  if (raw === undefined) return undefined;
  const codings = raw.split(',').map((coding) => coding.trim().toLowerCase()).filter((coding) => coding !== '');
  return codings.every((coding) => coding === 'identity') ? undefined : raw;
}

function headerText(req: Request, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

// Starts the real service in-process on 127.0.0.1:0 and talks to it over HTTP like Teams does.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../src/config/load-config.js';
import type { DemoEnvironment, DemoEnvironmentOptions } from '../../src/dev/demo-environment.js';
import { demoWiring } from '../../src/dev/demo-wiring.js';
import { MemorySink } from '../../src/logging/logger.js';
import { type ServiceHandle, type ServiceOptions, startService } from '../../src/main.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'activities');

export type ActivityJson = Record<string, unknown>;

/** A Teams activity fixture, with fields replaced (shallow at the top level; nested objects replace whole). */
export function activityFixture(name: string, overrides: ActivityJson = {}): ActivityJson {
  const base = JSON.parse(readFileSync(path.join(FIXTURES, `${name}.json`), 'utf8')) as ActivityJson;
  return { ...base, ...overrides };
}

export interface PostResult {
  status: number;
  body: unknown;
  text: string;
}

export interface RunningBot {
  url: string;
  service: ServiceHandle;
  /** Demo mode's emulators, when this bot runs them. */
  environment: DemoEnvironment | undefined;
  logs: MemorySink;
  post(activity: unknown, options?: { token?: string; rawBody?: string; contentType?: string }): Promise<PostResult>;
  stop(): Promise<void>;
}

/** Settings for demo mode's emulators beyond the seed (tests shrink the report's pages). */
type EmulatorOptions = Pick<DemoEnvironmentOptions, 'graph' | 'connector'>;

/** One trained intent model for every test process (keyed by catalog hash, so a changed catalog retrains). */
const MODEL_CACHE = path.join(tmpdir(), 'passkey-coach-test-model-cache');

export const TEST_AUDIT_KEY = 'test-audit-key-0123456789abcdef0123456789abcdef';

/** `emulators`: run demo mode's Graph and Bot Connector emulators too (off by default: most tests bring their own peers). */
export async function startBot(
  env: Record<string, string> = {},
  options: { emulators?: boolean; emulatorOptions?: EmulatorOptions; databasePath?: string; wrapStore?: ServiceOptions['wrapStore'] } = {},
): Promise<RunningBot> {
  const logs = new MemorySink();
  const config = loadConfig({ PORT: '0', LOG_LEVEL: 'debug', DATA_DIR: '/nonexistent-unused', ...env });
  const wiring = demoWiring({ emulators: options.emulators ?? false, emulatorOptions: options.emulatorOptions });
  const service = await startService(config, { logSink: logs, databasePath: options.databasePath ?? ':memory:', quiet: true, demo: wiring, cacheDir: MODEL_CACHE, wrapStore: options.wrapStore });
  return {
    url: service.url,
    service,
    environment: wiring.environment,
    logs,
    async post(activity, options = {}) {
      const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json' };
      if (options.token) headers.authorization = `Bearer ${options.token}`;
      const response = await fetch(`${service.url}/api/messages`, {
        method: 'POST',
        headers,
        body: options.rawBody ?? JSON.stringify(activity),
      });
      const text = await response.text();
      let body: unknown = text;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        // Not JSON: keep the text for the assertion message.
      }
      return { status: response.status, body, text };
    },
    async stop() {
      await service.stop('test finished');
    },
  };
}

/** Demo mode's bot as the suites use it: its emulators, and where its database is. */
export type DemoBot = RunningBot & { demo: DemoEnvironment; databaseFile: string | undefined };

/**
 * The service in demo mode with its Graph and Bot Connector emulators, its database a file in a fresh folder (as a
 * real one, WAL and all) unless `inMemory`; stop() removes the folder.
 */
export async function startDemoBot(env: Record<string, string> = {}, options: { emulatorOptions?: EmulatorOptions; inMemory?: boolean; wrapStore?: ServiceOptions['wrapStore'] } = {}): Promise<DemoBot> {
  const dataDir = options.inMemory ? undefined : mkdtempSync(path.join(tmpdir(), 'passkey-coach-demo-'));
  const databaseFile = dataDir ? path.join(dataDir, 'coach.db') : undefined;
  const bot = await startBot(env, { emulators: true, emulatorOptions: options.emulatorOptions, databasePath: databaseFile, wrapStore: options.wrapStore });
  const demo = bot.environment;
  if (!demo) {
    await bot.stop();
    throw new Error('demo mode started without its emulators');
  }
  return {
    ...bot,
    demo,
    databaseFile,
    async stop() {
      await bot.stop();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The Adaptive Card content of each attachment in a list of activities. */
export function cardsIn(activities: unknown): Record<string, unknown>[] {
  const list = Array.isArray(activities) ? activities : [];
  return list.flatMap((activity: { attachments?: { contentType?: string; content?: Record<string, unknown> }[] }) =>
    (activity.attachments ?? []).filter((a) => a.contentType === 'application/vnd.microsoft.card.adaptive').map((a) => a.content ?? {}),
  );
}

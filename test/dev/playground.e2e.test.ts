// A person's path through the demo: Microsoft 365 Agents Playground, on loopback only, chatting with the bot.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../support/bot-harness.js';

const root = path.resolve(import.meta.dirname, '..', '..');
let bot: RunningBot;
let launcher: ChildProcess;
let port = 0;
let output = '';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address ? address.port : 0;
}

/** Addresses listening on a TCP port, read from the kernel's table: no traffic leaves loopback to find out. */
function listenersOn(tcpPort: number): string[] {
  const hexPort = tcpPort.toString(16).toUpperCase().padStart(4, '0');
  return ['/proc/net/tcp', '/proc/net/tcp6'].flatMap((file) =>
    readFileSync(file, 'utf8')
      .split('\n')
      .slice(1)
      .map((line) => line.trim().split(/\s+/))
      .filter((cols) => cols[3] === '0A' && cols[1]?.endsWith(`:${hexPort}`))
      .map((cols) => cols[1]?.split(':')[0] ?? ''),
  );
}

beforeAll(async () => {
  bot = await startBot({});
  const requested = await freePort();
  // The bot runs on another port than 3978, as `PORT=… npm run demo` would run it: the same PORT finds it.
  launcher = spawn(process.execPath, [path.join(root, 'scripts', 'playground.mjs'), '--no-browser', '--port', String(requested)], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(bot.service.port) },
  });
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  launcher.stdout?.on('data', collect);
  launcher.stderr?.on('data', collect);
  const deadline = Date.now() + 30_000;
  while (!/Listening on (\d+)/.test(output)) {
    if (Date.now() > deadline || launcher.exitCode !== null) throw new Error(`the playground did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  port = Number(/Listening on (\d+)/.exec(output)?.[1]);
}, 60_000);

afterAll(async () => {
  if (launcher && launcher.exitCode === null) {
    const exited = new Promise((resolve) => launcher.once('exit', resolve));
    launcher.kill('SIGTERM');
    await exited;
  }
  await bot?.stop();
});

/** The launcher run to its end, for the cases where it refuses to start. */
function launch(env: Record<string, string>, args: string[] = []): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(root, 'scripts', 'playground.mjs'), '--no-browser', ...args], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let text = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    child.once('exit', (code) => resolve({ code, output: text }));
  });
}

describe('finding the bot', () => {
  it('uses the bot already running on PORT, and starts no second one', () => {
    expect(output).toContain(`playground: using the bot at ${bot.url}.`);
    expect(output).not.toContain('starting the demo bot');
  });

  it('says what to set when something else holds the port, instead of starting a demo there', async () => {
    const other = createHttpServer((_req, res) => {
      res.statusCode = 404;
      res.end();
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const { code, output: said } = await launch({ PORT: String((other.address() as AddressInfo).port) }, ['--port', String(await freePort())]);
      expect(code).toBe(2);
      expect(said).toMatch(/it is not a ready Passkey Coach bot\. If the demo runs on another port, set PORT to it .*or BOT_URL to its address/);
      expect(said).not.toContain('starting the demo bot');
    } finally {
      other.closeAllConnections();
      other.close();
    }
  });

  it('refuses a PORT or BOT_URL that is not one, in words', async () => {
    expect((await launch({ PORT: 'abc' })).output).toContain(`PORT must be the demo bot's port, a number (it is "abc")`);
    expect((await launch({ BOT_URL: 'not a url' })).output).toContain('BOT_URL (or --bot) must be the bot\'s address');
  });
});

describe('Microsoft 365 Agents Playground against the demo bot', () => {
  it('listens on 127.0.0.1 only', () => {
    const listeners = listenersOn(port);
    expect(listeners.length).toBeGreaterThan(0);
    for (const address of listeners) expect(['0100007F', '0000000000000000FFFF00000100007F']).toContain(address);
  });

  it('knows the demo personas, the unenrolled employee first', async () => {
    const config = (await (await fetch(`http://127.0.0.1:${port}/_internal/v1/config`)).json()) as {
      config: { currentUser: { name: string; aadObjectId: string }; users: { name: string }[] };
    };
    const seed = JSON.parse(readFileSync(path.join(root, 'demo', 'tenant.json'), 'utf8')) as { personas: { employee: string } };
    expect(config.config.currentUser.aadObjectId).toBe(seed.personas.employee);
    expect(config.config.users).toHaveLength(5);
  });

  it('lets a person chat as the demo employee and see the bot answer', async () => {
    const received: string[] = [];
    const socket = new WebSocket(`ws://127.0.0.1:${port}/_ws_conversation/v1/conversations/stream`);
    socket.onmessage = (event) => received.push(String(event.data));
    await new Promise((resolve) => {
      socket.onopen = resolve;
    });
    const config = (await (await fetch(`http://127.0.0.1:${port}/_internal/v1/config`)).json()) as {
      config: { currentUser: { id: string }; personalChat: { id: string } };
    };
    const chatId = config.config.personalChat.id;
    const sent = await fetch(`http://127.0.0.1:${port}/_conversation/v1/conversations/${encodeURIComponent(chatId)}/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: { id: config.config.currentUser.id }, text: 'help', textFormat: 'plain' }),
    });
    expect(sent.status).toBe(200);
    // The bot's reply reaches the playground's connector, which streams it to its chat window.
    const deadline = Date.now() + 10_000;
    while (!received.some((m) => m.includes('"createMessage"') && m.includes('What I can do for you'))) {
      if (Date.now() > deadline) throw new Error(`no reply on the stream: ${received.join('\n').slice(0, 500)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    socket.close();
    // A 1:1 chat is kept under its person.
    const chats = await bot.service.store.list<{ reference: { serviceUrl: string; conversation?: { id?: string } } }>('personal-chats', { limit: 1000 });
    const stored = chats.records.find((record) => record.value.reference.conversation?.id === chatId);
    expect(stored?.value.reference.serviceUrl).toContain(`127.0.0.1:${port}`);
  });

  it("logs nothing as refused when the Playground checks the bot's endpoint", () => {
    expect(bot.logs.entries().filter((entry) => entry.level === 'warn' || entry.level === 'error')).toEqual([]);
  });
});

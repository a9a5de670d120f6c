// The README's "talk to the endpoint directly" example, run as written (with the banner's connector URL and this
// bot's port): the reply comes back in the response, the answer that follows reaches the connector emulator, and Ava's
// stored chat leads there. The example it replaced (a serviceUrl where nothing listens) no longer takes her address.

import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { StoredConversation } from '../../src/messaging/conversation-references.js';
import { demoBotSuite } from '../support/demo-suite.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const { bot, demo } = demoBotSuite();

/** The README's shell block that posts to /api/messages, with this run's connector URL and bot port put in. */
function readmeExample(): string {
  const block = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '').find((text) => text.includes('/api/messages'));
  if (!block) throw new Error('the README has no curl example for /api/messages');
  expect(block).toMatch(/^CONNECTOR=http:\/\/127\.0\.0\.1:\d+\/ /m);
  return block.replace(/^CONNECTOR=\S+/m, `CONNECTOR=${demo().connector.serviceUrl}`).replaceAll('http://127.0.0.1:3978', bot().url);
}

async function avasChat(): Promise<StoredConversation | undefined> {
  return (await bot().service.store.get<StoredConversation>('personal-chats', demo().seed.personas?.employee ?? ''))?.value;
}

async function waitFor(condition: () => boolean | Promise<boolean>): Promise<void> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > 15_000) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the README's curl example", () => {
  it('gets the reply in the response and the status that follows in the connector emulator', async () => {
    const { stdout } = await promisify(execFile)('bash', ['-c', readmeExample()], { cwd: root });
    expect(stdout).toContain('"activities"');
    expect(stdout).toMatch(/[Cc]hecking/);
    const followUps = () => demo().connector.activities({ conversationId: 'a:demo' });
    await waitFor(() => followUps().length > 0);
    expect(JSON.stringify(followUps()[0]?.activity)).toMatch(/passkey/i);
    expect((await avasChat())?.reference).toMatchObject({ serviceUrl: demo().connector.serviceUrl, conversation: { id: 'a:demo' } });
  });

  it("never lets an address where nothing answers replace Ava's chat, and says so in the log", async () => {
    const before = await avasChat();
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const body = JSON.parse(/-d '([\s\S]*?)'\n/.exec(readmeExample())?.[1]?.replace(`"'"$CONNECTOR"'"`, `"http://127.0.0.1:${port}/"`) ?? '{}') as Record<string, unknown>;
    const answer = await bot().post({ ...body, text: 'help', conversation: { id: 'a:elsewhere', conversationType: 'personal' } });
    expect(answer.status, answer.text).toBe(200);
    expect((await avasChat())?.reference).toEqual(before?.reference);
    expect(await bot().service.store.get('conversation-refs', 'a:elsewhere')).toBeUndefined();
    const warning = bot().logs.entries().find((entry) => String(entry.msg).startsWith("not keeping an activity's serviceUrl"));
    expect(warning).toMatchObject({ level: 'warn', serviceUrl: `http://127.0.0.1:${port}/`, keptHost: new URL(demo().connector.serviceUrl).host });
    expect(String(warning?.msg)).toContain(`nothing answers at 127.0.0.1:${port}`);
  });
});

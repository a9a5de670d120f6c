// Commands are matched exactly after normalisation, and the app manifest offers only real commands.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, parseCommand } from '../../src/onboarding/commands.js';

describe('parseCommand', () => {
  it.each(['help', 'HELP', ' Help! ', 'help.', '?', 'menu', 'Hi', 'what can you do?'])('reads %j as help', (text) => {
    expect(parseCommand(text)).toEqual({ id: 'help', argument: '' });
  });

  it('takes the longest command first and keeps the argument as typed', () => {
    expect(parseCommand('TAP request  Mara.Jensen@Contoso.com ')).toEqual({ id: 'tapRequest', argument: 'Mara.Jensen@Contoso.com' });
    expect(parseCommand('campaign status')).toEqual({ id: 'campaignStatus', argument: '' });
  });

  it.each([
    ['tap request jane@contoso.com.', 'jane@contoso.com'],
    ['tap cancel 12?', '12'],
    ['Tap   Request\tÉlodie.Durand@contoso.com', 'Élodie.Durand@contoso.com'],
    ['  tap request   a.b@c.example  ', 'a.b@c.example'],
  ])('keeps the whole argument of %j', (text, argument) => {
    expect(parseCommand(text)?.argument).toBe(argument);
  });

  it('does not treat a sentence that starts like a command as that command', () => {
    expect(parseCommand('help me understand why my employer needs this')).toBeUndefined();
    expect(parseCommand('statuses')).toBeUndefined();
    expect(parseCommand('campaign')).toBeUndefined();
  });

  it('needs the argument for commands that take one', () => {
    expect(parseCommand('tap request')).toEqual({ id: 'tapRequest', argument: '' });
  });
});

describe('the app manifest', () => {
  const manifest = JSON.parse(readFileSync(path.join(import.meta.dirname, '..', '..', 'appPackage', 'manifest.json'), 'utf8')) as {
    bots: { commandLists: { scopes: string[]; commands: { title: string; description: string }[] }[] }[];
  };
  const titles = manifest.bots.flatMap((bot) => bot.commandLists.flatMap((list) => list.commands.map((command) => command.title)));

  it('lists only commands the bot knows, spelled exactly as the bot matches them', () => {
    const known = new Set<string>(Object.values(COMMANDS).map((spec) => spec.text));
    expect(titles.length).toBeGreaterThan(0);
    for (const title of titles) expect(known.has(title), title).toBe(true);
    // Each title is read as the command whose text it is, nothing else.
    const idOf = new Map(Object.entries(COMMANDS).map(([id, spec]) => [spec.text as string, id]));
    for (const title of titles) expect(parseCommand(title)?.id, title).toBe(idOf.get(title));
  });

  it('offers help in every scope', () => {
    for (const list of manifest.bots[0]?.commandLists ?? []) expect(list.commands.map((c) => c.title)).toContain('help');
  });
});

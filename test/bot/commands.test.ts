// Commands are matched exactly after normalisation, and the app manifest offers only real commands.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, normaliseText, parseCommand } from '../../src/onboarding/commands.js';

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

  it('reads every message as trying each pattern in turn would: the quick test before it drops nothing', () => {
    // The reading without the quick test: each command's words, then an argument, tried on the message itself.
    const byLength = Object.entries(COMMANDS).sort((a, b) => b[1].text.length - a[1].text.length);
    const reference = (message: string) => {
      const normalised = normaliseText(message);
      if (['?', 'menu', 'commands', 'what can you do', 'hi', 'hello', 'hey', 'start'].includes(normalised)) return { id: 'help', argument: '' };
      for (const [id, spec] of byLength) {
        if (normalised === spec.text) return { id, argument: '' };
        if ('argument' in spec) {
          const match = new RegExp(`^\\s*${spec.text.split(' ').join('\\s+')}\\s+(\\S[\\s\\S]*)$`, 'iu').exec(message.normalize('NFKC'));
          if (match) return { id, argument: (match[1] ?? '').trim().replace(/[.!?…,;]+$/u, '').trim() };
        }
      }
      return undefined;
    };
    const forms = (text: string) => [text, text.toUpperCase(), text.replace(' ', '\u00a0'), text.replace(' ', ' \t '), `\u3000${text}`, text.replace('a', '\uff41'), text.replace(' ', '')];
    const tails = [' x', ' x.', ' .', ' ?!', '\u2003Élodie', '\n\nbody', ' ＡＢＣ', 'x', '', ' ', '!', ' all', ' 12?'];
    let compared = 0;
    for (const { text } of Object.values(COMMANDS)) {
      for (const form of forms(text)) {
        for (const tail of tails) {
          expect(parseCommand(form + tail), JSON.stringify(form + tail)).toEqual(reference(form + tail));
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
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

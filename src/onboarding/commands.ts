// The commands people type, as constants matched exactly after normalisation: never routed by splitting strings.

export type Audience = 'everyone' | 'employee' | 'manager' | 'leadership' | 'helpdesk' | 'admin';

export interface CommandSpec {
  /** Exactly what a person types (also the manifest's command title). */
  readonly text: string;
  readonly audience: Audience;
  /** Shown in the help card and the manifest. */
  readonly description: string;
  /** Argument hint, e.g. `<upn>`; absent when the command takes none. */
  readonly argument?: string;
  /** False until the feature that answers it ships: help does not offer what the bot cannot do yet. */
  readonly available: boolean;
  /**
   * Answered only in the person's own chat with the coach, never in a channel where others read along: it is about
   * their own account, names people, or hands out a link to everyone's results. The team scope never offers it.
   */
  readonly personalOnly?: true;
}

export const COMMANDS = {
  help: { text: 'help', audience: 'everyone', description: 'What I can do for you', available: true },
  status: { text: 'status', audience: 'employee', description: 'Check whether your passkey is set up', available: true, personalOnly: true },
  setup: { text: 'setup', audience: 'employee', description: 'Step-by-step passkey set-up for your device', available: true, personalOnly: true },
  talkToPerson: { text: 'talk to a person', audience: 'employee', description: 'Ask the helpdesk to contact you', available: true, personalOnly: true },
  team: { text: 'team', audience: 'manager', description: 'Where your direct reports stand with their passkeys, and nudge them', available: true, personalOnly: true },
  teamAll: { text: 'team all', audience: 'manager', description: 'The teams below you, by manager, with counts', available: true, personalOnly: true },
  digest: { text: 'digest', audience: 'leadership', description: "The leadership digest: the roll-out's progress by department, now", available: true, personalOnly: true },
  tapRequest: { text: 'tap request', audience: 'helpdesk', argument: '<upn>', description: 'Request a Temporary Access Pass for someone', available: true, personalOnly: true },
  tapList: { text: 'tap list', audience: 'helpdesk', description: 'Your open pass requests, and those waiting for your approval', available: true, personalOnly: true },
  tapCancel: { text: 'tap cancel', audience: 'helpdesk', argument: '<id>', description: 'Cancel one of your pass requests', available: true, personalOnly: true },
  queueDone: { text: 'queue done', audience: 'helpdesk', argument: '<upn>', description: 'Take someone you helped out of the "talk to a person" queue', available: true, personalOnly: true },
  campaignPreview: { text: 'campaign preview', audience: 'admin', description: 'Who a campaign would reach', available: true },
  campaignStart: { text: 'campaign start', audience: 'admin', argument: '[<name> deadline <YYYY-MM-DD> waves <N>]', description: 'Start a roll-out campaign', available: true },
  campaignStatus: { text: 'campaign status', audience: 'admin', description: 'Progress of the current campaign', available: true },
  campaignPause: { text: 'campaign pause', audience: 'admin', description: 'Pause sending', available: true },
  campaignResume: { text: 'campaign resume', audience: 'admin', description: 'Resume sending', available: true },
  campaignExport: { text: 'campaign export', audience: 'admin', description: 'Download campaign results as CSV', available: true, personalOnly: true },
} as const satisfies Record<string, CommandSpec>;

export type CommandId = keyof typeof COMMANDS;

/** Other ways people ask for help, matched exactly like commands. */
const HELP_ALIASES = ['?', 'menu', 'commands', 'what can you do', 'hi', 'hello', 'hey', 'start'];

export interface ParsedCommand {
  id: CommandId;
  /** Whatever follows the command words, trimmed (e.g. the UPN of `tap request`). */
  argument: string;
}

/** Lower-cases, folds white space and drops trailing punctuation, so "Help!" and " help " mean the same. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[.!?…]+$/u, (match) => (match === '?' && text.trim() === '?' ? match : ''))
    .trim()
    .toLowerCase();
}

/** The command a message starts with, longest command first so "campaign status" never matches a shorter command. */
export function parseCommand(text: string): ParsedCommand | undefined {
  const normalised = normaliseText(text);
  if (HELP_ALIASES.includes(normalised)) return { id: 'help', argument: '' };
  for (const [id, spec] of COMMAND_ORDER) {
    if (normalised === spec.text) return { id, argument: '' };
    // The words, then an argument: the normalised text starts with them and a space (a quick test before the pattern).
    if (spec.argument && normalised.startsWith(spec.text) && normalised[spec.text.length] === ' ') {
      // On the original text (NFKC only), so the argument keeps its case and every character.
      const match = commandPattern(spec.text).exec(text.normalize('NFKC'));
      if (match) return { id, argument: (match[1] ?? '').trim().replace(/[.!?…,;]+$/u, '').trim() };
    }
  }
  return undefined;
}

const patterns = new Map<string, RegExp>();

/** The command words followed by an argument, compiled once per command. */
function commandPattern(words: string): RegExp {
  let pattern = patterns.get(words);
  if (!pattern) {
    const escaped = words.split(' ').map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    pattern = new RegExp(`^\\s*${escaped.join('\\s+')}\\s+(\\S[\\s\\S]*)$`, 'iu');
    patterns.set(words, pattern);
  }
  return pattern;
}

const COMMAND_ORDER: [CommandId, CommandSpec][] = (Object.entries(COMMANDS) as [CommandId, CommandSpec][]).sort(
  (a, b) => b[1].text.length - a[1].text.length,
);

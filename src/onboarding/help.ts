// The help card: what this person can do with the coach, from the command registry, in their language.

import { type Attachment, CardFactory } from 'botbuilder';
import { type Audience, COMMANDS, type CommandId, type CommandSpec } from './commands.js';
import type { CardJson, CardRenderer } from '../cards/card-renderer.js';
import { organisationIn } from '../shared/strings.js';

export interface HelpDeps {
  cards: CardRenderer;
  /** ORGANISATION_NAME (or the demo tenant's); unset, each language's own words for "your organisation". */
  organisationName: string | undefined;
  privacy: { retentionDays: number; keepsObjectionText: boolean };
}

/**
 * Where the card is asked for: the person's own chat lists what they can do there; a team channel lists what is
 * answered in a channel (help and the campaign's admin commands), not what belongs to their own chat.
 */
export type HelpPlace = 'personal' | 'channel';

const AUDIENCES: Record<HelpPlace, readonly Audience[]> = { personal: ['everyone', 'employee'], channel: ['everyone', 'admin'] };

/**
 * `manager`: the person has direct reports; `leadership`: they may read the leadership digest. Their own chat's card
 * then lists those commands too.
 */
export function helpCard(deps: HelpDeps, locale: string, where: HelpPlace = 'personal', manager = false, leadership = false): Attachment {
  return CardFactory.adaptiveCard(helpCardJson(deps, locale, where, manager, leadership));
}

/** The card depends only on the settings, the language and the place: made once each, then shared (frozen). */
const made = new WeakMap<HelpDeps, Map<string, CardJson>>();

export function helpCardJson(deps: HelpDeps, locale: string, where: HelpPlace = 'personal', manager = false, leadership = false): CardJson {
  let cards = made.get(deps);
  if (!cards) {
    cards = new Map();
    made.set(deps, cards);
  }
  const extra: Audience[] = where === 'personal' ? [...(manager ? ['manager' as const] : []), ...(leadership ? ['leadership' as const] : [])] : [];
  const key = `${locale}\n${where}\n${extra.join(',')}`;
  let card = cards.get(key);
  if (!card) {
    // Frozen by the renderer already.
    card = makeHelpCard(deps, locale, where, extra);
    cards.set(key, card);
  }
  return card;
}

function makeHelpCard(deps: HelpDeps, locale: string, where: HelpPlace, extra: readonly Audience[]): CardJson {
  const audiences: readonly Audience[] = [...AUDIENCES[where], ...extra];
  const say = (key: string, params?: Record<string, number>) => deps.cards.strings.text(locale, `onboarding.${key}`, params);
  const commands = (Object.entries(COMMANDS) as [CommandId, CommandSpec][])
    .filter(([, spec]) => spec.available && audiences.includes(spec.audience) && (where === 'personal' || !spec.personalOnly))
    // The commands are typed as they are in every language; what they do is said in the person's.
    .map(([id, spec]) => ({ command: spec.argument ? `${spec.text} ${spec.argument}` : spec.text, description: say(`commands.${id}`) }));
  const days = { days: deps.privacy.retentionDays };
  return deps.cards.render(
    'help',
    {
      organisation: organisationIn(deps.cards.strings, locale, deps.organisationName),
      commands,
      privacy: [say(deps.privacy.keepsObjectionText ? 'privacyWords' : 'privacyTopics', days), say('privacyWho'), say('privacyNever')],
    },
    locale,
  );
}

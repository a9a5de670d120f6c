// The help card: what this person can do with the coach, from the command registry.

import { type Attachment, CardFactory } from 'botbuilder';
import { type Audience, COMMANDS, type CommandSpec } from '../bot/commands.js';
import type { CardJson, CardRenderer } from '../cards/card-renderer.js';

export interface HelpDeps {
  cards: CardRenderer;
  organisationName: string;
}

/** Roles are resolved from the directory in a later feature; until then everyone is an employee. */
export function helpCard(deps: HelpDeps, audiences?: readonly Audience[]): Attachment {
  return CardFactory.adaptiveCard(helpCardJson(deps, audiences));
}

export function helpCardJson(deps: HelpDeps, audiences: readonly Audience[] = ['everyone', 'employee']): CardJson {
  const commands = (Object.values(COMMANDS) as CommandSpec[])
    .filter((spec) => spec.available && audiences.includes(spec.audience))
    .map((spec) => ({ command: spec.argument ? `${spec.text} ${spec.argument}` : spec.text, description: spec.description }));
  return deps.cards.render('help', { organisation: deps.organisationName, commands });
}

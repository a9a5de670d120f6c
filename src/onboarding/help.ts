// The help card: what this person can do with the coach, from the command registry.

import { type Attachment, CardFactory } from 'botbuilder';
import { type Audience, COMMANDS, type CommandSpec } from './commands.js';
import type { CardJson, CardRenderer } from '../cards/card-renderer.js';

export interface HelpDeps {
  cards: CardRenderer;
  organisationName: string;
  privacy: { retentionDays: number; keepsObjectionText: boolean };
}

/** Roles are resolved from the directory in a later feature; until then everyone is an employee. */
export function helpCard(deps: HelpDeps, audiences?: readonly Audience[]): Attachment {
  return CardFactory.adaptiveCard(helpCardJson(deps, audiences));
}

export function helpCardJson(deps: HelpDeps, audiences: readonly Audience[] = ['everyone', 'employee']): CardJson {
  const commands = (Object.values(COMMANDS) as CommandSpec[])
    .filter((spec) => spec.available && audiences.includes(spec.audience))
    .map((spec) => ({ command: spec.argument ? `${spec.text} ${spec.argument}` : spec.text, description: spec.description }));
  return deps.cards.render('help', {
    organisation: deps.organisationName,
    commands,
    privacy: [
      deps.privacy.keepsObjectionText
        ? `I keep the topics you ask me about, your words, and when, for ${deps.privacy.retentionDays} days; then they are deleted.`
        : `I keep the topics you ask me about and when, not your words, for ${deps.privacy.retentionDays} days; then they are deleted.`,
      'Your manager sees those topics only if you decide not to set up a passkey and they are asked to decide. The helpdesk sees them only if you ask for a person, until someone has helped you. Admins see totals for the whole organisation, not what any one person asked.',
      'I never see your phone, your photos, your messages or your location.',
    ],
  });
}

// Set-up, for this person: the platform picker, or straight to the steps for the phone or platform they named, with
// what is true for them (their model can or cannot run what passkeys need; whether synced passkeys count in their
// organisation). A phone that cannot do it gets the alternatives instead of steps that would fail.

import { type CardJson, type CardRenderer, TrustedMarkdown } from '../cards/card-renderer.js';
import type { DeviceMention } from '../enrollment/device-models.js';
import type { Guides, PlatformId } from '../enrollment/guides.js';
import type { PasskeyRules } from '../enrollment/passkey-rules.js';
import { BUTTONS } from './answer-cards.js';

const OS_NAMES: Partial<Record<PlatformId, string>> = { iphone: 'iOS', android: 'Android' };
const CHECK_VERSION: Partial<Record<PlatformId, string>> = {
  iphone: 'To check yours: Settings > General > About > iOS Version.',
  android: 'To check yours: Settings > About phone > Software information (or Android version).',
};

export function platformPicker(cards: CardRenderer, guides: Guides): CardJson {
  return cards.render('platform-picker', { platforms: guides.platforms.map((p) => ({ id: p.id, label: p.label })) });
}

/** The steps for a platform, with the notes that are true for this person; a phone that cannot do it gets the alternatives. */
export function setupCard(cards: CardRenderer, guides: Guides, platform: PlatformId, mention: DeviceMention | undefined, rules: PasskeyRules): CardJson {
  if (mention?.model && mention.verdict && mention.verdict !== 'supported') return cannotCard(cards, mention);
  const guide = guides.platforms.find((p) => p.id === platform);
  if (!guide) return platformPicker(cards, guides);
  return cards.render('platform-steps', {
    title: guide.title,
    requirements: guide.requirements,
    notes: [...deviceNotes(platform, mention), ...policyNotes(rules, platform)],
    steps: guide.steps.map((step) => new TrustedMarkdown(step)),
    troubleshooting: guide.troubleshooting.map((item) => new TrustedMarkdown(item)),
    links: guide.links,
    mySecurityInfoUrl: guides.mySecurityInfoUrl,
  });
}

function deviceNotes(platform: PlatformId, mention: DeviceMention | undefined): string[] {
  const os = OS_NAMES[platform];
  if (!os || !mention?.required) return [];
  const check = CHECK_VERSION[platform] ?? '';
  if (mention.model) {
    return [`The ${mention.model.name} can run ${os} ${mention.required} or later, which passkeys need. Make sure yours is up to date first. ${check}`];
  }
  return [`Passkeys need ${os} ${mention.required} or later. ${check}`];
}

function policyNotes(rules: PasskeyRules, platform: PlatformId): string[] {
  if (rules.kind === 'not-enabled') return ['Passkeys are not switched on for your account yet. The steps below will not work until they are: the helpdesk can tell you when.'];
  if (rules.kind !== 'rules') return [];
  const notes: string[] = [];
  if (!rules.synced && (platform === 'iphone' || platform === 'android')) {
    notes.push('Your organisation accepts passkeys that stay on one device: create it in Microsoft Authenticator, as below. A passkey saved in iCloud Keychain or Google Password Manager will not count.');
  }
  if (rules.restricted && platform === 'security-key') notes.push('Your organisation accepts only certain models of security key. Ask the helpdesk which before you buy one.');
  return notes;
}

/** The model cannot run what passkeys need (or has no Play Store): the honest answer, and what works instead. */
function cannotCard(cards: CardRenderer, mention: DeviceMention): CardJson {
  const model = mention.model as NonNullable<DeviceMention['model']>;
  const os = OS_NAMES[mention.platform] ?? 'the system';
  const why =
    mention.verdict === 'no-play-store'
      ? `The ${model.name} comes without Google's services, so Microsoft Authenticator is not available for it from the Play Store, and a passkey in Authenticator is what your organisation asks for.`
      : `Passkeys in Microsoft Authenticator need ${os} ${mention.required} or later, and the ${model.name} stopped at ${os} ${model.lastOs}: ${model.maker} no longer updates it that far.`;
  return cards.render('notice', {
    title: `The ${model.name} can't hold a passkey`,
    paragraphs: [
      why,
      "You have other ways in: a security key (a small key your organisation can provide), Windows Hello on a work PC your organisation set up, or a newer phone if you have one. A person from the helpdesk can work out the best one with you.",
    ],
    actions: [BUTTONS['security-key'], BUTTONS['windows-hello'], BUTTONS['talk-to-person']],
  });
}

// Set-up, for this person: the platform picker, or straight to the steps for the phone or platform they named, with
// what is true for them (their model can or cannot run what passkeys need; whether synced passkeys count in their
// organisation). A phone that cannot do it gets the alternatives instead of steps that would fail.

import { type CardJson, TrustedMarkdown } from '../cards/card-renderer.js';
import type { DeviceMention } from '../enrollment/device-models.js';
import type { PlatformId } from '../enrollment/guides.js';
import type { PasskeyRules } from '../enrollment/passkey-rules.js';
import type { CoachContext } from './coach-context.js';

export function platformPicker(coach: CoachContext, locale: string): CardJson {
  return coach.deps.cards.render('platform-picker', { platforms: coach.deps.guides(locale).platforms.map((p) => ({ id: p.id, label: p.label })) }, locale);
}

/** The steps for a platform, with the notes that are true for this person; a phone that cannot do it gets the alternatives. */
export function setupCard(coach: CoachContext, locale: string, platform: PlatformId, mention: DeviceMention | undefined, rules: PasskeyRules): CardJson {
  if (mention?.model && mention.verdict && mention.verdict !== 'supported') return cannotCard(coach, locale, mention);
  const guides = coach.deps.guides(locale);
  const guide = guides.platforms.find((p) => p.id === platform);
  if (!guide) return platformPicker(coach, locale);
  return coach.deps.cards.render(
    'platform-steps',
    {
      title: guide.title,
      requirements: guide.requirements,
      notes: [...deviceNotes(coach, locale, platform, mention), ...policyNotes(coach, locale, rules, platform)],
      steps: guide.steps.map((step) => new TrustedMarkdown(step)),
      troubleshooting: guide.troubleshooting.map((item) => new TrustedMarkdown(item)),
      links: guide.links,
      mySecurityInfoUrl: guides.mySecurityInfoUrl,
    },
    locale,
  );
}

function deviceNotes(coach: CoachContext, locale: string, platform: PlatformId, mention: DeviceMention | undefined): string[] {
  if ((platform !== 'iphone' && platform !== 'android') || !mention?.required) return [];
  const os = coach.say(locale, `setup.osName.${platform}`);
  const check = coach.say(locale, `setup.checkVersion.${platform}`);
  if (mention.model) return [coach.say(locale, 'setup.modelCanRun', { model: mention.model.name, os, version: mention.required, check })];
  return [coach.say(locale, 'setup.versionNeeded', { os, version: mention.required, check })];
}

function policyNotes(coach: CoachContext, locale: string, rules: PasskeyRules, platform: PlatformId): string[] {
  if (rules.kind === 'not-enabled') return [coach.say(locale, 'setup.notEnabled')];
  if (rules.kind !== 'rules') return [];
  const notes: string[] = [];
  if (!rules.synced && (platform === 'iphone' || platform === 'android')) notes.push(coach.say(locale, 'setup.deviceBoundOnly'));
  if (rules.restricted && platform === 'security-key') notes.push(coach.say(locale, 'setup.restrictedKeys'));
  return notes;
}

/** The model cannot run what passkeys need (or has no Play Store): the honest answer, and what works instead. */
function cannotCard(coach: CoachContext, locale: string, mention: DeviceMention): CardJson {
  const model = mention.model as NonNullable<DeviceMention['model']>;
  const os = mention.platform === 'iphone' || mention.platform === 'android' ? coach.say(locale, `setup.osName.${mention.platform}`) : '';
  const why =
    mention.verdict === 'no-play-store'
      ? coach.say(locale, 'setup.noPlayStore', { model: model.name })
      : coach.say(locale, 'setup.tooOld', { model: model.name, os, version: mention.required ?? '', last: model.lastOs ?? '', maker: model.maker });
  return coach.deps.cards.render(
    'notice',
    {
      title: coach.say(locale, 'setup.cannotTitle', { model: model.name }),
      paragraphs: [why, coach.say(locale, 'setup.otherWays')],
      actions: [coach.button(locale, 'security-key'), coach.button(locale, 'windows-hello'), coach.button(locale, 'talk-to-person')],
    },
    locale,
  );
}

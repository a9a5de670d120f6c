// The digest's card: everyone first, then each department large enough to show and the small ones together, each with
// the same five lines; the invitation texts compared, when they are; the notes on how the figures are made; and a link
// to the tab's Leadership view.

import type { WordedDigest, WordedRow } from './digest-words.js';

export const DIGEST_CARD = 'digest';

export function digestCardData(digest: WordedDigest, link: { title: string; url: string } | undefined): Record<string, unknown> {
  const facts = (row: WordedRow) => [
    { title: digest.labels.enrolled, value: row.words.enrolled },
    { title: digest.labels.change, value: row.words.change },
    { title: digest.labels.refusedNow, value: row.words.refusedNow },
    { title: digest.labels.exceptionEver, value: row.words.exceptionEver },
    { title: digest.labels.concerns, value: row.words.concerns },
  ];
  return {
    title: digest.title,
    subtitle: digest.subtitle,
    sections: [
      ...[digest.overall, ...digest.rows].map((row) => ({ heading: row.label, facts: facts(row) })),
      ...(digest.experiment ? [{ heading: digest.experiment.heading, facts: digest.experiment.lines.map(({ label, value }) => ({ title: label, value })) }] : []),
    ],
    notes: [...(digest.experiment?.notes ?? []), ...digest.notes],
    links: link ? [link] : [],
  };
}

// Demo mode's view of the running campaign on the terminal: a bar that fills as people are reached, reply and enrol
// (rewritten in place on a terminal, with log lines written above it; a new line for each change in a file or a pipe).

import type { StatusLine } from '../logging/status-line.js';
import type { Figures } from './campaign-figures.js';
import { type CampaignStatus, campaignStatus } from './campaign-report.js';
import type { Campaigns } from './campaigns.js';

const BAR_WIDTH = 30;

export function progressLine(status: CampaignStatus): string {
  const { total } = status;
  const share = (n: number) => (total.targeted === 0 ? 0 : n / total.targeted);
  const filled = Math.round(share(total.reached) * BAR_WIDTH);
  const enrolled = Math.round(share(total.enrolled) * BAR_WIDTH);
  const bar = '#'.repeat(Math.min(enrolled, filled)) + '='.repeat(Math.max(0, filled - enrolled)) + '.'.repeat(BAR_WIDTH - filled);
  return `campaign "${status.campaign.name}" [${bar}] targeted ${total.targeted} · reached ${total.reached} · replied ${total.replied} · enrolled ${total.enrolled}${failedPart(total)}`;
}

function failedPart(total: Figures): string {
  return total.unreachable > 0 ? ` · unreachable ${total.unreachable}` : '';
}

/**
 * Prints the progress every `intervalMs` while the campaign changes; returns a stop function. A look reads every
 * member, so it costs in proportion to the campaign: the next look waits at least ten times as long as the last one
 * took (100 000 people: every few seconds instead of every second), and looks never overlap.
 */
export function showDemoProgress(campaigns: Campaigns, status: StatusLine, intervalMs = 1_000): () => void {
  let last = '';
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const look = async () => {
    const latest = await campaigns.records.latest();
    if (!latest || stopped) return;
    const line = progressLine(await campaignStatus(campaigns.records, latest.value));
    if (line === last || stopped) return;
    last = line;
    status.show(line);
  };
  const schedule = (delayMs: number) => {
    timer = setTimeout(async () => {
      const started = performance.now();
      // A progress line is a view, not a record: a look that fails (the store closing at shutdown) is skipped.
      await look().catch(() => undefined);
      if (!stopped) schedule(Math.max(intervalMs, 10 * (performance.now() - started)));
    }, delayMs);
    timer.unref();
  };
  schedule(intervalMs);
  return () => {
    stopped = true;
    clearTimeout(timer);
    status.end();
  };
}

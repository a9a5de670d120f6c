// CPU figures of an outreach run: a process's own CPU in seconds, a CPU counter's share of a core minute by minute, and
// what sending alone costs the bots (their CPU over the stretches in which targeting was idle).

import { round } from './numbers.mjs';

/** process.cpuUsage() in seconds. */
export function cpuTotal({ user, system }) {
  return (user + system) / 1e6;
}

/** A CPU counter's share of one core in each minute of its samples (a last stretch of 5 s or more counts too). */
export function sharePerMinute(samples) {
  const shares = [];
  let from = samples[0];
  for (const sample of samples.slice(1)) {
    const span = sample.at - from.at;
    if (span < 60_000 && !(sample === samples.at(-1) && span >= 5_000)) continue;
    shares.push(round((sample.cpu - from.cpu) / (span / 1000), 2));
    from = sample;
  }
  return shares;
}

/**
 * What sending alone costs the bots, apart from targeting: their CPU between progress lines (`stretchMs` apart) in which
 * targeting was idle (it waits while the outbox holds enough; no Graph call but the sender's installs and chats during
 * the stretch and the one before it, so a page's member writes are over), divided by the invitations sent in them. The
 * sender's share includes installing the app, opening the chat, Teams' install notice as an incoming turn and the
 * outcomes; periodic jobs running meanwhile are counted too (so it errs high).
 */
export function sendingCpu(ticks, graphCalls, stretchMs) {
  const targetingAt = graphCalls
    .filter((call) => !/\/teamwork\/installedApps/i.test(call.path))
    .map((call) => Date.parse(call.time))
    .sort((a, b) => a - b);
  const busyBetween = (from, to) => {
    let low = 0;
    let high = targetingAt.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (targetingAt[middle] < from) low = middle + 1;
      else high = middle;
    }
    return low < targetingAt.length && targetingAt[low] <= to;
  };
  let cpuSeconds = 0;
  let invitations = 0;
  for (let index = 1; index < ticks.length; index++) {
    const before = ticks[index - 1];
    const after = ticks[index];
    if (busyBetween(before.at - stretchMs, after.at)) continue;
    cpuSeconds += after.cpu - before.cpu;
    invitations += after.delivered - before.delivered;
  }
  return invitations > 0 ? { msPerInvitation: (cpuSeconds * 1000) / invitations, invitations } : null;
}


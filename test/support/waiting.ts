// Waiting in tests for work the bot does in the background (the outbox sender, the campaign scheduler).

import type { Features } from '../../src/app/compose-features.js';

/** Polls until `condition` holds; throws after `timeoutMs`. */
export async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** True when the outbox holds no row at all and nothing is being sent. */
export async function outboxDrained(features: Features): Promise<boolean> {
  for await (const page of features.outbox.waiting()) if (page.length > 0) return false;
  return features.sender.stats().inFlight === 0;
}

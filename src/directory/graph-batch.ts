// Many Graph reads in few calls: GETs sent through `$batch`, 20 a call, with the items Graph throttled asked again.

import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { GRAPH_BATCH_READS } from './directory-port.js';
import { toAppError } from './graph-errors.js';

const BATCH_SIZE = GRAPH_BATCH_READS;
const batchSchema = z
  .object({
    responses: z.array(z.object({ id: z.string(), status: z.number(), headers: z.record(z.string()).optional(), body: z.unknown().optional() }).passthrough()),
  })
  .passthrough();

function retryAfterOfItem(headers: Record<string, string> | undefined): number | undefined {
  const value = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
  const seconds = value === undefined ? Number.NaN : Number(value);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** Sends one `$batch` body, with the adapter's error handling. */
export type BatchPost = (body: { requests: { id: string; method: string; url: string }[] }) => Promise<unknown>;

export interface BatchOptions {
  /** Requests whose failure (no mailbox, a guest) leaves their answer undefined instead of failing the batch. */
  optional?: (url: string) => boolean;
  /** Waits between rounds of a batch whose items were throttled. */
  sleep: (ms: number) => Promise<void>;
}

/**
 * GETs through `$batch`, 20 a call: the answers' bodies in the order asked, undefined for a 404 (and for any
 * failure of a request `optional` accepts). Requests a batch answers 429 or 5xx for are asked again.
 */
/** In batchGet's answers: an optional read Graph refused (not a 404: it exists, but we may not see it). */
export const UNREADABLE: unique symbol = Symbol('unreadable');

export async function batchGet(post: BatchPost, urls: readonly string[], options: BatchOptions): Promise<unknown[]> {
  const bodies: unknown[] = new Array(urls.length).fill(undefined);
  for (let start = 0; start < urls.length; start += BATCH_SIZE) {
    let pending = urls.slice(start, start + BATCH_SIZE).map((url, offset) => ({ url, index: start + offset }));
    for (let round = 0; pending.length > 0 && round < 5; round++) {
      const body = { requests: pending.map(({ url }, index) => ({ id: String(index), method: 'GET', url })) };
      const answer = batchSchema.parse(await post(body));
      const retry: typeof pending = [];
      let waitMs = 0;
      for (const response of answer.responses) {
        const item = pending[Number(response.id)];
        if (item === undefined) continue;
        if (response.status >= 200 && response.status < 300) bodies[item.index] = response.body;
        else if (response.status === 429 || response.status >= 500) {
          retry.push(item);
          waitMs = Math.max(waitMs, retryAfterOfItem(response.headers) ?? 1_000 * 2 ** round);
        } else if (response.status !== 404) {
          if (!options.optional?.(item.url)) throw toAppError({ statusCode: response.status, code: 'batchItemFailed', message: `a read in a batch answered ${response.status}` });
          bodies[item.index] = UNREADABLE;
        }
      }
      pending = retry;
      if (pending.length > 0) await options.sleep(Math.min(waitMs, 60_000));
    }
    if (pending.length > 0) throw new AppError('directory.throttled', `Graph kept throttling ${pending.length} reads in a batch`);
  }
  return bodies;
}

// Many calls to a remote service at once, but not all of them: at most `limit` under way, started in the items' order.

/**
 * `each` over the items, at most `limit` at a time, answers in the items' order. After a failure, or once `signal`
 * is aborted (the caller no longer wants the rest), nothing new starts; calls under way end on their own.
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, each: (item: T, index: number) => Promise<R>, options: { signal?: AbortSignal } = {}): Promise<R[]> {
  const answers: R[] = new Array(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && !options.signal?.aborted && next < items.length) {
      const index = next++;
      try {
        answers[index] = await each(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return answers;
}

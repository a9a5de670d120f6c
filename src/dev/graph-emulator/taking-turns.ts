// Requests take turns in slices of the event loop, so a burst of them cannot keep everything else in the process unheard.

/** Waits for a request's turn; the function it gives back says the request is done (call it once, in a finally). */
export type TakeTurn = () => Promise<() => void>;

/**
 * A burst of requests (targeting's dozens of `$batch` calls at once) would otherwise be answered back to back in one
 * stretch of tens of milliseconds, during which nothing else in the process is heard: the connector emulator beside
 * the Graph emulator counts Teams' rate by when it hears a request, and such a stretch squeezed the arrivals it saw.
 * Requests start one after another while the current slice lasts (`sliceMs`), each when the one before is done or has
 * gone to wait for I/O; then the loop takes in what arrived meanwhile before the next slice. A request alone waits
 * for nothing but the loop's next check; requests waiting for I/O (a latency fault) do not hold the others up.
 */
export function takingTurns(sliceMs = 4): TakeTurn {
  const waiting: ((done: () => void) => void)[] = [];
  let draining = false;
  let sliceEndsAt = 0;
  const slice = (): void => {
    sliceEndsAt = performance.now() + sliceMs;
    step();
  };
  const step = (): void => {
    if (performance.now() >= sliceEndsAt) {
      // Queued from inside an immediate (or a request's end): runs after the I/O that came in meanwhile.
      setImmediate(slice);
      return;
    }
    const start = waiting.shift();
    if (!start) {
      draining = false;
      return;
    }
    let moved = false;
    const next = (): void => {
      if (moved) return;
      moved = true;
      step();
    };
    start(next);
    // Still not done by the loop's next check: it is waiting for I/O, and the next request may start.
    setImmediate(next);
  };
  return () =>
    new Promise((resolve) => {
      waiting.push(resolve);
      if (draining) return;
      draining = true;
      setImmediate(slice);
    });
}

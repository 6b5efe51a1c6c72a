export interface LoopOptions {
  /** Time from the start of one tick to the start of the next (a slow tick shortens the wait, never overlaps). */
  intervalMs: number;
  /** One round of work; its signal aborts when the loop is asked to stop. */
  tick: (signal: AbortSignal) => Promise<void>;
  /** A tick that threw: logged by the caller, and the loop goes on. */
  onError: (error: unknown) => void;
  /** Process signals that stop the loop (after the tick in flight). @default ['SIGTERM', 'SIGINT'] */
  stopOn?: readonly NodeJS.Signals[];
  /** Stops the loop from outside (tests, embedding). */
  signal?: AbortSignal;
}

/**
 * Runs `tick` every `intervalMs` until SIGTERM/SIGINT (or `signal`): the long-running agent's loop. A stop request
 * wakes the wait at once, and the tick in flight sees it through its signal, so systemd's stop is prompt.
 * Resolves once stopped; the signal handlers are removed again.
 */
export async function runLoop(options: LoopOptions): Promise<void> {
  const { intervalMs, tick, onError, stopOn = ['SIGTERM', 'SIGINT'], signal } = options;
  const controller = new AbortController();
  const stop = () => controller.abort();
  for (const name of stopOn) process.once(name, stop);
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    while (!controller.signal.aborted) {
      const started = performance.now();
      try {
        await tick(controller.signal);
      } catch (error) {
        onError(error);
      }
      if (controller.signal.aborted) break;
      const delay = Math.max(0, intervalMs - (performance.now() - started));
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          controller.signal.removeEventListener('abort', done);
          resolve();
        };
        const timer = setTimeout(done, delay);
        controller.signal.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    for (const name of stopOn) process.removeListener(name, stop);
    signal?.removeEventListener('abort', stop);
  }
}

// How a long-running loop of this machine's agent stops: on SIGTERM (systemd, `janitor start`) or SIGINT (Ctrl-C),
// saying which one it was.
import type { Logger } from '@janitor/protocol';

/** The part of `process` a loop listens to for its stop signals; tests pass an EventEmitter. */
export type StopSignalSource = Pick<NodeJS.EventEmitter, 'on' | 'removeListener'>;

/** Options of {@link stopOnSignals}. */
export interface StopOnSignalsOptions {
  /** @default process */
  signals?: StopSignalSource;
  /** Stops it from outside as well (tests, embedding). */
  signal?: AbortSignal | undefined;
}

/**
 * An AbortSignal that aborts on the first SIGTERM or SIGINT, which is logged as `<what> stopping signal=SIGINT`.
 * The listeners go with it: a second signal takes its default action and ends the process at once, as it did before
 * a loop listened. `dispose()` removes them when the loop ends on its own.
 */
export function stopOnSignals(
  logger: Logger,
  what: string,
  options: StopOnSignalsOptions = {},
): { signal: AbortSignal; dispose(): void } {
  const { signals = process, signal: outer } = options;
  const controller = new AbortController();
  const names = ['SIGTERM', 'SIGINT'] as const;
  const dispose = () => {
    for (const name of names) signals.removeListener(name, onSignal);
    outer?.removeEventListener('abort', onOuter);
  };
  function onSignal(name: NodeJS.Signals) {
    dispose();
    logger.info(`${what} stopping`, { signal: name });
    controller.abort();
  }
  function onOuter() {
    dispose();
    controller.abort();
  }
  for (const name of names) signals.on(name, onSignal);
  if (outer?.aborted) onOuter();
  else outer?.addEventListener('abort', onOuter, { once: true });
  return { signal: controller.signal, dispose };
}

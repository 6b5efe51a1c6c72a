// The long-running parts of a process (the outbox worker, the silent-host timer, later pollers and listeners) as one
// list: started in order, stopped in reverse, each stop with a deadline, and a failed start undoing the ones before.
import { type Logger, silentLogger } from '@janitor/protocol';

/** A part of a process that runs until it is stopped. */
export interface Component {
  /** Named in log lines and errors: `outbox worker`, `silent-host check`. */
  readonly name: string;
  /** Starts it; a throw (or a rejection) means it did not start and holds nothing. */
  start(): void | Promise<void>;
  /** Stops it; resolves once it holds nothing any more (timers cleared, work in flight ended). */
  stop(): void | Promise<void>;
}

/** Options of {@link startComponents}. */
export interface ComponentsOptions {
  logger?: Logger;
}

/** Components that started, to be stopped once. */
export interface RunningComponents {
  /** The names of the started components, in start order. */
  readonly names: readonly string[];
  /**
   * Stops every component in reverse start order, giving each at most `deadlineMs`: one that does not stop in time
   * is logged and left behind (resolves `false` then), so that a stuck stop never holds up the others.
   * Calling it again does nothing.
   */
  stop(options?: { /** @default 2000 */ deadlineMs?: number }): Promise<boolean>;
}

/** A component that failed to start; those started before it were stopped again. */
export class ComponentStartError extends Error {
  override name = 'ComponentStartError';
  readonly component: string;
  constructor(component: string, options: { cause: unknown }) {
    const why = options.cause instanceof Error ? options.cause.message : String(options.cause);
    super(`${component} did not start: ${why}`, options);
    this.component = component;
  }
}

/**
 * Starts `components` in order. When one fails, the ones already started are stopped (in reverse) and a
 * {@link ComponentStartError} naming it is thrown: the process can exit with that one line.
 *
 * @example
 * const running = await startComponents([worker, silentHostTimer], { logger });
 * process.once('SIGTERM', () => void running.stop({ deadlineMs: 5000 }));
 */
export async function startComponents(
  components: readonly Component[],
  options: ComponentsOptions = {},
): Promise<RunningComponents> {
  const { logger = silentLogger } = options;
  const started: Component[] = [];
  let stopped: Promise<boolean> | undefined;

  async function stopAll(deadlineMs: number): Promise<boolean> {
    let clean = true;
    for (const component of [...started].reverse()) {
      const done = await settled(
        Promise.resolve().then(() => component.stop()),
        deadlineMs,
      );
      if (done === 'ok') continue;
      clean = false;
      if (done === 'timeout') logger.warn('component did not stop in time', { component: component.name, deadlineMs });
      else logger.error('component failed to stop', { component: component.name, error: done.message });
    }
    return clean;
  }

  for (const component of components) {
    try {
      await component.start();
    } catch (cause) {
      await stopAll(2000);
      throw new ComponentStartError(component.name, { cause });
    }
    started.push(component);
  }
  return {
    names: started.map((c) => c.name),
    stop({ deadlineMs = 2000 } = {}) {
      stopped ??= stopAll(deadlineMs);
      return stopped;
    },
  };
}

/** Options of {@link intervalComponent}. */
export interface IntervalOptions {
  /** Told when a tick fails (the next one runs as planned). */
  logger?: Logger;
  /** Run once when the component stops (a last flush). */
  last?: () => void;
}

/**
 * A component that runs `tick` every `intervalMs` on an unref'd timer: a failed tick is logged and the next one runs
 * as planned; stopping clears the timer, then runs `last`.
 *
 * @example
 * intervalComponent('silent-host check', 30_000, () => alerts.tick(), { logger, last: () => alerts.flush() })
 */
export function intervalComponent(
  name: string,
  intervalMs: number,
  tick: () => Promise<unknown>,
  options: IntervalOptions = {},
): Component {
  const { logger = silentLogger, last } = options;
  let timer: NodeJS.Timeout | undefined;
  return {
    name,
    start() {
      timer = setInterval(() => {
        tick().catch((error: unknown) => {
          logger.error(`the ${name} failed; it runs again at the next tick`, {
            error: error instanceof Error ? error.message : String(error),
          });
        });
      }, intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      last?.();
    },
  };
}

/** True when `promise` settles within `ms`: a server that never answers must not hold up a shutdown. */
export async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return (await settled(promise, ms)) !== 'timeout';
}

/** 'ok' when `promise` resolves within `ms`, 'timeout' when it does not, the error when it rejects. */
async function settled(promise: Promise<unknown>, ms: number): Promise<'ok' | 'timeout' | Error> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), ms);
  });
  try {
    return await Promise.race([
      promise.then(
        () => 'ok' as const,
        (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
      ),
      expired,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

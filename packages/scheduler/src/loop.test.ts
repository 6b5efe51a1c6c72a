import { describe, expect, it } from 'vitest';
import { runLoop } from './loop.ts';

describe('runLoop (the long-running agent’s loop)', () => {
  it('runs the tick again and again, and goes on after a tick that threw', async () => {
    const controller = new AbortController();
    const errors: unknown[] = [];
    let ticks = 0;
    await runLoop({
      intervalMs: 1,
      stopOn: [],
      signal: controller.signal,
      onError: (e) => errors.push(e),
      tick: async () => {
        ticks += 1;
        if (ticks === 2) throw new Error('collect failed');
        if (ticks === 4) controller.abort();
      },
    });
    expect(ticks).toBe(4);
    expect(errors.map(String)).toEqual(['Error: collect failed']);
  });

  it('a stop request during the wait ends the loop at once, not at the end of the interval', async () => {
    const controller = new AbortController();
    let ticks = 0;
    const loop = runLoop({
      intervalMs: 3_600_000,
      stopOn: [],
      signal: controller.signal,
      onError: () => {},
      tick: async () => {
        ticks += 1;
        // Stop once the loop has started waiting for the next tick (an hour away).
        setImmediate(() => controller.abort());
      },
    });
    await loop; // the test's own timeout is the deadline
    expect(ticks).toBe(1);
  });

  it('SIGTERM stops it; the tick in flight sees the stop through its signal; the handlers are removed', async () => {
    const before = process.listenerCount('SIGTERM');
    const beforeInt = process.listenerCount('SIGINT');
    let seen: AbortSignal | undefined;
    await runLoop({
      intervalMs: 3_600_000,
      onError: () => {},
      tick: async (signal) => {
        seen = signal;
        expect(process.listenerCount('SIGTERM')).toBe(before + 1);
        process.emit('SIGTERM', 'SIGTERM');
        expect(signal.aborted).toBe(true);
      },
    });
    expect(seen?.aborted).toBe(true);
    expect(process.listenerCount('SIGTERM')).toBe(before);
    expect(process.listenerCount('SIGINT')).toBe(beforeInt);
  });

  it('does not tick at all when asked to stop before it starts', async () => {
    let ticks = 0;
    await runLoop({
      intervalMs: 1,
      stopOn: [],
      signal: AbortSignal.abort(),
      onError: () => {},
      tick: async () => {
        ticks += 1;
      },
    });
    expect(ticks).toBe(0);
  });
});

// Components start in order and stop in reverse, each stop within its deadline; a failed start undoes the others.
import type { LogFields } from '@janitor/protocol';
import { describe, expect, it } from 'vitest';
import { type Component, ComponentStartError, startComponents } from './components.ts';

/** A component that records its start and stop in `events`; `fail` makes its start throw, `hang` its stop. */
function recorded(events: string[], name: string, how: { fail?: boolean; hang?: boolean } = {}): Component {
  return {
    name,
    start() {
      if (how.fail) throw new Error('port taken');
      events.push(`start ${name}`);
    },
    stop: () =>
      how.hang
        ? new Promise<void>(() => events.push(`stopping ${name}`))
        : Promise.resolve().then(() => {
            events.push(`stop ${name}`);
          }),
  };
}

describe('startComponents', () => {
  it('starts in order and stops in reverse, once', async () => {
    const events: string[] = [];
    const running = await startComponents([recorded(events, 'worker'), recorded(events, 'timer')]);
    expect(running.names).toEqual(['worker', 'timer']);
    expect(await running.stop()).toBe(true);
    await running.stop();
    expect(events).toEqual(['start worker', 'start timer', 'stop timer', 'stop worker']);
  });

  it('a failed start stops those already started and names the one that failed', async () => {
    const events: string[] = [];
    const started = startComponents([
      recorded(events, 'worker'),
      recorded(events, 'listener', { fail: true }),
      recorded(events, 'timer'),
    ]);
    await expect(started).rejects.toThrow(new ComponentStartError('listener', { cause: new Error('port taken') }));
    await expect(started).rejects.toMatchObject({
      component: 'listener',
      message: 'listener did not start: port taken',
    });
    expect(events).toEqual(['start worker', 'stop worker']);
  });

  it('a stop that hangs is left behind at its deadline, and the others still stop', async () => {
    const events: string[] = [];
    const warnings: [string, LogFields | undefined][] = [];
    const logger = { debug() {}, info() {}, error() {}, warn: (m: string, f?: LogFields) => warnings.push([m, f]) };
    const running = await startComponents([recorded(events, 'worker'), recorded(events, 'poller', { hang: true })], {
      logger,
    });
    expect(await running.stop({ deadlineMs: 50 })).toBe(false);
    expect(events).toEqual(['start worker', 'start poller', 'stopping poller', 'stop worker']);
    expect(warnings).toEqual([['component did not stop in time', { component: 'poller', deadlineMs: 50 }]]);
  });
});

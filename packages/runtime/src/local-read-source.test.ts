// The local source over a read model: answers checked as the client checks the hub's, refusals said as for a hub.
import { describe, expect, it } from 'vitest';
import { type LocalReadModel, localSource } from './local-read-source.ts';
import { CliError, EXIT } from './runtime.ts';

const NOW = 1_764_662_400_000;

/** An error as the read model throws it: the status and the field the API would answer. */
function refusal(status: number, field: string, message: string): Error {
  return Object.assign(new Error(message), { status, field });
}

function model(over: Partial<LocalReadModel> = {}): LocalReadModel {
  return {
    fleet: () => ({ nowMs: NOW, hosts: [] }),
    series: () => ({ hostname: 'pi1', tier: 'raw', stepMs: 60_000, fromMs: NOW - 60_000, toMs: NOW, t: [] }),
    keys: () => ['cpu_percent', 'memory_percent'],
    ...over,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('localSource', () => {
  const where = 'the store /var/lib/janitor/janitor.db';

  it('answers what the read model answers, checked', async () => {
    let closed = false;
    const source = localSource(model(), { where, close: () => (closed = true) });
    expect(await source.fleet({})).toEqual({ nowMs: NOW, hosts: [] });
    expect((await source.series('pi1', { metrics: ['cpu_percent'] })).metrics).toEqual({});
    source.close();
    expect(closed).toBe(true);
  });

  it('says an unknown host and a missing series as for a hub, listing the series the host has', async () => {
    const source = localSource(
      model({
        series: (hostname) => {
          throw hostname === 'pi9'
            ? refusal(404, 'hostname', 'unknown host pi9')
            : refusal(400, 'metrics', 'pi1 never had gpu_percent');
        },
      }),
      { where, close: () => {} },
    );
    const unknown = await failureOf(source.series('pi9', { metrics: ['cpu_percent'] }));
    expect(unknown).toEqual(new CliError(`${where} knows no host "pi9" ('janitor status' lists them)`, EXIT.failure));
    const missing = await failureOf(source.series('pi1', { metrics: ['gpu_percent'] }));
    expect(missing).toBeInstanceOf(CliError);
    expect((missing as CliError).message).toBe(
      `pi1 has no series gpu_percent in ${where}: pi1 never had gpu_percent; it has cpu_percent, memory_percent`,
    );
  });

  it('passes on an error that is no refusal, and refuses an answer that is not what the API answers', async () => {
    const broken = new Error('disk I/O error');
    const source = localSource(
      model({
        series: () => {
          throw broken;
        },
        fleet: () => ({ hosts: [] }),
      }),
      { where, close: () => {} },
    );
    expect(await failureOf(source.series('pi1', { metrics: ['cpu_percent'] }))).toBe(broken);
    const odd = await failureOf(source.fleet({}));
    expect((odd as CliError).message).toBe(`${where} answered something unexpected: expected a number (field nowMs)`);
  });
});

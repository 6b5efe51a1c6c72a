// The local source over a read model: answers checked as the client checks the hub's, refusals said as for a hub.
import { describe, expect, it } from 'vitest';
import { type LocalReadModel, localSource } from './local-read-source.ts';
import { CliError, EXIT } from './runtime.ts';

const NOW = 1_764_662_400_000;
const where = 'the store /var/lib/janitor/janitor.db';

function model(over: Partial<LocalReadModel> = {}): LocalReadModel {
  return {
    fleet: () => ({ nowMs: NOW, hosts: [] }),
    host: () => ({ ok: false, status: 404, field: 'hostname', error: 'unknown host' }),
    series: () => ({
      ok: true,
      body: { hostname: 'pi1', tier: 'raw', stepMs: 60_000, fromMs: NOW - 60_000, toMs: NOW, t: [] },
    }),
    ...over,
  };
}

async function failureOf(promise: Promise<unknown>): Promise<CliError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(CliError);
  return outcome as CliError;
}

describe('localSource', () => {
  it('answers what the read model answers, checked, asking with the API’s parameters', async () => {
    let closed = false;
    const asked: unknown[] = [];
    const source = localSource(
      model({
        series: (hostname, params) => {
          asked.push({ hostname, ...params });
          return model().series(hostname, params);
        },
      }),
      { where, close: () => (closed = true) },
    );
    expect(await source.fleet({})).toEqual({ nowMs: NOW, hosts: [] });
    expect((await source.series('pi1', { metrics: ['cpu_percent', 'load_1'], from: NOW - 5 })).metrics).toEqual({});
    expect(asked).toEqual([
      { hostname: 'pi1', metrics: 'cpu_percent,load_1', from: String(NOW - 5), to: undefined, points: undefined },
    ]);
    source.close();
    expect(closed).toBe(true);
  });

  it('says an unknown host, a missing series (with the series the host has) and a bad range as for a hub', async () => {
    const source = localSource(
      model({
        host: () => ({ ok: true, body: { keys: ['cpu_percent', 'memory_percent'] } as never }),
        series: (hostname, params) =>
          hostname === 'pi9'
            ? { ok: false, status: 404, field: 'hostname', error: 'unknown host "pi9"' }
            : params.metrics === 'gpu_percent'
              ? { ok: false, status: 400, field: 'metrics', error: 'pi1 has no series gpu_percent' }
              : { ok: false, status: 400, field: 'from', error: 'the range is longer than 2 years' },
      }),
      { where, close: () => {} },
    );
    const unknown = await failureOf(source.series('pi9', { metrics: ['cpu_percent'] }));
    expect([unknown.exitCode, unknown.message]).toEqual([
      EXIT.failure,
      `${where} knows no host "pi9" ('janitor status' lists them)`,
    ]);
    const missing = await failureOf(source.series('pi1', { metrics: ['gpu_percent'] }));
    expect(missing.message).toBe(
      `pi1 has no series gpu_percent in ${where}: pi1 has no series gpu_percent; it has cpu_percent, memory_percent`,
    );
    const range = await failureOf(source.series('pi1', { metrics: ['cpu_percent'], from: 0 }));
    expect([range.exitCode, range.message]).toEqual([
      EXIT.usage,
      `--since: ${where} refused the range: the range is longer than 2 years`,
    ]);
  });

  it('refuses an answer that is not what the API answers', async () => {
    const source = localSource(model({ fleet: () => ({ hosts: [] }) as never }), { where, close: () => {} });
    const odd = await failureOf(source.fleet({}));
    expect(odd.message).toBe(`${where} answered something unexpected: expected a number (field nowMs)`);
  });
});

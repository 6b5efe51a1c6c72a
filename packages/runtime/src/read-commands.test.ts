// janitor status and history as functions: over a source given to them, and over the source they choose (a hub
// stand-in on loopback answering as the read API's contract, or the local store).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FleetView, SeriesRequest, SeriesView } from '@janitor/protocol';
import { openStore } from '@janitor/store';
import { closedPort, type RecordingHub, startRecordingHub, tempDir } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { historyCommand, statusCommand } from './read-commands.ts';
import type { ReadSource } from './read-source.ts';
import { CliError, EXIT } from './runtime.ts';

const NOW = Date.UTC(2026, 11, 2, 10);
const MINUTE = 60_000;

const FLEET: FleetView = {
  nowMs: NOW,
  hosts: [
    {
      hostname: 'pi1',
      state: 'up',
      lastSeenMs: NOW - 12_000,
      silencedUntilMs: null,
      latest: { atMs: NOW - 12_000, values: { cpu_percent: 12.5, memory_percent: 40 } },
      worstDisk: { mount: '/', percent: 71 },
      firing: [],
    },
  ],
};

/** Four minutes of CPU, the third without a report. */
const SERIES: SeriesView = {
  hostname: 'pi1',
  tier: 'raw',
  stepMs: MINUTE,
  fromMs: NOW - 4 * MINUTE,
  toMs: NOW,
  t: [NOW - 4 * MINUTE, NOW - 3 * MINUTE, NOW - MINUTE],
  metrics: { cpu_percent: { avg: [10, 20, 40], min: [5, 20, 30], max: [15, 20, 90] } },
};

/** A source that answers FLEET and SERIES, and records what it was asked. */
function fakeSource() {
  const asked: unknown[] = [];
  let closed = 0;
  const source: ReadSource = {
    where: 'the test',
    fleet: async (options) => {
      asked.push(options);
      return options.problems ? { ...FLEET, hosts: [] } : FLEET;
    },
    series: async (hostname: string, request: SeriesRequest) => {
      asked.push({ hostname, ...request });
      return SERIES;
    },
    close: () => {
      closed++;
    },
  };
  return { source, asked, closed: () => closed };
}

async function failureOf(promise: Promise<unknown>): Promise<CliError> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(CliError);
  return outcome as CliError;
}

describe('statusCommand', () => {
  it('prints the fleet as a table, fitted to the terminal, and closes the source', async () => {
    const { source, closed } = fakeSource();
    const lines: string[] = [];
    await statusCommand({}, { source, out: (l) => lines.push(l), columns: 200 });
    expect(lines).toEqual([
      'HOST  STATE  LAST SEEN  CPU    MEMORY  DISK   ALERTS',
      'pi1   up     12s ago    12.5%  40%     71% /',
    ]);
    expect(closed()).toBe(1);
  });

  it('prints the API’s JSON with --json', async () => {
    const { source } = fakeSource();
    const lines: string[] = [];
    await statusCommand({}, { source, out: (l) => lines.push(l), json: true });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual(FLEET);
  });

  it('asks for the problems only with --problems, and says when there is none', async () => {
    const { source, asked } = fakeSource();
    const lines: string[] = [];
    await statusCommand({}, { source, out: (l) => lines.push(l), problems: true });
    expect(asked).toEqual([{ problems: true }]);
    expect(lines).toEqual(['no host has a problem (the test)']);
  });
});

describe('historyCommand', () => {
  it('asks for the series since --since and prints the summary and the sparkline', async () => {
    const { source, asked, closed } = fakeSource();
    const lines: string[] = [];
    await historyCommand(
      {},
      { host: 'pi1', metric: 'cpu_percent' },
      { source, out: (l) => lines.push(l), since: '90m', now: () => NOW },
    );
    expect(asked).toEqual([{ hostname: 'pi1', metrics: ['cpu_percent'], from: NOW - 90 * MINUTE }]);
    expect(lines).toEqual([
      'pi1 cpu_percent, 2026-12-02 09:56 to 2026-12-02 10:00 UTC (4m, every report)',
      'min 5%  avg 23.3%  max 90%  latest 40%  (3 points)',
      '▁▃ █',
    ]);
    expect(closed()).toBe(1);
  });

  it('reads 24 hours by default, and prints the API’s JSON with --json', async () => {
    const { source, asked } = fakeSource();
    const lines: string[] = [];
    await historyCommand(
      {},
      { host: 'pi1', metric: 'cpu_percent' },
      { source, out: (l) => lines.push(l), json: true, now: () => NOW },
    );
    expect(asked).toEqual([{ hostname: 'pi1', metrics: ['cpu_percent'], from: NOW - 24 * 60 * MINUTE }]);
    expect(JSON.parse(lines.join('\n'))).toEqual({
      hostname: 'pi1',
      tier: 'raw',
      stepMs: MINUTE,
      fromMs: SERIES.fromMs,
      toMs: NOW,
      t: SERIES.t,
      cpu_percent: SERIES.metrics.cpu_percent,
    });
  });

  it.each([
    ['soon', /^--since: expected a duration such as "30s", "5m", "1h" or a number of seconds, got "soon"$/],
    ['-1h', /^--since: must not be negative/],
    ['0', /^--since: expected a duration longer than 0/],
  ])('refuses --since %s as a usage error naming --since, before reading', async (since, message) => {
    const { source, asked } = fakeSource();
    const error = await failureOf(
      historyCommand({}, { host: 'pi1', metric: 'cpu_percent' }, { source, out: () => {}, since }),
    );
    expect(error.exitCode).toBe(EXIT.usage);
    expect(error.message).toMatch(message);
    expect(asked).toEqual([]);
  });
});

describe('the hub as the source', () => {
  let hub: RecordingHub | undefined;
  afterEach(async () => {
    await hub?.close();
    hub = undefined;
  });

  /** A config with no local store in its state folder: the commands read from `--hub`, else `remoteUrl`. */
  async function configIn(dir: string, remoteUrl?: string) {
    const configPath = join(dir, 'config.yaml');
    const service = remoteUrl === undefined ? '' : `, service: { remote_url: "${remoteUrl}" }`;
    await writeFile(configPath, `app: { state_dir: "${join(dir, 'state')}"${service} }\n`);
    return { configPath, env: {} };
  }

  it('reads the fleet from --hub with the token from the environment', async () => {
    await using dir = await tempDir('janitor-read-');
    hub = await startRecordingHub();
    hub.answer(() => ({ status: 200, body: FLEET }));
    const lines: string[] = [];
    await statusCommand(
      { ...(await configIn(dir.path)), env: { JANITOR_HUB_TOKEN: 'read-token-0123456789' } },
      { hub: hub.url, out: (l) => lines.push(l) },
    );
    expect(hub.received.map((r) => `${r.method} ${r.path} ${r.authorization}`)).toEqual([
      'GET /api/v1/hosts Bearer read-token-0123456789',
    ]);
    expect(lines[1]).toBe('pi1   up     12s ago    12.5%  40%     71% /');
  });

  it('says which host the hub does not know, and lists the series of a host that lacks the one asked', async () => {
    await using dir = await tempDir('janitor-read-');
    hub = await startRecordingHub();
    hub.answer((r) => {
      if (r.path.startsWith('/api/v1/hosts/pi9/'))
        return { status: 404, body: { error: 'unknown host', field: 'hostname' } };
      if (r.path.startsWith('/api/v1/hosts/pi1/'))
        return { status: 400, body: { error: 'pi1 never had gpu_percent', field: 'metrics' } };
      return { status: 200, body: { ...FLEET.hosts[0], keys: ['cpu_percent', 'memory_percent'], limits: {} } };
    });
    const runtimeOptions = await configIn(dir.path, hub.url);
    const unknown = await failureOf(
      historyCommand(runtimeOptions, { host: 'pi9', metric: 'cpu_percent' }, { out: () => {} }),
    );
    expect([unknown.exitCode, unknown.message]).toEqual([
      EXIT.failure,
      `the hub at ${hub.url} knows no host "pi9" ('janitor status' lists them)`,
    ]);
    const missing = await failureOf(
      historyCommand(runtimeOptions, { host: 'pi1', metric: 'gpu_percent' }, { out: () => {} }),
    );
    expect(missing.exitCode).toBe(EXIT.failure);
    expect(missing.message).toMatch(
      /^pi1 has no series gpu_percent in the hub at http:\/\/127\.0\.0\.1:\d+: .*pi1 never had gpu_percent \(field metrics\); it has cpu_percent, memory_percent$/,
    );
    expect(hub.received.map((r) => r.path.split('?')[0])).toEqual([
      '/api/v1/hosts/pi9/series',
      '/api/v1/hosts/pi1/series',
      '/api/v1/hosts/pi1',
    ]);
  });

  it('names --since when the hub refuses the range, and says how to give a token it refuses', async () => {
    await using dir = await tempDir('janitor-read-');
    hub = await startRecordingHub();
    hub.answer((r) =>
      r.path.includes('/series')
        ? { status: 400, body: { error: 'the range must be at most 2 years', field: 'from' } }
        : { status: 401, body: { error: 'a token is required' } },
    );
    const runtimeOptions = await configIn(dir.path);
    const range = await failureOf(
      historyCommand(
        runtimeOptions,
        { host: 'pi1', metric: 'cpu_percent' },
        { hub: hub.url, since: '3000d', out: () => {} },
      ),
    );
    expect(range.exitCode).toBe(EXIT.usage);
    expect(range.message).toMatch(
      /^--since: the hub at .* refused the range: .*the range must be at most 2 years \(field from\)$/,
    );
    const token = await failureOf(statusCommand(runtimeOptions, { hub: hub.url, out: () => {} }));
    expect(token.exitCode).toBe(EXIT.credentials);
    expect(token.message).toMatch(
      /refused the token .*401 a token is required.*: reading needs a token with the read scope/,
    );
  });

  it('says it cannot reach the hub, and that there is no local store either', async () => {
    await using dir = await tempDir('janitor-read-');
    const url = `http://127.0.0.1:${await closedPort()}`;
    const error = await failureOf(statusCommand(await configIn(dir.path, url), { out: () => {} }));
    expect(error.exitCode).toBe(EXIT.failure);
    expect(error.message).toBe(
      `cannot reach the hub at ${url} (and there is no local store at ${join(dir.path, 'state', 'janitor.db')}): GET ${url}/api/v1/hosts network error: fetch failed (ECONNREFUSED); give its address with --hub URL or app.service.remote_url`,
    );
  });
});

describe('the local store as the source', () => {
  /** A local-mode state folder: an hour of reports of pi1, one a minute, none from minute 20 to 29. */
  async function localMode(dir: string) {
    const stateDir = join(dir, 'state');
    await mkdir(stateDir);
    const store = openStore({ path: join(stateDir, 'janitor.db'), now: () => NOW });
    try {
      for (let i = 0; i < 60; i++) {
        if (i >= 20 && i < 30) continue;
        store.history.append('pi1', NOW - 60 * MINUTE + i * MINUTE, [
          { key: 'cpu_percent', value: 10 + i },
          { key: 'memory_percent', value: 40 },
          { key: 'disk_usage_percent@/', value: 71 },
          { key: 'disk_usage_percent@/boot', value: 20 },
        ]);
      }
    } finally {
      store.close();
    }
    const configPath = join(dir, 'config.yaml');
    await writeFile(configPath, `app: { state_dir: "${stateDir}" }\n`);
    return { configPath, env: {} };
  }

  it('prints the fleet from the store, last seen counted from its clock', async () => {
    await using dir = await tempDir('janitor-read-local-');
    const lines: string[] = [];
    await statusCommand(await localMode(dir.path), { out: (l) => lines.push(l), now: () => NOW });
    expect(lines).toEqual([
      'HOST  STATE  LAST SEEN  CPU  MEMORY  DISK   ALERTS',
      'pi1   up     1m ago     69%  40%     71% /',
    ]);
  });

  it('prints an hour of a series with the gap, and the same JSON as the API', async () => {
    await using dir = await tempDir('janitor-read-local-');
    const runtimeOptions = await localMode(dir.path);
    const lines: string[] = [];
    const what = { host: 'pi1', metric: 'cpu_percent' };
    await historyCommand(runtimeOptions, what, { out: (l) => lines.push(l), since: '1h', now: () => NOW });
    expect(lines).toEqual([
      'pi1 cpu_percent, 2026-12-02 09:00 to 2026-12-02 10:00 UTC (1h, every report)',
      'min 10%  avg 40.5%  max 69%  latest 69%  (50 points)',
      '▁▁▁▁▁▂▂▂▂▂▂▂▂▃▃▃▃▃▃▃          ▅▅▅▅▅▅▅▅▆▆▆▆▆▆▆▆▆▇▇▇▇▇▇▇▇█████',
    ]);
    const json: string[] = [];
    await historyCommand(runtimeOptions, what, { out: (l) => json.push(l), since: '1h', now: () => NOW, json: true });
    const body = JSON.parse(json.join('\n')) as Record<string, unknown> & { t: number[] };
    expect(Object.keys(body)).toEqual(['hostname', 'tier', 'stepMs', 'fromMs', 'toMs', 't', 'cpu_percent']);
    expect([body.tier, body.stepMs, body.fromMs, body.toMs, body.t.length]).toEqual([
      'raw',
      5000,
      NOW - 60 * MINUTE,
      NOW,
      50,
    ]);
  });

  it('says which host the store does not know, and which series a host has', async () => {
    await using dir = await tempDir('janitor-read-local-');
    const runtimeOptions = await localMode(dir.path);
    const where = `the store ${join(dir.path, 'state', 'janitor.db')}`;
    const unknown = await failureOf(
      historyCommand(runtimeOptions, { host: 'pi9', metric: 'cpu_percent' }, { out: () => {}, now: () => NOW }),
    );
    expect([unknown.exitCode, unknown.message]).toEqual([
      EXIT.failure,
      `${where} knows no host "pi9" ('janitor status' lists them)`,
    ]);
    const missing = await failureOf(
      historyCommand(runtimeOptions, { host: 'pi1', metric: 'gpu_percent' }, { out: () => {}, now: () => NOW }),
    );
    expect(missing.exitCode).toBe(EXIT.failure);
    expect(missing.message).toMatch(
      new RegExp(
        `^pi1 has no series gpu_percent in ${where}: .*; it has cpu_percent, disk_usage_percent@/, disk_usage_percent@/boot, memory_percent$`,
      ),
    );
  });
});

// Local mode once, in process: an injected sample, the real publisher, the fake server. The original's goldens say
// what must reach the server. Then the lifecycle across separate runs: each run opens the store file in a temporary
// folder and closes it, the clock injected.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadedConfig, parseConfig } from '@janitor/config';
import type { LogFields, Logger, Sample } from '@janitor/protocol';
import { createPublisher } from '@janitor/publisher';
import { openStore } from '@janitor/store';
import { type Golden, goldens, startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { type LocalCheckOutcome, runLocalCheck } from './local-check.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh state folder: where the outbox (janitor.db) lives. */
function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'janitor-local-check-'));
  dirs.push(dir);
  return dir;
}

const TOKEN = 'tok-golden-8841';

function goldenCase(name: string): Golden & { request: { json: { sys_data: Record<string, number | string> } } } {
  const found = goldens.cases.find((c) => c.name === name);
  if (!found?.request.json) throw new Error(`golden case missing: ${name}`);
  return found as never;
}

/** The golden's `sys_data` as a v2 sample (no disks: the rules read the flat metrics, as the original did). */
function sampleOf(sysData: Record<string, number | string>): Sample {
  const { hostname, ...metrics } = sysData;
  return {
    hostname: String(hostname),
    collectedAtMs: 0,
    metrics: metrics as Record<string, number>,
    disks: [],
    network: [],
  };
}

/** accepted_differences[0]: a float the JSON input wrote as 90.0 may print as 90. */
const acceptingWholeFloats = (text: string) => text.replace(/(\d)\.0(?!\d)/g, '$1');

/** The original's defaults (config.yaml.dist of v0.1): Pleroma, Markdown, public, default thresholds. */
function originalConfig(url: string, state_dir = stateDir()): LoadedConfig {
  return parseConfig(
    {
      app: { state_dir },
      mastodon: {
        api_base_url: url,
        instance_type: 'pleroma',
        status_post: { content_type: 'text/markdown', visibility: 'public' },
      },
    },
    { baseDir: tmpdir(), env: {} },
  );
}

function recordingLogger(): Logger & { lines: Array<[string, string, LogFields | undefined]> } {
  const lines: Array<[string, string, LogFields | undefined]> = [];
  const at = (level: string) => (message: string, fields?: LogFields) => {
    lines.push([level, message, fields]);
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

describe('runLocalCheck', () => {
  it('posts exactly the golden "sysinfo over two thresholds (cpu warning, disk alarm: worst wins)"', async () => {
    const golden = goldenCase('sysinfo over two thresholds (cpu warning, disk alarm: worst wins)');
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const publisher = createPublisher({
      url: fake.url,
      accessToken: TOKEN,
      instanceType: 'pleroma',
      contentType: 'text/markdown',
      visibility: 'public',
    });
    const outcome = await runLocalCheck({
      config: originalConfig(fake.url),
      publisher,
      logger: recordingLogger(),
      collect: async () => sampleOf(golden.request.json.sys_data),
    });

    expect(outcome.published?.dryRun).toBe(false);
    expect(fake.statuses).toHaveLength(1);
    const posted = fake.statuses[0]!;
    expect(posted.status).toBe(acceptingWholeFloats(golden.posted!.status));
    expect(posted.spoilerText).toBe(golden.posted!.spoiler_text);
    expect(posted.contentType).toBe(golden.posted!.content_type);
    expect(posted.visibility).toBe(golden.posted!.visibility);
    expect(outcome.drained).toMatchObject({ posted: 1, retried: 0, dead: 0 });
  });

  it('logs "No issues found" and contacts nobody for the golden that posted nothing', async () => {
    const golden = goldenCase('sysinfo, everything at or under thresholds (80.0 is not over 80)');
    expect(golden.posted).toBeNull();
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const logger = recordingLogger();
    const outcome = await runLocalCheck({
      config: originalConfig(fake.url),
      publisher: createPublisher({ url: fake.url, accessToken: TOKEN, instanceType: 'pleroma' }),
      logger,
      collect: async () => sampleOf(golden.request.json.sys_data),
    });
    expect(outcome.published).toBeUndefined();
    expect(outcome.evaluation.breaches).toEqual([]);
    expect(logger.lines.filter(([level]) => level === 'info').map(([, message]) => message)).toEqual([
      'No issues found',
    ]);
    expect(fake.requests).toEqual([]);
  });
});

describe('runLocalCheck through the outbox', () => {
  const over = goldenCase('sysinfo over two thresholds (cpu warning, disk alarm: worst wins)');
  const quiet = goldenCase('sysinfo, everything at or under thresholds (80.0 is not over 80)');

  it('a run that cannot reach the server fails, leaving the report for the next run, which posts it first', async () => {
    const dir = stateDir();
    const fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const url = fake.url;
    const port = Number(new URL(url).port);
    await fake.close();
    const publisher = () => createPublisher({ url, accessToken: TOKEN, instanceType: 'pleroma' });
    const logger = recordingLogger();

    // The run fails (a cron job's exit code says so), and says the report is not lost.
    const first = runLocalCheck({
      config: originalConfig(url, dir),
      publisher: publisher(),
      logger,
      collect: async () => sampleOf({ ...over.request.json.sys_data, hostname: 'first-run' }),
    });
    await expect(first).rejects.toThrow(
      /^publish failed: POST .*: fetch failed \(ECONNREFUSED\) \(the report stays queued: the next run posts it first\)$/,
    );
    await expect(first).rejects.toMatchObject({ name: 'PublishError', retryable: true, kind: 'unreachable' });
    // Reported once, by whoever catches it: nothing logged as an error on the way.
    expect(logger.lines.filter(([level]) => level === 'error')).toEqual([]);
    const store = openStore({ path: join(dir, 'janitor.db') });
    expect(store.outbox.list().map((e) => [e.state, e.attempts])).toEqual([['pending', 1]]);
    store.close();

    // The server is back. The next run has its own report: the one left over goes out first.
    await using back = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN], port });
    const second = await runLocalCheck({
      config: originalConfig(url, dir),
      publisher: publisher(),
      logger: recordingLogger(),
      collect: async () => sampleOf({ ...over.request.json.sys_data, hostname: 'second-run' }),
      // The left-over entry's backoff (seconds) has passed by the next cron run.
      now: () => Date.now() + 60 * 60_000,
    });
    expect(back.statuses.map((s) => s.spoilerText)).toEqual([
      expect.stringContaining('first-run'),
      expect.stringContaining('second-run'),
    ]);
    expect(second.published?.dryRun).toBe(false);
    expect(second.drained).toMatchObject({ posted: 2, retried: 0, dead: 0 });
    const after = openStore({ path: join(dir, 'janitor.db') });
    expect(after.outbox.counts()).toMatchObject({ pending: 0, dead: 0 });
    after.close();
  });

  it('a quiet run still posts what an earlier run left behind', async () => {
    const dir = stateDir();
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const store = openStore({ path: join(dir, 'janitor.db') });
    store.outbox.enqueue({ payload: { kind: 'report', report: { spoiler: 'left over', text: 'x' } }, groupKey: 'h' });
    store.close();
    const outcome = await runLocalCheck({
      config: originalConfig(fake.url, dir),
      publisher: createPublisher({ url: fake.url, accessToken: TOKEN, instanceType: 'pleroma' }),
      logger: recordingLogger(),
      collect: async () => sampleOf(quiet.request.json.sys_data),
    });
    expect(outcome.published).toBeUndefined();
    expect(outcome.drained).toMatchObject({ posted: 1 });
    expect(fake.statuses.map((s) => s.spoilerText)).toEqual(['left over']);
  });

  it('a report the server refuses is kept as a dead letter, and the run fails saying so', async () => {
    const dir = stateDir();
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    fake.failNext({ kind: 'status', status: 422 }, { path: '/api/v1/statuses', method: 'POST' });
    const logger = recordingLogger();
    const run = runLocalCheck({
      config: originalConfig(fake.url, dir),
      publisher: createPublisher({ url: fake.url, accessToken: TOKEN, instanceType: 'pleroma' }),
      logger,
      collect: async () => sampleOf(over.request.json.sys_data),
    });
    await expect(run).rejects.toMatchObject({
      name: 'PublishError',
      statusCode: 422,
      message: expect.stringMatching(/422.*\(the report is kept as a dead letter: janitor outbox retry 1\)$/),
    });
    const store = openStore({ path: join(dir, 'janitor.db') });
    expect(store.outbox.list().map((e) => [e.id, e.state])).toEqual([[1, 'dead']]);
    store.close();
  });

  it('a dry run logs the post and touches no outbox', async () => {
    const dir = stateDir();
    const publisher = createPublisher({ url: 'http://127.0.0.1:9', dryRun: true, instanceType: 'pleroma' });
    const outcome = await runLocalCheck({
      config: originalConfig('http://127.0.0.1:9', dir),
      publisher,
      logger: recordingLogger(),
      collect: async () => sampleOf(over.request.json.sys_data),
    });
    expect(outcome.published).toMatchObject({ dryRun: true, draft: { spoilerText: over.posted!.spoiler_text } });
    expect(outcome.drained).toBeUndefined();
    expect(existsSync(join(dir, 'janitor.db'))).toBe(false);
  });
});

describe('runLocalCheck: the alert lifecycle across runs', () => {
  const MINUTE = 60_000;
  /** 2026-11-03 14:00 UTC. */
  const T0 = Date.UTC(2026, 10, 3, 14, 0);

  /** A config with a CPU limit of 80 (these extra keys on the rule) and these `alerting` settings. */
  function lifecycleConfig(url: string, dir: string, rule: Record<string, unknown> = {}, alerting: unknown = {}) {
    return parseConfig(
      {
        app: { state_dir: dir },
        mastodon: { api_base_url: url, instance_type: 'pleroma', status_post: { content_type: 'text/markdown' } },
        system_info: { thresholds: { cpu_percent: { value: 80, ...rule } } },
        alerting,
      },
      { baseDir: tmpdir(), env: {} },
    );
  }

  /** A local check as cron runs it: one sample of pi1 with this CPU, at `atMs`, over the store in `dir`. */
  function check(
    config: LoadedConfig,
    url: string,
    cpu: number,
    atMs: number,
    options: { dryRun?: boolean } = {},
  ): Promise<LocalCheckOutcome> {
    const publisher = options.dryRun
      ? createPublisher({ url, dryRun: true, instanceType: 'pleroma' })
      : createPublisher({ url, accessToken: TOKEN, instanceType: 'pleroma' });
    return runLocalCheck({
      config,
      publisher,
      logger: recordingLogger(),
      collect: async () => sampleOf({ hostname: 'pi1', cpu_percent: cpu, memory_percent: 20 }),
      now: () => atMs,
    });
  }

  /** What reached the server: the first line of each status. */
  const firstLines = (statuses: readonly { status: string }[]) => statuses.map((s) => s.status.split('\n')[0]);

  it('a sustained crossing posts once, reminds after repeat, and posts "recovered" once', async () => {
    const dir = stateDir();
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const config = lifecycleConfig(fake.url, dir, { repeat: '1h' });
    const runs: LocalCheckOutcome[] = [];
    // Every minute for an hour and a half over the limit, then two runs back under it.
    for (let minute = 0; minute <= 90; minute += 15) runs.push(await check(config, fake.url, 93, T0 + minute * MINUTE));
    runs.push(await check(config, fake.url, 40, T0 + 91 * MINUTE));
    runs.push(await check(config, fake.url, 41, T0 + 92 * MINUTE));

    expect(firstLines(fake.statuses)).toEqual([
      '- **CPU %**: 93 ❗️',
      'CPU % on pi1 firing for 1h, now 93 (fires over 80, clears at 76)',
      'CPU % on pi1 recovered: 40 (was over 80 for 1h 31m)',
    ]);
    expect(fake.statuses.map((s) => s.spoilerText)).toEqual(['⚠️ pi1', '⚠️ pi1', 'ℹ️ pi1']);
    // A second run with the same crossing posts nothing: the lifecycle, not the original's every run.
    expect(runs.map((r) => r.notifications.map((n) => n.reason).join())).toEqual([
      'firing',
      '',
      '',
      '',
      'repeat',
      '',
      '',
      'resolved',
      '',
    ]);
    expect(runs.map((r) => r.published?.dryRun)).toEqual([
      false,
      undefined,
      undefined,
      undefined,
      false,
      undefined,
      undefined,
      false,
      undefined,
    ]);
    expect(runs[1]!.evaluation.breaches.map((b) => b.metric)).toEqual(['cpu_percent']);
  });

  it('keeps every run as history at its sample time, tiers it as time goes by, and keeps nothing when off', async () => {
    const dir = stateDir();
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const config = lifecycleConfig(fake.url, dir);
    const run = (cpu: number, atMs: number, which = config) =>
      runLocalCheck({
        config: which,
        publisher: createPublisher({ url: fake.url, accessToken: TOKEN, instanceType: 'pleroma' }),
        logger: recordingLogger(),
        collect: async () => ({
          ...sampleOf({ hostname: 'pi1', cpu_percent: cpu, memory_percent: 20 }),
          collectedAtMs: atMs,
        }),
        now: () => atMs,
      });
    for (let minute = 0; minute < 5; minute++) await run(10 + minute, T0 + minute * MINUTE);
    // Seven hours later: the first 6-hour block is over, and the run folds it into 10-minute buckets.
    await run(50, T0 + 7 * 60 * MINUTE);
    const store = openStore({ path: join(dir, 'janitor.db') });
    try {
      const series = store.history.series({
        hostname: 'pi1',
        metrics: ['cpu_percent'],
        fromMs: T0,
        toMs: T0 + 10 * MINUTE,
        nowMs: T0 + 7 * 60 * MINUTE,
      });
      expect(series.metrics.cpu_percent?.avg.filter((v) => v !== null)).toEqual([10, 11, 12, 13, 14]);
      expect(store.history.stats().tenMinuteBlocks).toBeGreaterThan(0);
      expect(store.history.latest('pi1')).toEqual({
        atMs: T0 + 7 * 60 * MINUTE,
        values: { cpu_percent: 50, memory_percent: 20 },
      });
    } finally {
      store.close();
    }

    const offDir = stateDir();
    const off = parseConfig(
      { app: { state_dir: offDir }, mastodon: { api_base_url: fake.url }, history: { enabled: false } },
      { baseDir: tmpdir(), env: {} },
    );
    await run(10, T0, off);
    const offStore = openStore({ path: join(offDir, 'janitor.db') });
    try {
      expect(offStore.history.hosts()).toEqual([]);
    } finally {
      offStore.close();
    }
  });

  it('the notification log knows the incident: its first and last status, and what each status is about', async () => {
    const dir = stateDir();
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const config = lifecycleConfig(fake.url, dir, { repeat: '1h' });
    const fired = await check(config, fake.url, 93, T0);
    await check(config, fake.url, 94, T0 + 61 * MINUTE);
    await check(config, fake.url, 40, T0 + 62 * MINUTE);
    const incident = { host: 'pi1', key: 'cpu_percent', incidentStartMs: fired.notifications[0]!.firingSince };
    const [first, repeat, resolved] = fake.statuses;
    const store = openStore({ path: join(dir, 'janitor.db') });
    try {
      expect(store.notifications.firstOfIncident(incident)?.statusId).toBe(first!.id);
      expect(store.notifications.lastOfIncident(incident)?.statusId).toBe(resolved!.id);
      expect(store.notifications.about(repeat!.id)?.about).toEqual({ kind: 'alert', ...incident, reason: 'repeat' });
    } finally {
      store.close();
    }
  });

  it("the alert log keeps each run's transition, with the status each was posted as", async () => {
    const dir = stateDir();
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const config = lifecycleConfig(fake.url, dir, { repeat: '1h' });
    await check(config, fake.url, 93, T0);
    await check(config, fake.url, 97, T0 + 30 * MINUTE);
    await check(config, fake.url, 94, T0 + 61 * MINUTE);
    await check(config, fake.url, 40, T0 + 62 * MINUTE);
    await check(config, fake.url, 41, T0 + 63 * MINUTE);
    expect(fake.statuses).toHaveLength(3);
    const store = openStore({ path: join(dir, 'janitor.db') });
    try {
      const rows = store.alertLog.list().entries.reverse();
      expect(rows.map((e) => [e.atMs - T0, e.transition, e.value, e.statusUrl])).toEqual(
        fake.statuses.map((status, i) => [
          [0, 61 * MINUTE, 62 * MINUTE][i],
          ['firing', 'repeated', 'resolved'][i],
          [93, 94, 40][i],
          `${fake.url}/notice/${status.id}`,
        ]),
      );
      expect(rows[2]).toMatchObject({ incidentStartMs: T0, endMs: T0 + 62 * MINUTE, peak: 97, label: 'CPU %' });
    } finally {
      store.close();
    }
  });

  it('for is counted across runs: a spike posts nothing, a crossing that holds fires once', async () => {
    const dir = stateDir();
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const config = lifecycleConfig(fake.url, dir, { for: '5m' });
    await check(config, fake.url, 95, T0);
    await check(config, fake.url, 30, T0 + MINUTE);
    for (const minute of [2, 4, 6]) await check(config, fake.url, 95, T0 + minute * MINUTE);
    expect(fake.statuses).toEqual([]);
    const fired = await check(config, fake.url, 95, T0 + 7 * MINUTE);
    expect(fired.notifications.map((n) => n.reason)).toEqual(['firing']);
    expect(firstLines(fake.statuses)).toEqual(['- **CPU %**: 95 ❗️']);
  });

  it('a silence in the store holds the post back; once it ends, the alert still firing is posted', async () => {
    const dir = stateDir();
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const config = lifecycleConfig(fake.url, dir);
    const store = openStore({ path: join(dir, 'janitor.db') });
    store.silences.add({ hostname: 'pi1', key: 'cpu_percent', untilMs: T0 + 30 * MINUTE, reason: 'backup' });
    store.close();
    for (const minute of [0, 10, 20]) await check(config, fake.url, 93, T0 + minute * MINUTE);
    expect(fake.requests).toEqual([]);
    await check(config, fake.url, 93, T0 + 30 * MINUTE);
    // One post: the report, saying since when it has been firing.
    expect(fake.statuses.map((s) => s.status.split('\n'))).toEqual([
      ['- **CPU %**: 93 ❗️', '- **Memory %**: 20', 'CPU % over 80 since 14:00 UTC (30m)'],
    ]);
  });

  it('alerting.mode every_report posts on every run that crosses, as the original did', async () => {
    const dir = stateDir();
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const config = lifecycleConfig(fake.url, dir, {}, { mode: 'every_report' });
    for (const [minute, cpu] of [
      [0, 93],
      [1, 94],
      [2, 40],
      [3, 95],
    ] as const) {
      await check(config, fake.url, cpu, T0 + minute * MINUTE);
    }
    expect(firstLines(fake.statuses)).toEqual(['- **CPU %**: 93 ❗️', '- **CPU %**: 94 ❗️', '- **CPU %**: 95 ❗️']);
  });

  it('a dry run evaluates against the stored states and writes nothing', async () => {
    const dir = stateDir();
    await using fake = await startFakeMastodon({ flavour: 'pleroma', accessTokens: [TOKEN] });
    const config = lifecycleConfig(fake.url, dir);
    await check(config, fake.url, 93, T0);
    const path = join(dir, 'janitor.db');
    const before = openStore({ path });
    const states = before.alerts.allStates();
    before.close();

    // Still over the limit: already told, so a dry run would post nothing.
    const still = await check(config, fake.url, 93, T0 + MINUTE, { dryRun: true });
    expect(still.posts).toEqual([]);
    // Back under it: the recovery is what a real run would post.
    const back = await check(config, fake.url, 30, T0 + 2 * MINUTE, { dryRun: true });
    expect(back.posts).toEqual([
      expect.objectContaining({
        dryRun: true,
        draft: expect.objectContaining({ status: 'CPU % on pi1 recovered: 30 (was over 80 for 2m)' }),
      }),
    ]);
    expect(back.published).toBe(back.posts[0]);
    expect(back.drained).toBeUndefined();

    const after = openStore({ path });
    expect(after.alerts.allStates()).toEqual(states);
    expect(after.outbox.list()).toEqual([]);
    after.close();
    expect(fake.statuses).toHaveLength(1);
    // So a real run still posts the recovery.
    const real = await check(config, fake.url, 30, T0 + 3 * MINUTE);
    expect(real.notifications.map((n) => n.reason)).toEqual(['resolved']);
  });
});

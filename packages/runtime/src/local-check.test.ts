// Local mode once, in process: an injected sample, the real publisher, the fake server. The original's goldens say
// what must reach the server.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LoadedConfig, parseConfig } from '@janitor/config';
import type { LogFields, Logger, Sample } from '@janitor/protocol';
import { createPublisher } from '@janitor/publisher';
import { openStore } from '@janitor/store';
import { type Golden, goldens, startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { runLocalCheck } from './local-check.ts';

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

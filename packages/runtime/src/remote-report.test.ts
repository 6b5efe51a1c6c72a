import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { type Sample, silentLogger } from '@janitor/protocol';
import { closedPort, type RecordingHub, startRecordingHub, tempDir as tempDirNamed } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';

const tempDir = () => tempDirNamed('janitor-remote-test-');

import { runRemoteReport } from './remote-report.ts';
import { createReportSender } from './report-sender.ts';
import { createSpool } from './spool.ts';

let collected = 0;
function nextSample(): Promise<Sample> {
  collected += 1;
  return Promise.resolve({
    hostname: 'pi',
    collectedAtMs: 1_700_000_000_000 + collected * 60_000,
    metrics: { cpu_percent: 10, cpu_count: 4, memory_percent: 20, disk_usage_percent: 30, load_1: 0.5 },
    disks: [],
    network: [],
  });
}

const hubs: RecordingHub[] = [];
afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

async function recordingHub(port?: number) {
  const hub = await startRecordingHub(port);
  hubs.push(hub);
  return hub;
}

function collectedAt(hub: RecordingHub): number[] {
  return hub.received.map((r) => (r.body as { sample: Sample }).sample.collectedAtMs);
}

describe('runRemoteReport', () => {
  it('sends the v2 report with the bearer token and leaves the spool empty', async () => {
    await using dir = await tempDir();
    const hub = await recordingHub();
    const spool = createSpool({ dir: join(dir.path, 'spool') });
    const outcome = await runRemoteReport({
      collect: nextSample,
      send: createReportSender({ url: hub.url, token: 'secret-token-123456' }),
      spool,
      logger: silentLogger,
    });
    expect(outcome).toMatchObject({ status: 'sent', delivered: 0, pending: 0 });
    expect(hub.received).toEqual([
      {
        method: 'POST',
        path: '/sysinfo',
        authorization: 'Bearer secret-token-123456',
        body: { version: 2, sample: outcome.sample },
      },
    ]);
    expect(spool.pending()).toEqual([]);
  });

  it('--legacy sends the original’s {"sys_data": …} body', async () => {
    await using dir = await tempDir();
    const hub = await recordingHub();
    await runRemoteReport({
      collect: nextSample,
      send: createReportSender({ url: hub.url }),
      spool: createSpool({ dir: dir.path }),
      logger: silentLogger,
      format: 'legacy',
    });
    expect(hub.received[0]!.body).toEqual({
      sys_data: { hostname: 'pi', cpu_percent: 10, cpu_count: 4, memory_percent: 20, disk_usage_percent: 30 },
    });
  });

  it('spools while the hub is down, then delivers everything in order once, when it is back', async () => {
    await using dir = await tempDir();
    const port = await closedPort();
    const spool = createSpool({ dir: dir.path });
    const deps = {
      collect: nextSample,
      send: createReportSender({ url: `http://127.0.0.1:${port}`, timeoutMs: 2000 }),
      spool,
      logger: silentLogger,
    };
    const first = await runRemoteReport(deps);
    const second = await runRemoteReport(deps);
    expect([first.status, second.status]).toEqual(['spooled', 'spooled']);
    expect(second.pending).toBe(2);

    const hub = await recordingHub(port);
    const third = await runRemoteReport(deps);
    expect(third).toMatchObject({ status: 'sent', delivered: 2, pending: 0 });
    expect(collectedAt(hub)).toEqual([
      first.sample.collectedAtMs,
      second.sample.collectedAtMs,
      third.sample.collectedAtMs,
    ]);
    // Nothing is sent twice: a later run sends only its own report.
    const fourth = await runRemoteReport(deps);
    expect(collectedAt(hub)).toEqual([
      first.sample.collectedAtMs,
      second.sample.collectedAtMs,
      third.sample.collectedAtMs,
      fourth.sample.collectedAtMs,
    ]);
  });

  it('a 5xx keeps the report and everything after it, in order', async () => {
    await using dir = await tempDir();
    const hub = await recordingHub();
    hub.answer(() => ({ status: 503, body: { error: 'the hub could not accept this request now; retry later' } }));
    const spool = createSpool({ dir: dir.path });
    const deps = { collect: nextSample, send: createReportSender({ url: hub.url }), spool, logger: silentLogger };
    const first = await runRemoteReport(deps);
    const second = await runRemoteReport(deps);
    expect([first.status, second.status]).toEqual(['spooled', 'spooled']);
    // The second run tried the spooled report once, stopped there, and did not try its own.
    expect(collectedAt(hub)).toEqual([first.sample.collectedAtMs, first.sample.collectedAtMs]);
    hub.answer(() => ({ status: 200, body: { status: 'ok' } }));
    const third = await runRemoteReport(deps);
    expect(third.delivered).toBe(2);
    expect(collectedAt(hub).slice(2)).toEqual([
      first.sample.collectedAtMs,
      second.sample.collectedAtMs,
      third.sample.collectedAtMs,
    ]);
  });

  it('a 400 moves the report to rejected/: it is never retried', async () => {
    await using dir = await tempDir();
    const hub = await recordingHub();
    hub.answer(() => ({ status: 400, body: { error: 'sample.metrics.cpu_percent must be a number', field: 'x' } }));
    const spool = createSpool({ dir: dir.path });
    const deps = { collect: nextSample, send: createReportSender({ url: hub.url }), spool, logger: silentLogger };
    const outcome = await runRemoteReport(deps);
    expect(outcome.status).toBe('rejected');
    expect(String(outcome.error)).toContain('400 sample.metrics.cpu_percent must be a number (field x)');
    expect(spool.pending()).toEqual([]);
    expect(readdirSync(join(dir.path, 'rejected'))).toHaveLength(1);
    hub.answer(() => ({ status: 200 }));
    await runRemoteReport(deps);
    expect(hub.received).toHaveLength(2);
  });

  it('a spooled report the hub now refuses with a 400 goes to rejected/ and the rest is delivered', async () => {
    await using dir = await tempDir();
    const hub = await recordingHub();
    const spool = createSpool({ dir: dir.path });
    const deps = { collect: nextSample, send: createReportSender({ url: hub.url }), spool, logger: silentLogger };
    hub.answer(() => ({ status: 502 }));
    const spooled = await runRemoteReport(deps);
    hub.answer((r) =>
      (r.body as { sample: Sample }).sample.collectedAtMs === spooled.sample.collectedAtMs
        ? { status: 422, body: { error: 'unsupported report version' } }
        : { status: 200 },
    );
    const outcome = await runRemoteReport(deps);
    expect(outcome).toMatchObject({ status: 'sent', delivered: 0, rejected: 1, pending: 0 });
    expect(readdirSync(join(dir.path, 'rejected'))).toHaveLength(1);
  });

  it('a refused token (401) keeps the report: fixing the token makes it deliverable', async () => {
    await using dir = await tempDir();
    const hub = await recordingHub();
    hub.answer(() => ({ status: 401, body: { error: 'invalid token', field: 'authorization' } }));
    const spool = createSpool({ dir: dir.path });
    const deps = { collect: nextSample, send: createReportSender({ url: hub.url }), spool, logger: silentLogger };
    const outcome = await runRemoteReport(deps);
    expect(outcome).toMatchObject({ status: 'refused', pending: 1 });
    hub.answer(() => ({ status: 200 }));
    expect(await runRemoteReport(deps)).toMatchObject({ status: 'sent', delivered: 1 });
  });

  it('dry run sends nothing and leaves the spool alone', async () => {
    await using dir = await tempDir();
    const hub = await recordingHub();
    const spool = createSpool({ dir: dir.path });
    spool.add({ format: 'v2', sample: await nextSample() });
    const outcome = await runRemoteReport({
      collect: nextSample,
      send: createReportSender({ url: hub.url }),
      spool,
      logger: silentLogger,
      dryRun: true,
    });
    expect(outcome).toMatchObject({ status: 'dry-run', pending: 1 });
    expect(hub.received).toEqual([]);
  });
});

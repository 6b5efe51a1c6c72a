import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { StoreError } from '@janitor/store';
import { afterEach, describe, expect, it } from 'vitest';
import { HUB_MAIN, json, jsonOf, startHub, tempDir } from './hub.test-support.ts';

const sample = (collectedAtMs: number, cpuPercent = 99) => ({
  version: 2,
  sample: {
    hostname: 'pi1',
    collectedAtMs,
    metrics: { cpu_percent: cpuPercent, memory_percent: 10, disk_usage_percent: 10 },
    disks: [],
    network: [],
  },
});

let close: (() => void) | undefined;
afterEach(() => close?.());

describe('a v2 report delivered twice', () => {
  it('is taken once: the replay answers 200 duplicate and queues nothing', async () => {
    const hub = startHub();
    close = hub.close;
    const first = await hub.request('/sysinfo', json(sample(1_000)));
    expect(await jsonOf(first)).toMatchObject({ status: 'queued' });
    const replay = await hub.request('/sysinfo', json(sample(1_000)));
    expect(replay.status).toBe(200);
    expect(await jsonOf(replay)).toMatchObject({ status: 'duplicate' });
    const older = await hub.request('/sysinfo', json(sample(500)));
    expect(await jsonOf(older)).toMatchObject({ status: 'duplicate' });
    // A newer report is taken: the CPU came back, which posts the recovery.
    const newer = await hub.request('/sysinfo', json(sample(2_000, 10)));
    expect(await jsonOf(newer)).toMatchObject({ status: 'queued' });
    expect(hub.store.outbox.counts().pending).toBe(2);
  });
});

describe('a v2 report the hub failed to keep', () => {
  it('is taken when the agent sends it again: it counts as seen only once it was kept', async () => {
    // The store refuses the first commit as a full disk does; the report's answer is a 503, so the agent spools it.
    let failures = 1;
    const hub = startHub({
      deps: {
        alerts: {
          get plan() {
            return hub.alerts.plan;
          },
          ingest: (hostname, input) => {
            if (failures-- > 0) {
              const cause = Object.assign(new Error('database or disk is full'), { errcode: 13 });
              return Promise.reject(
                new StoreError('store transaction failed at janitor.db: disk full', { path: 'janitor.db', cause }),
              );
            }
            return hub.alerts.ingest(hostname, input);
          },
          silence: (request) => hub.alerts.silence(request),
          silences: () => hub.alerts.silences(),
          unsilence: (id) => hub.alerts.unsilence(id),
        },
      },
    });
    close = hub.close;
    const failed = await hub.request('/sysinfo', json(sample(1_000)));
    expect(failed.status).toBe(503);
    expect(hub.store.outbox.counts().pending).toBe(0);
    // The agent's spool sends the same report again: it must be evaluated now, not answered as a duplicate.
    const resent = await hub.request('/sysinfo', json(sample(1_000)));
    expect(resent.status).toBe(200);
    expect(await jsonOf(resent)).toMatchObject({ status: 'queued' });
    expect(hub.store.outbox.counts().pending).toBe(1);
    // Kept now: a third delivery is the duplicate.
    expect(await jsonOf(await hub.request('/sysinfo', json(sample(1_000))))).toMatchObject({ status: 'duplicate' });
  });

  it('is taken once when two deliveries of it arrive together', async () => {
    const hub = startHub();
    close = hub.close;
    const answers = await Promise.all([1, 2, 3].map(() => hub.request('/sysinfo', json(sample(1_000)))));
    const statuses = await Promise.all(answers.map(async (a) => ((await jsonOf(a)) as { status: string }).status));
    expect(statuses.sort()).toEqual(['duplicate', 'duplicate', 'queued']);
    expect(hub.store.outbox.counts().pending).toBe(1);
  });
});

describe('the history of the reports a hub takes', () => {
  it('keeps a v2 report at its own time, per mount, and the original report at its receipt', async () => {
    const received = Date.UTC(2026, 11, 2, 9, 0);
    const hub = startHub({ now: () => received });
    close = hub.close;
    const v2 = sample(received - 30_000, 12);
    v2.sample.disks = [
      {
        mount: '/data',
        device: '/dev/sda1',
        fsType: 'ext4',
        totalBytes: 100,
        usedBytes: 40,
        freeBytes: 60,
        usedPercent: 40,
      },
    ] as never;
    expect((await hub.request('/sysinfo', json(v2))).status).toBe(200);
    const legacy = { sys_data: { hostname: 'old-pi', cpu_percent: 7, memory_percent: 30 } };
    expect((await hub.request('/sysinfo', json(legacy))).status).toBe(200);
    expect(hub.store.history.latest('pi1')).toEqual({
      atMs: received - 30_000,
      values: expect.objectContaining({ cpu_percent: 12, memory_percent: 10, 'disk_usage_percent@/data': 40 }),
    });
    expect(hub.store.history.latest('old-pi')).toEqual({
      atMs: received,
      values: { cpu_percent: 7, memory_percent: 30 },
    });
  });

  it('answers 503 when the history cannot be kept, and keeps the report when it is sent again', async () => {
    let failures = 1;
    const hub = startHub({
      deps: {
        history: {
          keep: (entry) => {
            if (failures-- > 0) {
              const cause = Object.assign(new Error('database or disk is full'), { errcode: 13 });
              return Promise.reject(
                new StoreError('store transaction failed: disk full', { path: 'janitor.db', cause }),
              );
            }
            return hub.store.history.keep(entry);
          },
        },
      },
    });
    close = hub.close;
    const failed = await hub.request('/sysinfo', json(sample(1_000, 10)));
    expect(failed.status).toBe(503);
    expect(hub.store.history.hosts()).toEqual([]);
    const resent = await hub.request('/sysinfo', json(sample(1_000, 10)));
    expect(resent.status).toBe(200);
    expect(await jsonOf(resent)).toMatchObject({ status: 'ok' });
    expect(hub.store.history.latest('pi1')?.values.cpu_percent).toBe(10);
  });
});

describe('a hub that cannot listen', () => {
  it('says why in one line and exits 1 instead of hanging', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    const dir = tempDir();
    try {
      const r = spawnSync(process.execPath, [HUB_MAIN, '--dry-run', '--host', '127.0.0.1', '--port', String(port)], {
        cwd: dir.path,
        env: { ...process.env, HOME: dir.path, XDG_STATE_HOME: join(dir.path, 'state') },
        encoding: 'utf8',
        timeout: 10_000,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: the address is in use`));
      expect(r.stderr).not.toMatch(/^\s+at /m);
    } finally {
      busy.close();
      dir.remove();
    }
  });
});

describe('a port that is not one', () => {
  it.each(['abc', '99999', '-1', '1.5', '', '0x50'])(
    '--port %j exits 2 with a usage line, before anything starts',
    (port) => {
      const dir = tempDir();
      try {
        const r = spawnSync(process.execPath, [HUB_MAIN, '--dry-run', '--port', port], {
          cwd: dir.path,
          env: { ...process.env, HOME: dir.path, XDG_STATE_HOME: join(dir.path, 'state') },
          encoding: 'utf8',
          timeout: 10_000,
        });
        expect(r.status).toBe(2);
        expect(r.stderr).toMatch(/--port/);
        expect(r.stderr).toMatch(/expected a port number 0-65535/);
        expect(r.stderr).toMatch(/^Usage: janitor-hub /m);
        expect(r.stderr).not.toMatch(/^\s+at /m);
        expect(r.stderr).not.toMatch(/hub listening/);
      } finally {
        dir.remove();
      }
    },
  );
});

import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
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

// janitor.db deleted (or replaced) under a running hub: SQLite goes on writing into the unlinked file, so everything
// acknowledged after would be lost. The hub notices (at each health probe and on a timer), says it is not ready, and
// answers 503 instead of 200 until it is restarted.
import { copyFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  captureLogger,
  GOOD_MESSAGE,
  goldenConfigData,
  hubConfig,
  json,
  jsonOf,
  remoteFromEnv,
  tempDir,
  until,
} from './hub.test-support.ts';
import { createHubService, type HubService } from './service.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function service(options: { storeCheckIntervalMs?: number } = {}) {
  const dir = tempDir();
  const logger = captureLogger();
  const config = hubConfig(goldenConfigData(dir.path), dir.path);
  const hub = createHubService({
    config,
    logger,
    dryRun: true,
    remoteAddress: remoteFromEnv,
    env: {},
    storePath: join(dir.path, 'state', 'janitor.db'),
    ...options,
  });
  cleanups.push(dir.remove, () => hub.close({ graceMs: 500 }));
  await hub.start();
  return { hub, logger, path: hub.store.path };
}

const send = (hub: HubService, path: string, init: RequestInit) => hub.app.request(path, init, { remote: '127.0.0.1' });
const REPORT = json({ sys_data: { hostname: 'pi1', cpu_percent: 99 } });

describe('a database file deleted under the running hub', () => {
  it('makes /health not ready and every write a 503 from the next health probe on', async () => {
    const { hub, logger, path } = await service();
    expect((await send(hub, '/message', GOOD_MESSAGE)).status).toBe(200);
    for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });

    const health = await send(hub, '/health', {});
    expect(health.status).toBe(503);
    expect(await jsonOf(health)).toMatchObject({
      status: 'not ready',
      problems: [expect.stringContaining(`${path} was deleted`)],
    });
    for (const [route, init] of [
      ['/message', GOOD_MESSAGE],
      ['/sysinfo', REPORT],
      ['/silences', json({ host: 'pi1', for: '1h' })],
    ] as const) {
      const res = await send(hub, route, init);
      expect(res.status, route).toBe(503);
      expect(await jsonOf(res)).toMatchObject({ error: expect.stringContaining('restart') });
    }
    // Said once, loudly.
    expect(logger.lines.filter((l) => l.level === 'error' && /was deleted/.test(l.message))).toHaveLength(1);
  });

  it('is noticed by the timer too, without a health probe', async () => {
    const { hub, path } = await service({ storeCheckIntervalMs: 20 });
    rmSync(path);
    await until(() => hub.storeProblem() !== undefined, 'the file check');
    expect((await send(hub, '/message', GOOD_MESSAGE)).status).toBe(503);
  });

  it('a file put in its place (a backup restored under the running hub) is refused the same way', async () => {
    const { hub, path } = await service();
    copyFileSync(path, `${path}.copy`);
    renameSync(`${path}.copy`, path);
    const health = await send(hub, '/health', {});
    expect(health.status).toBe(503);
    expect(await jsonOf(health)).toMatchObject({ problems: [expect.stringContaining('was replaced')] });
    expect((await send(hub, '/sysinfo', REPORT)).status).toBe(503);
  });

  it('leaves a hub whose file is in place alone', async () => {
    const { hub } = await service();
    // The health probe checks the file as well.
    expect((await send(hub, '/health', {})).status).toBe(200);
    expect(hub.storeProblem()).toBeUndefined();
    expect((await send(hub, '/message', GOOD_MESSAGE)).status).toBe(200);
  });
});

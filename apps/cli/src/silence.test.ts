// janitor silence: the command run as a user runs it against a real hub process on
// loopback. (The client is @janitor/protocol's, tested there and against the hub in apps/hub's routes/silences.test.ts.)
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HUB_TOKEN, JANITOR_MAIN, killLeftovers, runNode, startRealHub, tempDir } from './cli-process.test-support.ts';

afterAll(killLeftovers);

describe('janitor silence', { timeout: 30_000 }, () => {
  it('silences, lists and removes through the real hub; says how it is used and what the hub refused', async () => {
    await using dir = await tempDir();
    const hub = await startRealHub(dir.path);
    try {
      const cli = (args: string[]) =>
        runNode(JANITOR_MAIN, args, { cwd: dir.path, env: { JANITOR_HUB_TOKEN: HUB_TOKEN } });
      // The hub's address from config.yaml, the token from the environment, as for `janitor send`.
      await writeFile(join(dir.path, 'config.yaml'), `app: { service: { remote_url: "${hub.url}" } }\n`);
      const added = await cli(['silence', 'pi1', 'disk_usage_percent@/data', '--for', '2h', '--reason', 'resize']);
      expect(added.code, added.stderr).toBe(0);
      expect(added.stdout).toMatch(
        /^silenced: #1 pi1, disk_usage_percent@\/data, until \d{4}-\d\d-\d\d \d\d:\d\d UTC \((1h 59m|2h) left\): resize\n$/,
      );
      const listed = await cli(['silence', 'list']);
      expect(listed.code, listed.stderr).toBe(0);
      expect(listed.stdout).toMatch(/^#1 pi1, disk_usage_percent@\/data, until .*: resize\n$/);
      const removed = await cli(['silence', 'remove', '#1']);
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stdout).toMatch(/^removed: #1 pi1/);
      expect((await cli(['silence', 'list'])).stdout).toBe('no silences\n');

      const usage = await cli(['silence', 'pi1']);
      expect(usage.code).toBe(2);
      expect(usage.stderr).toMatch(/^janitor: usage: janitor silence HOST \[RULE\] --for DURATION/);
      const refused = await cli(['silence', 'pi1', 'gpu_percent', '--for', '1h']);
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(
        /^janitor: POST http:\/\/127\.0\.0\.1:\d+\/silences: 400 unknown rule "gpu_percent".*\(field rule\)\n$/,
      );
      const gone = await cli(['silence', 'remove', '1']);
      expect(gone.code).toBe(1);
      expect(gone.stderr).toMatch(/404 no running silence with id 1 \(field id\)/);
      expect(hub.requests()).toEqual([
        'POST /silences 200',
        'GET /silences 200',
        'DELETE /silences/1 200',
        'GET /silences 200',
        'POST /silences 400',
        'DELETE /silences/1 404',
      ]);
    } finally {
      await hub.stop();
    }
  });
});

describe('janitor hosts forget', { timeout: 30_000 }, () => {
  it('makes the real hub forget a host; a host it does not know is an error naming it', async () => {
    await using dir = await tempDir();
    const hub = await startRealHub(dir.path);
    try {
      const sent = await fetch(`${hub.url}/sysinfo`, {
        method: 'POST',
        headers: { authorization: `Bearer ${HUB_TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ sys_data: { hostname: 'old-pi', cpu_percent: 3 } }),
      });
      expect(sent.status).toBe(200);
      const cli = (args: string[]) =>
        runNode(JANITOR_MAIN, args, { cwd: dir.path, env: { JANITOR_HUB_TOKEN: HUB_TOKEN } });
      const forgotten = await cli(['hosts', 'forget', 'old-pi', '--hub', hub.url]);
      expect(forgotten.code, forgotten.stderr).toBe(0);
      expect(forgotten.stdout).toBe('forgotten: old-pi\n');
      const fleet = (await (
        await fetch(`${hub.url}/api/v1/hosts`, { headers: { authorization: `Bearer ${HUB_TOKEN}` } })
      ).json()) as { hosts: unknown[] };
      expect(fleet.hosts).toEqual([]);
      const unknown = await cli(['hosts', 'forget', 'old-pi', '--hub', hub.url]);
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toMatch(/404 no host "old-pi" is known \(field hostname\)/);
    } finally {
      await hub.stop();
    }
  });
});

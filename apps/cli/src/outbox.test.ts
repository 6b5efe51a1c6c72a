// janitor outbox: the lines it prints, then the commands run as a user runs them, on a store in the config's
// state_dir and against the fake Mastodon server.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatCounts, formatDrain, formatEntry, type ShownEntry } from '@janitor/runtime';
import { openStore } from '@janitor/store';
import { startFakeMastodon } from '@janitor/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { killLeftovers, runJanitor, tempDir } from './cli-process.test-support.ts';

afterAll(killLeftovers);

const T0 = Date.UTC(2026, 10, 23, 12, 0);

describe('the lines of janitor outbox', () => {
  const entry: ShownEntry = {
    id: 12,
    createdAtMs: T0 - 5 * 60_000,
    payload: { kind: 'message', message: { type: 'warning', hostname: 'pi-1', summary: 'Disk', text: 'x' } },
    groupKey: 'pi-1',
    attempts: 3,
    notBeforeMs: T0 + 4 * 60_000,
    lastError: 'publish failed: POST https://m.example/api/v1/statuses: 503 Service Unavailable',
    state: 'pending',
  };

  it.each([
    [
      'a pending entry in backoff says when it is tried next, and why it failed',
      entry,
      '#12 pending pi-1, 3 attempts, queued 5m ago, next try in 4m: Disk (last error: publish failed: POST https://m.example/api/v1/statuses: 503 Service Unavailable)',
    ],
    [
      'a fresh entry is due now',
      { ...entry, attempts: 0, notBeforeMs: T0, lastError: null },
      '#12 pending pi-1, 0 attempts, queued 5m ago, due now: Disk',
    ],
    [
      'a dead letter says how to retry it',
      {
        ...entry,
        state: 'dead' as const,
        attempts: 1,
        payload: { kind: 'report', report: { spoiler: '🚨 pi-1', text: '- CPU: 99' } },
        lastError: '422 Unprocessable Entity',
      },
      '#12 dead pi-1, 1 attempt, queued 5m ago, janitor outbox retry 12: 🚨 pi-1 (last error: 422 Unprocessable Entity)',
    ],
    [
      'a merged entry names how many posts it holds',
      { ...entry, notBeforeMs: T0, lastError: null, payload: { kind: 'merged', hostname: 'pi-1', items: [1, 2, 3] } },
      '#12 pending pi-1, 3 attempts, queued 5m ago, due now: 3 posts merged for pi-1',
    ],
  ])('%s', (_what, shown, line) => {
    expect(formatEntry(shown, T0)).toBe(line);
  });

  it('counts and a flush in one line each', () => {
    expect(formatCounts({ pending: 2, dead: 1, oldestPendingMs: T0 - 2 * 3_600_000 }, T0)).toBe(
      '2 pending (oldest queued 2h ago), 1 dead',
    );
    expect(formatCounts({ pending: 0, dead: 0, oldestPendingMs: null }, T0)).toBe('0 pending, 0 dead');
    expect(formatDrain({ posted: 3, retried: 0, dead: 1, merged: 0, resumeAtMs: null }, T0)).toBe(
      '3 posted, 0 to retry, 1 dead',
    );
    expect(formatDrain({ posted: 0, retried: 1, dead: 0, merged: 4, resumeAtMs: T0 + 90_000 }, T0)).toBe(
      '0 posted, 1 to retry, 0 dead, 4 merged; stopped: nothing goes out for 1m',
    );
  });
});

describe('janitor outbox', { timeout: 30_000 }, () => {
  it('lists, retries a dead letter and flushes the store in state_dir', async () => {
    await using dir = await tempDir();
    await using fake = await startFakeMastodon();
    const stateDir = join(dir.path, 'state');
    await writeFile(
      join(dir.path, 'config.yaml'),
      `app: { state_dir: "${stateDir}", run_control: { dry_run: false } }\nmastodon: { api_base_url: "${fake.url}" }\n`,
    );
    const cli = (args: string[]) =>
      runJanitor(['outbox', ...args], { cwd: dir.path, env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' } });

    const none = await cli(['list']);
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toBe(`the outbox is empty (no store at ${join(stateDir, 'janitor.db')})\n`);

    const store = openStore({ path: join(stateDir, 'janitor.db') });
    const waiting = store.outbox.enqueue({
      payload: { kind: 'message', message: { type: 'info', hostname: 'pi-1', text: 'backup done' } },
      groupKey: 'pi-1',
    });
    const refused = store.outbox.enqueue({
      payload: { kind: 'message', message: { type: 'error', hostname: 'pi-2', text: 'refused once' } },
      groupKey: 'pi-2',
    });
    store.outbox.kill(refused.id, 'publish failed: 422 Unprocessable Entity');
    store.close();

    const listed = await cli(['list']);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout.split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(`^#${waiting.id} pending pi-1, 0 attempts, queued \\d+s ago, due now: backup done$`),
      ),
      expect.stringMatching(
        new RegExp(`^#${refused.id} dead pi-2, 1 attempt, .*janitor outbox retry ${refused.id}: refused once .*422`),
      ),
      expect.stringMatching(/^1 pending \(oldest queued \d+s ago\), 1 dead$/),
      '',
    ]);
    const dead = await cli(['list', '--dead']);
    expect(dead.stdout.split('\n')).toEqual([
      expect.stringMatching(`^#${refused.id} dead`),
      expect.stringMatching(/^1 pending .*, 1 dead$/),
      '',
    ]);

    const retried = await cli(['retry', String(refused.id)]);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toMatch(new RegExp(`^#${refused.id} is queued again`));
    // A pending entry is taken too: due now, even one a server told to wait for days.
    const far = openStore({ path: join(stateDir, 'janitor.db') });
    far.outbox.retry(waiting.id, {
      notBeforeMs: Date.now() + 94_951 * 86_400_000 + 3_600_000,
      error: '429 Too Many Requests',
    });
    far.close();
    expect((await cli(['list'])).stdout).toMatch(
      new RegExp(`^#${waiting.id} pending pi-1, 1 attempt, .*next try in 94951d`),
    );
    const again = await cli(['retry', `#${waiting.id}`]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^#${waiting.id} is due now`));
    expect((await cli(['list'])).stdout).toMatch(new RegExp(`^#${waiting.id} pending pi-1, 1 attempt, .*due now`));
    const missing = await cli(['retry', '99']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('janitor: no entry #99 in the outbox\n');
    const usage = await cli(['retry', 'x']);
    expect(usage.code).toBe(2);

    const flushed = await cli(['flush']);
    expect(flushed.code, flushed.stderr).toBe(0);
    expect(flushed.stdout).toBe('2 posted, 0 to retry, 0 dead\n0 pending, 0 dead\n');
    expect(fake.statuses.map((s) => s.status)).toEqual([
      expect.stringContaining('backup done'),
      expect.stringContaining('refused once'),
    ]);
    expect((await cli(['list'])).stdout).toBe('the outbox is empty\n0 pending, 0 dead\n');
  });

  it('flush refuses to run in dry run, which would drop the queue', async () => {
    await using dir = await tempDir();
    await writeFile(
      join(dir.path, 'config.yaml'),
      `app: { state_dir: "${join(dir.path, 'state')}", run_control: { dry_run: true } }\nmastodon: { api_base_url: "http://127.0.0.1:9" }\n`,
    );
    const result = await runJanitor(['outbox', 'flush'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^janitor: outbox flush posts for real; it does not run in dry run/);
  });
});

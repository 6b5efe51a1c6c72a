import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LogFields, Logger, Sample } from '@janitor/protocol';
import { tempDir as tempDirNamed } from '@janitor/testkit';
import { describe, expect, it } from 'vitest';

const tempDir = () => tempDirNamed('janitor-spool-test-');

import { createSpool, type SpooledReport } from './spool.ts';

function sample(n: number): Sample {
  return { hostname: 'pi', collectedAtMs: 1_700_000_000_000 + n, metrics: { cpu_percent: n }, disks: [], network: [] };
}

function recordingLogger() {
  const lines: { level: string; message: string; fields?: LogFields }[] = [];
  const at = (level: string) => (message: string, fields?: LogFields) => {
    lines.push({ level, message, ...(fields ? { fields } : {}) });
  };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

const retryable = Object.assign(new Error('hub down'), { retryable: true });
const refused = Object.assign(new Error('400 bad report'), { retryable: false, status: 400 });

describe('spool', () => {
  it('writes one 0600 file per report in a 0700 folder, numbered in order, leaving no temporary file', async () => {
    await using dir = await tempDir();
    const spoolDir = join(dir.path, 'state', 'spool');
    const spool = createSpool({ dir: spoolDir, now: () => 42 });
    for (const n of [1, 2, 3]) spool.add({ format: 'v2', sample: sample(n) });
    expect(spool.pending()).toEqual(['000000000001.json', '000000000002.json', '000000000003.json']);
    expect(readdirSync(spoolDir)).toHaveLength(3);
    expect(statSync(spoolDir).mode & 0o777).toBe(0o700);
    const first = join(spoolDir, '000000000001.json');
    expect(statSync(first).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(first, 'utf8'))).toEqual({ format: 'v2', sample: sample(1), spooledAtMs: 42 });
  });

  it('continues the numbering after the newest file, so the order survives a clock set back', async () => {
    await using dir = await tempDir();
    const spool = createSpool({ dir: dir.path, now: () => 5_000 });
    spool.add({ format: 'v2', sample: sample(1) });
    const later = createSpool({ dir: dir.path, now: () => 1_000 });
    later.add({ format: 'legacy', sample: sample(2) });
    const delivered: SpooledReport[] = [];
    await later.flush({ deliver: async (r) => void delivered.push(r) });
    expect(delivered.map((r) => [r.format, r.sample.collectedAtMs, r.spooledAtMs])).toEqual([
      ['v2', sample(1).collectedAtMs, 5_000],
      ['legacy', sample(2).collectedAtMs, 1_000],
    ]);
  });

  it('keeps at most maxFiles: the oldest are dropped and the count is logged', async () => {
    await using dir = await tempDir();
    const { logger, lines } = recordingLogger();
    const spool = createSpool({ dir: dir.path, maxFiles: 3, logger });
    for (const n of [1, 2, 3]) spool.add({ format: 'v2', sample: sample(n) });
    expect(lines).toEqual([]);
    expect(spool.add({ format: 'v2', sample: sample(4) }).dropped).toBe(1);
    expect(lines).toEqual([
      {
        level: 'warn',
        message: 'spool full: oldest reports dropped',
        fields: { dropped: 1, maxFiles: 3, dir: dir.path },
      },
    ]);
    const kept: number[] = [];
    await spool.flush({ deliver: async (r) => void kept.push(r.sample.metrics.cpu_percent!) });
    expect(kept).toEqual([2, 3, 4]);
  });

  it('delivers oldest first, deletes each file only after its delivery, and stops at the first retryable failure', async () => {
    await using dir = await tempDir();
    const spool = createSpool({ dir: dir.path });
    for (const n of [1, 2, 3]) spool.add({ format: 'v2', sample: sample(n) });
    const attempts: number[] = [];
    const outcome = await spool.flush({
      deliver: async (r) => {
        const n = r.sample.metrics.cpu_percent!;
        attempts.push(n);
        // While report 1 is being delivered, its file is still there.
        if (n === 1) expect(spool.pending()).toHaveLength(3);
        if (n === 2) throw retryable;
      },
    });
    expect(attempts).toEqual([1, 2]);
    expect(outcome).toEqual({ delivered: 1, rejected: 0, remaining: 2, stoppedBy: retryable });
    expect(spool.pending()).toEqual(['000000000002.json', '000000000003.json']);
  });

  it('moves a report the hub will never take to rejected/ and goes on with the next', async () => {
    await using dir = await tempDir();
    const { logger, lines } = recordingLogger();
    const spool = createSpool({ dir: dir.path, logger });
    for (const n of [1, 2, 3]) spool.add({ format: 'v2', sample: sample(n) });
    const delivered: number[] = [];
    const outcome = await spool.flush({
      deliver: async (r) => {
        if (r.sample.metrics.cpu_percent === 2) throw refused;
        delivered.push(r.sample.metrics.cpu_percent!);
      },
    });
    expect(outcome).toEqual({ delivered: 2, rejected: 1, remaining: 0 });
    expect(delivered).toEqual([1, 3]);
    expect(spool.pending()).toEqual([]);
    const rejected = readdirSync(join(dir.path, 'rejected'));
    expect(rejected).toEqual(['000000000001.json']);
    expect(JSON.parse(readFileSync(join(dir.path, 'rejected', rejected[0]!), 'utf8')).sample).toEqual(sample(2));
    expect(lines.map((l) => [l.level, l.message, l.fields?.error])).toEqual([
      ['error', 'spooled report rejected by the hub, moved to rejected/', '400 bad report'],
    ]);
  });

  it('moves an unreadable file to rejected/ instead of failing every later run', async () => {
    await using dir = await tempDir();
    mkdirSync(dir.path, { recursive: true });
    writeFileSync(join(dir.path, '000000000001.json'), '{"format": "v2", "sam');
    const spool = createSpool({ dir: dir.path });
    spool.add({ format: 'v2', sample: sample(2) });
    const delivered: number[] = [];
    const outcome = await spool.flush({ deliver: async (r) => void delivered.push(r.sample.metrics.cpu_percent!) });
    expect(outcome).toMatchObject({ delivered: 1, rejected: 1, remaining: 0 });
    expect(delivered).toEqual([2]);
    expect(readdirSync(join(dir.path, 'rejected'))).toHaveLength(1);
  });

  it('stops between two reports when its signal aborts', async () => {
    await using dir = await tempDir();
    const spool = createSpool({ dir: dir.path });
    for (const n of [1, 2, 3]) spool.add({ format: 'v2', sample: sample(n) });
    const controller = new AbortController();
    const outcome = await spool.flush({
      signal: controller.signal,
      deliver: async () => controller.abort(),
    });
    expect(outcome).toEqual({ delivered: 1, rejected: 0, remaining: 2 });
    expect(spool.pending()).toHaveLength(2);
  });

  it('bounds rejected/ like the spool', async () => {
    await using dir = await tempDir();
    const spool = createSpool({ dir: dir.path, maxFiles: 2 });
    for (const n of [1, 2, 3]) spool.reject({ format: 'v2', sample: sample(n) }, 'refused');
    const names = readdirSync(join(dir.path, 'rejected')).sort();
    expect(names).toEqual(['000000000002.json', '000000000003.json']);
  });

  it('refuses a bound below one', () => {
    expect(() => createSpool({ dir: '/nonexistent', maxFiles: 0 })).toThrow(RangeError);
  });
});

describe('spool lock', () => {
  it('a run that finds another one delivering leaves the spool to it: nothing is sent twice', async () => {
    await using dir = await tempDir();
    const spool = createSpool({ dir: dir.path });
    spool.add({ format: 'v2', sample: sample(1) });
    // This test's own process is alive: its PID in the lock means "someone is delivering".
    writeFileSync(join(dir.path, '.lock'), String(process.pid));
    const attempts: number[] = [];
    const outcome = await spool.flush({ deliver: async (r) => void attempts.push(r.sample.metrics.cpu_percent!) });
    expect(outcome).toEqual({ delivered: 0, rejected: 0, remaining: 1, busy: true });
    expect(attempts).toEqual([]);
  });

  it('takes over the lock of a run that died, and releases it when done', async () => {
    await using dir = await tempDir();
    const spool = createSpool({ dir: dir.path });
    spool.add({ format: 'v2', sample: sample(1) });
    const dead = spawnSync('true').pid!;
    writeFileSync(join(dir.path, '.lock'), String(dead));
    const outcome = await spool.flush({
      deliver: async () => {
        expect(readFileSync(join(dir.path, '.lock'), 'utf8')).toBe(String(process.pid));
      },
    });
    expect(outcome).toEqual({ delivered: 1, rejected: 0, remaining: 0 });
    expect(existsSync(join(dir.path, '.lock'))).toBe(false);
  });
});

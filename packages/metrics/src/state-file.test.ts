import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CounterState } from './counters.ts';
import { defaultStateFile, readStateFile, writeStateFile } from './state-file.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'janitor-metrics-state-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const counters = (atMs: number) => ({
  atMs,
  bootTimeSec: 1573551233,
  cpu: [1, 2, 3, 4, 5, 6, 7, 8, 0, 0],
  net: { eth0: [10, 20] as const },
});
const kept: CounterState = { base: counters(1000), last: counters(1300) };

describe('state file', () => {
  it('reads back what it wrote, creating the folder, readable by its owner only', async () => {
    const path = join(dir, 'nested/janitor/metrics-state.json');
    await writeStateFile(path, 'procfs', kept);
    expect(await readStateFile(path, 'procfs')).toEqual({ state: kept });
    expect((await import('node:fs')).statSync(path).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'nested/janitor'))).toEqual(['metrics-state.json']);
  });

  it('says "missing" on a first run', async () => {
    expect(await readStateFile(join(dir, 'none.json'), 'procfs')).toEqual({ problem: 'missing' });
  });

  it.each([
    ['not JSON', '{"version":1,'],
    ['another version', JSON.stringify({ version: 99, source: 'procfs', base: kept.base, last: kept.last })],
    [
      'a cpu array of the wrong length',
      JSON.stringify({ version: 1, source: 'procfs', base: { ...kept.base, cpu: [1] }, last: kept.last }),
    ],
    [
      'a negative counter',
      JSON.stringify({ version: 1, source: 'procfs', base: kept.base, last: { ...kept.last, atMs: -1 } }),
    ],
    [
      'a bad interface pair',
      JSON.stringify({ version: 1, source: 'procfs', base: kept.base, last: { ...kept.last, net: { eth0: ['x'] } } }),
    ],
    ['an array', '[]'],
  ])('says "corrupt" for %s', async (_what, content) => {
    const path = join(dir, 'state.json');
    await writeFile(path, content);
    expect(await readStateFile(path, 'procfs')).toMatchObject({ problem: 'corrupt' });
  });

  it('says "other-source" for counters kept by the systeminformation source (other units)', async () => {
    const path = join(dir, 'state.json');
    await writeStateFile(path, 'systeminformation', kept);
    expect(await readStateFile(path, 'procfs')).toEqual({ problem: 'other-source' });
  });

  it('replaces a symlink planted at the path instead of writing through it', async () => {
    const victim = join(dir, 'victim.txt');
    await writeFile(victim, 'precious\n');
    const path = join(dir, 'state.json');
    await symlink(victim, path);
    await writeStateFile(path, 'procfs', kept);
    expect(await readFile(victim, 'utf8')).toBe('precious\n');
    expect(await readStateFile(path, 'procfs')).toEqual({ state: kept });
  });
});

describe('defaultStateFile', () => {
  it.each([
    ['XDG_STATE_HOME when set', { XDG_STATE_HOME: '/var/state' }, 'linux', '/var/state/janitor/metrics-state.json'],
    ['~/.local/state otherwise', {}, 'linux', join(homedir(), '.local/state/janitor/metrics-state.json')],
    [
      'a relative XDG_STATE_HOME is ignored, as the spec says',
      { XDG_STATE_HOME: 'rel' },
      'linux',
      join(homedir(), '.local/state/janitor/metrics-state.json'),
    ],
    [
      'LOCALAPPDATA on Windows',
      { LOCALAPPDATA: '/appdata' },
      'win32',
      join('/appdata', 'janitor', 'metrics-state.json'),
    ],
  ] as const)('%s', (_what, env, platform, expected) => {
    expect(defaultStateFile(env, platform)).toBe(expected);
  });
});

// app.state_dir and logger.filename checked when the config loads, before anything is queued or posted.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './errors.ts';
import { loadConfig, parseConfig } from './load-config.ts';
import { checkWritablePaths } from './writable-paths.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'janitor-paths-'));
});

async function problemsOf(yaml: string): Promise<string[]> {
  writeFileSync(join(dir, 'config.yaml'), yaml);
  try {
    await loadConfig({ cwd: dir, env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  return [];
}

/** An access() that refuses writing under `denied`, as for a user who does not own it (tests run as root too). */
const denyUnder = (denied: string) => (path: string, mode: number) => {
  if (path.startsWith(denied) && mode !== 0) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
};

describe('app.state_dir', () => {
  it('a file where the folder should be: a config error naming the key', async () => {
    writeFileSync(join(dir, 'state'), 'not a folder');
    expect(await problemsOf('app:\n  state_dir: state\n')).toEqual([
      `app.state_dir: ${join(dir, 'state')} is a file, not a folder`,
    ]);
  });

  it('below a file (it can never be created): a config error', async () => {
    writeFileSync(join(dir, 'state'), 'not a folder');
    expect(await problemsOf('app:\n  state_dir: state/inner\n')).toEqual([
      `app.state_dir: ${join(dir, 'state', 'inner')} cannot be created: ${join(dir, 'state')} is a file`,
    ]);
  });

  it('not writable: a config error', () => {
    mkdirSync(join(dir, 'ro'));
    const config = parseConfig({ app: { state_dir: 'ro/state' } }, { baseDir: dir, env: {} });
    expect(checkWritablePaths(config.data, { access: denyUnder(join(dir, 'ro')) })).toEqual([
      {
        path: 'app.state_dir',
        message: `${join(dir, 'ro', 'state')} cannot be created: ${join(dir, 'ro')} is not writable`,
      },
    ]);
    mkdirSync(join(dir, 'ro', 'state'));
    expect(checkWritablePaths(config.data, { access: denyUnder(join(dir, 'ro')) })).toEqual([
      { path: 'app.state_dir', message: `${join(dir, 'ro', 'state')} is not writable` },
    ]);
  });

  it('a folder that does not exist yet under a writable one is fine', async () => {
    expect(await problemsOf('app:\n  state_dir: var/lib/janitor\n')).toEqual([]);
  });
});

describe('logger.filename (with to_file)', () => {
  it('a folder where the file should be: a config error naming the key', async () => {
    mkdirSync(join(dir, 'log', 'janitor.log'), { recursive: true });
    expect(await problemsOf('logger:\n  to_file: true\n  filename: log/janitor.log\n')).toEqual([
      `logger.filename: ${join(dir, 'log', 'janitor.log')} is a folder, not a file`,
    ]);
  });

  it('not writable: a config error', () => {
    mkdirSync(join(dir, 'log'));
    writeFileSync(join(dir, 'log', 'janitor.log'), '');
    const config = parseConfig({ logger: { to_file: true } }, { baseDir: dir, env: {} });
    expect(checkWritablePaths(config.data, { access: denyUnder(join(dir, 'log')) })).toEqual([
      { path: 'logger.filename', message: `${join(dir, 'log', 'janitor.log')} is not writable` },
    ]);
  });

  it('is not checked when the log is not written to a file', async () => {
    mkdirSync(join(dir, 'log', 'janitor.log'), { recursive: true });
    expect(await problemsOf('logger:\n  to_file: false\n')).toEqual([]);
  });

  it('both problems at once, with the file’s other problems', async () => {
    writeFileSync(join(dir, 'state'), '');
    mkdirSync(join(dir, 'log', 'janitor.log'), { recursive: true });
    const problems = await problemsOf('app:\n  state_dir: state\nlogger:\n  to_file: true\n');
    expect(problems.map((p) => p.split(':')[0])).toEqual(['app.state_dir', 'logger.filename']);
  });
});

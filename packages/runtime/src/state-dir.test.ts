import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '@janitor/config';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureStateDir, stateLine } from './state-dir.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'janitor-state-'));
  dirs.push(dir);
  return dir;
}

describe('ensureStateDir', () => {
  it('creates app.state_dir and the folders above it readable by their owner only', () => {
    const dir = tempDir();
    const config = parseConfig(
      { app: { state_dir: 'var/lib/janitor' } },
      { baseDir: dir, filepath: join(dir, 'config.yaml'), env: {} },
    );
    expect(ensureStateDir(config, {})).toBe(join(dir, 'var', 'lib', 'janitor'));
    for (const folder of ['var', 'var/lib', 'var/lib/janitor']) {
      expect(statSync(join(dir, folder)).mode & 0o777, folder).toBe(0o700);
    }
  });

  it('leaves a folder that exists as it is', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'shared'), { mode: 0o750 });
    const config = parseConfig(
      { app: { state_dir: 'shared' } },
      { baseDir: dir, filepath: join(dir, 'config.yaml'), env: {} },
    );
    ensureStateDir(config, {});
    expect(statSync(join(dir, 'shared')).mode & 0o777).toBe(0o750);
  });

  it('without a config file: the per-user state folder', () => {
    const home = tempDir();
    const config = parseConfig({}, { baseDir: home, env: {} });
    expect(ensureStateDir(config, { XDG_STATE_HOME: join(home, 'xdg') })).toBe(join(home, 'xdg', 'janitor'));
    expect(statSync(join(home, 'xdg', 'janitor')).mode & 0o777).toBe(0o700);
  });
});

describe('stateLine', () => {
  it('names the folder and what the command keeps there', () => {
    expect(stateLine('/var/lib/janitor', ['janitor.db', 'spool', 'locks'])).toBe(
      'state: /var/lib/janitor (janitor.db, spool, locks)',
    );
    expect(stateLine('/srv/j', [])).toBe('state: /srv/j');
  });
});

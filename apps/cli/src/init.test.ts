// `janitor init` end to end: the file it writes, its mode, and what it refuses to do.
import { existsSync } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hasStackTrace, killLeftovers, runJanitor, tempDir } from './cli-process.test-support.ts';

afterAll(killLeftovers);

/** Each test spawns Node (one to three times); the project's 5 s default is too short on a busy 2-core machine. */
const SPAWNING = { timeout: 20_000 };

const DIST = new URL('../../../config.yaml.dist', import.meta.url);

const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

describe.concurrent('janitor init', SPAWNING, () => {
  it('writes config.yaml from config.yaml.dist, mode 0600, and the result validates', async () => {
    await using dir = await tempDir();
    const path = join(dir.path, 'config.yaml');
    const run = await runJanitor(['init'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`wrote ${path}`);
    expect(await modeOf(path)).toBe(0o600);
    expect(await readFile(path, 'utf8')).toBe(await readFile(DIST, 'utf8'));
    const validate = await runJanitor(['config', 'validate'], { cwd: dir.path });
    expect(validate.code, validate.stderr).toBe(0);
    expect(validate.stdout).toContain(`${path}: valid`);
  });

  it('refuses to overwrite an existing config.yaml and leaves it unchanged', async () => {
    await using dir = await tempDir();
    const path = join(dir.path, 'config.yaml');
    await writeFile(path, 'app:\n  name: "mine"\n', { mode: 0o644 });
    const run = await runJanitor(['init'], { cwd: dir.path });
    expect(run.code).not.toBe(0);
    expect(run.stderr).toBe(`janitor: ${path} already exists; edit it, or remove it first to start over\n`);
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(await readFile(path, 'utf8')).toBe('app:\n  name: "mine"\n');
    expect(await modeOf(path)).toBe(0o644);
  });

  it('--config other.yaml init writes there and nowhere else', async () => {
    await using dir = await tempDir();
    const run = await runJanitor(['--config', 'other.yaml', 'init'], { cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(await modeOf(join(dir.path, 'other.yaml'))).toBe(0o600);
    expect(await readFile(join(dir.path, 'other.yaml'), 'utf8')).toBe(await readFile(DIST, 'utf8'));
    expect(existsSync(join(dir.path, 'config.yaml'))).toBe(false);
  });
});

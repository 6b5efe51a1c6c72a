// janitor listen: the hub in the foreground, and --detach / status / stop with a pid file, as a user runs them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { hubFiles, isAlive, startHubDetached } from '@janitor/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import {
  JANITOR_MAIN,
  killLeftovers,
  runNode,
  startNode,
  startRecordingHub,
  tempDir,
} from './cli-process.test-support.ts';

const started = new Set<number>();
afterAll(() => {
  killLeftovers();
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
});

async function hubDir() {
  const dir = await tempDir();
  await writeFile(
    join(dir.path, 'config.yaml'),
    'app: { run_control: { dry_run: true }, state_dir: state, service: { listen: { host: 127.0.0.1, port: 0 } } }\n',
  );
  return dir;
}

const janitor = (args: string[], cwd: string) => runNode(JANITOR_MAIN, args, { cwd });

describe('janitor listen --detach, status, stop', { timeout: 20_000 }, () => {
  it('starts the hub in the background, reports it, refuses a second one, stops it', async () => {
    await using dir = await hubDir();
    const pidFile = join(dir.path, 'state', 'hub.pid');
    const up = await janitor(['listen', '--detach'], dir.path);
    expect(up.code, up.stderr).toBe(0);
    const match = /^hub running with PID (\d+) on (http:\/\/127\.0\.0\.1:\d+) \(log: (.+)\)\n$/.exec(up.stdout);
    expect(match, up.stdout).not.toBeNull();
    const [, pidText, url, log] = match!;
    const pid = Number(pidText);
    started.add(pid);
    expect(log).toBe(join(dir.path, 'state', 'hub.log'));
    expect(readFileSync(pidFile, 'utf8')).toBe(`${pid}\n${url}\n`);
    expect(isAlive(pid)).toBe(true);
    const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
    expect(await health.json()).toMatchObject({ status: 'ready', publisher: 'dry-run' });
    expect(readFileSync(log!, 'utf8')).toContain('hub listening');

    const status = await janitor(['listen', 'status'], dir.path);
    expect(status.code).toBe(0);
    expect(status.stdout).toBe(`hub running with PID ${pid} on ${url} (ready)\n`);

    const second = await janitor(['listen', '--detach'], dir.path);
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(`janitor: a hub is already running with PID ${pid} on ${url}`);

    const stop = await janitor(['listen', 'stop'], dir.path);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stdout).toBe(`hub stopped (PID ${pid})\n`);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(pidFile)).toBe(false);
    expect(readFileSync(log!, 'utf8')).toContain('hub stopped');

    const after = await janitor(['listen', 'status'], dir.path);
    expect(after.code).toBe(3);
    expect(after.stdout).toBe('hub not running\n');
    const stopAgain = await janitor(['listen', 'stop'], dir.path);
    expect(stopAgain.code).toBe(0);
    expect(stopAgain.stdout).toBe('hub not running\n');
  });

  it('a stale pid file (process gone, or another program) is reported, and does not block a new start', async () => {
    await using dir = await hubDir();
    await mkdir(join(dir.path, 'state'));
    const pidFile = join(dir.path, 'state', 'hub.pid');
    const gone = spawnSync('true').pid!;
    await writeFile(pidFile, `${gone}\n`);
    const status = await janitor(['listen', 'status'], dir.path);
    expect(status.code).toBe(3);
    expect(status.stdout).toBe(`hub not running (stale pid file ${pidFile}: PID ${gone} is gone)\n`);

    // This test's own process is alive, and is not a hub.
    await writeFile(pidFile, `${process.pid}\n`);
    const other = await janitor(['listen', 'status'], dir.path);
    expect(other.code).toBe(3);
    expect(other.stdout).toContain(`PID ${process.pid} is not a janitor hub`);
    const stop = await janitor(['listen', 'stop'], dir.path);
    expect(stop.stdout).toBe('hub not running (stale pid file removed)\n');
    expect(existsSync(pidFile)).toBe(false);
    expect(isAlive(process.pid)).toBe(true);

    await writeFile(pidFile, `${gone}\n`);
    const up = await janitor(['listen', '--detach'], dir.path);
    expect(up.code, up.stderr).toBe(0);
    const pid = Number(/PID (\d+)/.exec(up.stdout)![1]);
    started.add(pid);
    expect((await janitor(['listen', 'stop'], dir.path)).stdout).toBe(`hub stopped (PID ${pid})\n`);
  });

  it('refuses a port where something already answers', async () => {
    await using dir = await hubDir();
    const other = await startRecordingHub();
    try {
      const run = await janitor(['listen', '--detach', '--port', String(other.port)], dir.path);
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        `janitor: something already answers on ${other.url}: another hub? (choose another --port)\n`,
      );
      expect(existsSync(join(dir.path, 'state', 'hub.pid'))).toBe(false);
    } finally {
      await other.close();
    }
  });
});

describe('startHubDetached', { timeout: 20_000 }, () => {
  // Stand-ins for the hub's entry point, so the failures are quick and certain.
  async function fakeHub(dir: string, source: string) {
    const path = join(dir, 'fake-hub.mjs');
    await writeFile(path, source);
    return path;
  }

  it('a hub that exits during start-up: the end of its log, and no pid file left', async () => {
    await using dir = await tempDir();
    const hubMain = await fakeHub(dir.path, "console.error('janitor-hub: cannot open the store'); process.exit(3);\n");
    const files = hubFiles(join(dir.path, 'state'));
    const failure = startHubDetached({ args: {}, files, hubMain });
    await expect(failure).rejects.toThrow(
      /the hub exited during start-up; .*hub\.log ends with:\njanitor-hub: cannot open the store$/s,
    );
    expect(existsSync(files.pidFile)).toBe(false);
  });

  it('a hub that never answers: stopped at the deadline, and no pid file left', async () => {
    await using dir = await tempDir();
    const pidOf = join(dir.path, 'fake.pid');
    const hubMain = await fakeHub(
      dir.path,
      `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(pidOf)}, String(process.pid));\nconsole.log('starting');\nsetInterval(() => {}, 1000);\n`,
    );
    const files = hubFiles(join(dir.path, 'state'));
    const failure = startHubDetached({ args: {}, files, hubMain, readyTimeoutMs: 500 });
    await expect(failure).rejects.toThrow(
      /did not answer GET \/health within 0\.5 s and was stopped; .*ends with:\nstarting$/s,
    );
    const pid = Number(readFileSync(pidOf, 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(isAlive(pid)).toBe(false);
    expect(existsSync(files.pidFile)).toBe(false);
  });
});

describe('janitor listen (foreground)', { timeout: 20_000 }, () => {
  it('runs the hub with our output and stops it cleanly on SIGTERM', async () => {
    await using dir = await hubDir();
    const listen = startNode(JANITOR_MAIN, ['listen', '--port', '0'], { cwd: dir.path });
    const [, url] = await listen.waitFor(/hub listening url=(http:\/\/\S+)/);
    const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) });
    expect(health.status).toBe(200);
    listen.child.kill('SIGTERM');
    const run = await listen.exited;
    expect(run).toMatchObject({ code: 0, signal: null });
    expect(run.stderr).toContain('hub stopped');
  });

  it('without credentials: a dry run said once, where its state lives, and SIGINT is logged as SIGINT', async () => {
    await using dir = await tempDir();
    // dry_run: false, and no token anywhere: the hub must not queue posts it cannot make.
    await writeFile(
      join(dir.path, 'config.yaml'),
      'app: { run_control: { dry_run: false }, state_dir: var/state, service: { listen: { host: 127.0.0.1, port: 0 } } }\n',
    );
    const listen = startNode(JANITOR_MAIN, ['listen'], { cwd: dir.path });
    const [line] = await listen.waitFor(/hub listening url=http:\/\/\S+.*/);
    expect(line).toContain('dryRun=true');
    expect(statSync(join(dir.path, 'var')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir.path, 'var', 'state')).mode & 0o777).toBe(0o700);
    // As a terminal's Ctrl-C reaches janitor: the hub stops on it, and says which signal it was.
    listen.child.kill('SIGINT');
    const run = await listen.exited;
    expect(run).toMatchObject({ code: 0, signal: null });
    const output = run.stdout + run.stderr;
    expect(
      output.match(/dry run: no Mastodon credentials yet \(set mastodon\.api_base_url, then run 'janitor login'\)/g),
    ).toHaveLength(1);
    expect(output).toContain(`state: ${join(dir.path, 'var', 'state')} (janitor.db)`);
    expect(output).toMatch(/stopping signal=SIGINT/);
    expect(output).not.toContain('SIGTERM');
    expect(output).toContain('hub stopped');
  });
});

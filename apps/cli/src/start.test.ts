import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { closedPort, hasStackTrace, JANITOR, killLeftovers, startNode, tempDir } from './cli-process.test-support.ts';

afterAll(killLeftovers);

describe('janitor start (the main job)', { timeout: 30_000 }, () => {
  it('runs the hub in dry run without credentials, with this machine reporting to it, and stops on SIGTERM', async () => {
    await using dir = await tempDir();
    const port = await closedPort();
    // Thresholds this machine crosses for sure, so the dry-run post of its report shows up in the output.
    await writeFile(
      join(dir.path, 'config.yaml'),
      [
        `app: { service: { listen: { host: 127.0.0.1, port: ${port} } } }`,
        'system_info: { thresholds: { cpu_count: { value: 0 } } }',
      ].join('\n'),
    );
    const run = startNode(JANITOR, ['start', '--interval', '1'], { cwd: dir.path, timeoutMs: 25_000 });
    await run.waitForStdout(new RegExp(`Janitor is running: hub on http://127\\.0\\.0\\.1:${port}`));
    await run.waitForStdout(/no Mastodon credentials yet.*janitor login/);
    // The agent's report reached the hub, which queued it and printed (not posted) the status.
    await run.waitForStderr(/path=\/sysinfo status=200/);
    await run.waitForStderr(/dry run: status not posted .*CPU count/);
    run.child.kill('SIGTERM');
    const finished = await run.exited;
    expect(finished.code).toBe(0);
    expect(finished.stderr).toMatch(/hub stopped/);
    expect(hasStackTrace(finished.stdout + finished.stderr)).toBe(false);
  });

  it('says where its state lives (created 0700), and a Ctrl-C (SIGINT) is logged as SIGINT by the hub and the agent', async () => {
    await using dir = await tempDir();
    const port = await closedPort();
    await writeFile(
      join(dir.path, 'config.yaml'),
      `app: { state_dir: var/state, service: { listen: { host: 127.0.0.1, port: ${port} } } }\n`,
    );
    const run = startNode(JANITOR, ['start', '--interval', '1'], { cwd: dir.path, timeoutMs: 25_000 });
    await run.waitForStdout(/Janitor is running/);
    await run.waitForStderr(/report sent/);
    expect(statSync(join(dir.path, 'var')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir.path, 'var', 'state')).mode & 0o777).toBe(0o700);
    run.child.kill('SIGINT');
    const finished = await run.exited;
    expect(finished.code, finished.stderr).toBe(0);
    const output = finished.stdout + finished.stderr;
    expect(output).toContain(`state: ${join(dir.path, 'var', 'state')} (janitor.db, spool, metrics-state.json)`);
    // The notice of the config's dry run (left out of the file: true), once.
    expect(output.match(/ry run \(app\.run_control\.dry_run, and no Mastodon credentials yet/g)).toHaveLength(1);
    // The hub's line, then the agent's.
    expect(output).toMatch(/janitor stopping signal=SIGINT/);
    expect(output).toMatch(/agent stopping signal=SIGINT/);
    expect(output).not.toContain('SIGTERM');
    expect(output).toMatch(/hub stopped/);
  });
});

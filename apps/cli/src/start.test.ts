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
});

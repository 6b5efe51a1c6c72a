// janitor-agent in remote mode, run as a user runs it: a fresh process, no config file unless the test writes one.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sample } from '@janitor/protocol';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AGENT_MAIN,
  closedPort,
  HUB_TOKEN,
  killLeftovers,
  runNode,
  startNode,
  startRealHub,
  startRecordingHub,
  tempDir,
} from './remote-harness.test-support.ts';

afterAll(killLeftovers);

const spoolOf = (home: string) => join(home, '.local', 'state', 'janitor', 'spool');

describe('janitor-agent --mode remote', { timeout: 20_000 }, () => {
  it('--hub URL --token T --once with no config file at all: the real hub takes the report', async () => {
    await using dir = await tempDir();
    const hub = await startRealHub(dir.path);
    try {
      await using home = await tempDir();
      const run = await runNode(AGENT_MAIN, ['--hub', hub.url, '--token', HUB_TOKEN, '--once'], { cwd: home.path });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('report sent');
      expect(hub.requests()).toEqual(['POST /sysinfo 200']);
      // State goes to the per-user state folder, not the working directory.
      // The spool folder appears only when a report has to wait.
      expect(readdirSync(join(home.path, '.local', 'state', 'janitor'))).toEqual(['metrics-state.json']);
      expect(existsSync(join(home.path, '.janitor'))).toBe(false);

      // JANITOR_HUB_TOKEN instead of --token, and $XDG_STATE_HOME is honoured.
      const env = { JANITOR_HUB_TOKEN: HUB_TOKEN, XDG_STATE_HOME: join(home.path, 'xdg') };
      const again = await runNode(AGENT_MAIN, ['--hub', hub.url, '--once'], { cwd: home.path, env });
      expect(again.code, again.stderr).toBe(0);
      expect(hub.requests()).toEqual(['POST /sysinfo 200', 'POST /sysinfo 200']);
      expect(readdirSync(join(home.path, 'xdg', 'janitor'))).toEqual(['metrics-state.json']);

      // A wrong token: exit 4, the report is kept for when the token is fixed.
      const wrong = await runNode(AGENT_MAIN, ['--hub', hub.url, '--token', 'not-the-right-token', '--once'], {
        cwd: home.path,
      });
      expect(wrong.code).toBe(4);
      expect(wrong.stderr).toMatch(/janitor-agent: the hub refused the token .*401 invalid token/);
      expect(readdirSync(spoolOf(home.path))).toHaveLength(1);
    } finally {
      await hub.stop();
    }
  });

  it('a hub that is down: exit 0 with a warning, the report spooled, then delivered in order, once', async () => {
    await using home = await tempDir();
    const port = await closedPort();
    const url = `http://127.0.0.1:${port}`;
    const down = await runNode(AGENT_MAIN, ['--hub', url, '--once'], { cwd: home.path });
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toMatch(/WARN .*hub unavailable: report spooled pending=1 .*ECONNREFUSED/);
    const spooled = readdirSync(spoolOf(home.path));
    expect(spooled).toEqual(['000000000001.json']);

    const hub = await startRecordingHub(port);
    try {
      const up = await runNode(AGENT_MAIN, ['--hub', url, '--once'], { cwd: home.path });
      expect(up.code, up.stderr).toBe(0);
      expect(up.stderr).toContain('spooled reports delivered count=1');
      const times = hub.received.map((r) => (r.body as { sample: Sample }).sample.collectedAtMs);
      expect(times).toHaveLength(2);
      expect(times[0]).toBeLessThan(times[1]!);
      expect(readdirSync(spoolOf(home.path))).toEqual([]);
    } finally {
      await hub.close();
    }
  });

  it('reads the hub, the token and the state folder from config.yaml', async () => {
    await using dir = await tempDir();
    const hub = await startRecordingHub();
    try {
      await writeFile(
        join(dir.path, 'config.yaml'),
        `app:\n  state_dir: var\n  run_control: { dry_run: false }\n  service: { remote_url: "${hub.url}", remote_token: from-config-file-123 }\n`,
      );
      const run = await runNode(AGENT_MAIN, ['--mode', 'remote', '--once', '--legacy'], { cwd: dir.path });
      expect(run.code, run.stderr).toBe(0);
      expect(hub.received).toHaveLength(1);
      expect(hub.received[0]).toMatchObject({ path: '/sysinfo', authorization: 'Bearer from-config-file-123' });
      expect(Object.keys(hub.received[0]!.body as object)).toEqual(['sys_data']);
      expect(readdirSync(join(dir.path, 'var'))).toEqual(['metrics-state.json']);
    } finally {
      await hub.close();
    }
  });

  it('--dry-run prints the report it would send and sends nothing', async () => {
    await using home = await tempDir();
    const hub = await startRecordingHub();
    try {
      const run = await runNode(AGENT_MAIN, ['--hub', hub.url, '--once', '--dry-run'], { cwd: home.path });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain(`--- dry run: this report was not sent ---\nPOST ${hub.url}/sysinfo\n{`);
      const body = JSON.parse(run.stdout.split('\n').slice(2, -2).join('\n')) as { version: number; sample: Sample };
      expect(body.version).toBe(2);
      expect(body.sample.metrics.cpu_count).toBeGreaterThan(0);
      expect(hub.received).toEqual([]);
    } finally {
      await hub.close();
    }
  });

  it('long-running: reports every interval, and SIGTERM stops it at once', async () => {
    await using home = await tempDir();
    const hub = await startRecordingHub();
    try {
      const agent = startNode(AGENT_MAIN, ['--hub', hub.url, '--interval', '30'], { cwd: home.path });
      await agent.waitFor(/report sent/);
      expect(hub.received).toHaveLength(1);
      // The next report is 30 s away: SIGTERM must not wait for it.
      const asked = performance.now();
      agent.child.kill('SIGTERM');
      const run = await agent.exited;
      expect(run).toMatchObject({ code: 0, signal: null });
      expect(performance.now() - asked).toBeLessThan(5000);
      expect(run.stderr).toContain('agent stopped');
      expect(run.stderr).toMatch(/agent started mode=remote hub=http:\/\/127\.0\.0\.1:\d+ intervalSeconds=30/);
    } finally {
      await hub.close();
    }
  });

  it('long-running: a Ctrl-C (SIGINT) stops it and is logged as SIGINT', async () => {
    await using home = await tempDir();
    const hub = await startRecordingHub();
    try {
      const agent = startNode(AGENT_MAIN, ['--hub', hub.url, '--interval', '30'], { cwd: home.path });
      await agent.waitFor(/report sent/);
      agent.child.kill('SIGINT');
      const run = await agent.exited;
      expect(run).toMatchObject({ code: 0, signal: null });
      expect(run.stderr).toMatch(/agent stopping signal=SIGINT/);
      expect(run.stderr).toContain('agent stopped');
    } finally {
      await hub.close();
    }
  });

  it('long-running without --interval: the scheduler daemon reports at once, then on each minute; SIGTERM stops it', async () => {
    await using home = await tempDir();
    const hub = await startRecordingHub();
    try {
      const agent = startNode(AGENT_MAIN, ['--hub', hub.url, '--token', HUB_TOKEN], { cwd: home.path });
      // The minute it starts counts, as a late cron start would: no waiting for the next one.
      await agent.waitFor(/task ran task=sysinfo_remote action=sysinfo_remote minute=\S+/);
      expect(hub.received.map((r) => [r.method, r.path, r.authorization])).toEqual([
        ['POST', '/sysinfo', `Bearer ${HUB_TOKEN}`],
      ]);
      agent.child.kill('SIGTERM');
      const run = await agent.exited;
      expect(run).toMatchObject({ code: 0, signal: null });
      expect(run.stderr).toMatch(/agent started mode=remote schedule="every minute" tasks=sysinfo_remote/);
      expect(run.stderr).toContain('scheduler daemon stopped');
      // The minute's lock, as `janitor scheduler` takes it: a cron run of the same task in that minute would skip it.
      expect(readdirSync(join(home.path, '.local', 'state', 'janitor', 'locks')).length).toBeGreaterThan(0);
    } finally {
      await hub.close();
    }
  });

  it('long-running without --interval and with app.schedules: runs the config’s tasks instead', async () => {
    await using home = await tempDir();
    const hub = await startRecordingHub();
    try {
      await writeFile(
        join(home.path, 'config.yaml'),
        [
          'app:',
          `  service: { remote_url: "${hub.url}" }`,
          '  schedules:',
          '    - { name: mark, when: "* * * * *", action: exec, command: "echo ran > marker.txt" }',
        ].join('\n'),
      );
      const agent = startNode(AGENT_MAIN, ['--mode', 'remote'], { cwd: home.path });
      await agent.waitFor(/task ran task=mark action=exec/);
      agent.child.kill('SIGTERM');
      const run = await agent.exited;
      expect(run).toMatchObject({ code: 0, signal: null });
      expect(run.stderr).toMatch(/agent started mode=remote schedule=app\.schedules tasks=mark/);
      expect(readFileSync(join(home.path, 'marker.txt'), 'utf8')).toBe('ran\n');
      // Only the config's task ran: no report of its own.
      expect(hub.received).toEqual([]);
    } finally {
      await hub.close();
    }
  });

  it('--token-file: the token from a file (its first line); a missing file exits 4, both flags exit 2', async () => {
    await using home = await tempDir();
    const hub = await startRecordingHub();
    try {
      const file = join(home.path, 'token');
      await writeFile(file, `${HUB_TOKEN}\n`, { mode: 0o600 });
      const run = await runNode(AGENT_MAIN, ['--hub', hub.url, '--token-file', file, '--once'], { cwd: home.path });
      expect(run.code, run.stderr).toBe(0);
      expect(hub.received.map((r) => r.authorization)).toEqual([`Bearer ${HUB_TOKEN}`]);

      const missing = join(home.path, 'nope');
      const gone = await runNode(AGENT_MAIN, ['--hub', hub.url, '--token-file', missing, '--once'], {
        cwd: home.path,
      });
      expect(gone.code).toBe(4);
      expect(gone.stderr).toBe(`janitor-agent: cannot read the token file ${missing}: ENOENT\n`);
      const both = await runNode(AGENT_MAIN, ['--hub', hub.url, '--token', HUB_TOKEN, '--token-file', file], {
        cwd: home.path,
      });
      expect(both.code).toBe(2);
      expect(both.stderr).toBe('janitor-agent: give --token or --token-file, not both\n');
      expect(hub.received).toHaveLength(1);
    } finally {
      await hub.close();
    }
  });

  it('--hub with --mode local is a usage error', async () => {
    await using home = await tempDir();
    const run = await runNode(AGENT_MAIN, ['--mode', 'local', '--hub', 'http://127.0.0.1:1', '--once'], {
      cwd: home.path,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--hub, --token and --legacy apply to remote mode');
  });

  it('a --hub that is not an http address is a usage error', async () => {
    await using home = await tempDir();
    const run = await runNode(AGENT_MAIN, ['--hub', 'ftp://hub', '--once'], { cwd: home.path });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expected an http or https address');
  });
});

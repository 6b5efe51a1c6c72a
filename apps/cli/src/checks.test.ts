// janitor exec --check and janitor checks, run as a user runs them, against a real hub that declares the checks.
import { afterAll, describe, expect, it } from 'vitest';
import { HUB_TOKEN, JANITOR_MAIN, killLeftovers, runNode, startRealHub, tempDir } from './cli-process.test-support.ts';

afterAll(killLeftovers);

const CHECKS_YAML = [
  'checks:',
  '  - { slug: backup, period: 1d, grace: 1h, host: nas }',
  '  - { slug: db-dump, schedule: "0 2 * * *", timezone: Europe/Madrid, grace: 30m }',
].join('\n');

describe('job check-ins from the command line, against a real hub', { timeout: 60_000 }, () => {
  it('exec --check pings start and end with the exit status and the output; checks lists the states', async () => {
    await using dir = await tempDir();
    const hub = await startRealHub(dir.path, CHECKS_YAML);
    try {
      const janitor = (args: string[]) =>
        runNode(JANITOR_MAIN, args, { cwd: dir.path, env: { JANITOR_HUB_TOKEN: HUB_TOKEN } });

      const script = 'echo copying; echo "disk full" >&2; exit 3';
      const failed = await janitor(['exec', '--check', 'backup', '--hub', hub.url, '--', 'sh', '-c', script]);
      expect([failed.code, failed.stdout, failed.stderr]).toEqual([3, 'copying\n', 'disk full\n']);

      const table = await janitor(['checks', '--hub', hub.url]);
      expect(table.code, table.stderr).toBe(0);
      const [header, backup, dbDump, ...rest] = table.stdout.split('\n');
      expect(header).toMatch(/^CHECK\s+HOST\s+STATE\s+LAST PING\s+NEXT DEADLINE\s+SCHEDULE$/);
      expect(backup).toMatch(/^backup\s+nas\s+failed\s+(just now|\ds ago) \(fail, exit 3\)\s+-\s+every 1d, grace 1h$/);
      expect(dbDump).toMatch(
        /^db-dump\s+-\s+new\s+never\s+in \d+h( \d+m)?\s+0 2 \* \* \* \(Europe\/Madrid\), grace 30m$/,
      );
      expect(rest).toEqual(['']);

      // The run's output is the failure's body: in the message log.
      const messages = await janitor(['checks', '--hub', hub.url, '--json']);
      const view = JSON.parse(messages.stdout) as { checks: Record<string, unknown>[] };
      expect(view.checks[0]).toMatchObject({ slug: 'backup', status: 'failed', lastExitStatus: 3 });
      const log = (await (
        await fetch(`${hub.url}/api/v1/messages`, { headers: { authorization: `Bearer ${HUB_TOKEN}` } })
      ).json()) as { messages: { source: string; text: string }[] };
      expect(log.messages[0]!.source).toBe('ping:backup');
      // stdout and stderr are two pipes: which of their last lines came first is up to the scheduler.
      expect(log.messages[0]!.text.split('\n').sort()).toEqual(['copying', 'disk full']);

      const ok = await janitor(['exec', '--check', 'backup', '--hub', hub.url, '--', 'true']);
      expect([ok.code, ok.stderr]).toEqual([0, '']);
      const after = JSON.parse((await janitor(['checks', '--hub', hub.url, '--json'])).stdout) as typeof view;
      expect(after.checks[0]).toMatchObject({ status: 'up', lastPingKind: 'success', lastExitStatus: 0 });

      expect(hub.requests().filter((r) => r.startsWith('POST'))).toEqual([
        'POST /ping/backup/start 200',
        'POST /ping/backup/3 200',
        'POST /ping/backup/start 200',
        'POST /ping/backup/0 200',
      ]);
    } finally {
      await hub.stop();
    }
  });

  it('exec --check of a check the hub does not have: one warning, no second ping, the command’s own status', async () => {
    await using dir = await tempDir();
    const hub = await startRealHub(dir.path, CHECKS_YAML);
    try {
      const run = await runNode(
        JANITOR_MAIN,
        ['exec', '--check', 'nope', '--hub', hub.url, '--', 'sh', '-c', 'exit 4'],
        {
          cwd: dir.path,
          env: { JANITOR_HUB_TOKEN: HUB_TOKEN },
        },
      );
      expect(run.code).toBe(4);
      expect(run.stderr).toBe(
        `janitor exec: warning: the start of check nope was not reported: POST ${hub.url}/ping/nope/start: 404 no check "nope": declare it under checks in config.yaml, or set checks_auto_create: true (field slug)\n`,
      );
      expect(hub.requests().filter((r) => r.startsWith('POST'))).toEqual(['POST /ping/nope/start 404']);
      // A token the hub does not know may not read the checks.
      const refused = await runNode(JANITOR_MAIN, ['checks', '--hub', hub.url, '--token', 'wrong-token-0123456789'], {
        cwd: dir.path,
      });
      expect(refused.code).toBe(4);
      expect(refused.stderr).toMatch(/refused the token .*read scope/);
    } finally {
      await hub.stop();
    }
  });
});

// janitor exec: the pieces (output tail, wording), then the command as cron runs it, against a recording hub.

import {
  type CommandResult,
  cleanLine,
  createOutputTail,
  execMessage,
  formatCommandLine,
  formatDuration,
} from '@janitor/scheduler';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  JANITOR_MAIN,
  killLeftovers,
  type RecordingHub,
  runNode,
  startRecordingHub,
  tempDir,
} from './cli-process.test-support.ts';

afterAll(killLeftovers);

describe('output tail', () => {
  it('keeps only the last N lines, across stdout and stderr, without mixing half lines', () => {
    const tail = createOutputTail({ maxLines: 3 });
    tail.push('stdout', 'one\ntwo\nthr');
    tail.push('stderr', 'warning: x\n');
    tail.push('stdout', 'ee\nfour\n');
    expect(tail.lines()).toEqual(['warning: x', 'three', 'four']);
  });

  it('counts an unfinished last line, and decodes a character split across chunks', () => {
    const tail = createOutputTail();
    const bytes = Buffer.from('prêt\nfin');
    tail.push('stdout', bytes.subarray(0, 3));
    tail.push('stdout', bytes.subarray(3));
    expect(tail.lines()).toEqual(['prêt', 'fin']);
  });

  it('stays bounded whatever is printed: long lines are cut, endless lines too', () => {
    const tail = createOutputTail({ maxLines: 2, maxLineLength: 10 });
    tail.push('stdout', `${'a'.repeat(100)}\n`);
    for (let i = 0; i < 1000; i++) tail.push('stdout', 'b'.repeat(1000));
    expect(tail.lines()).toEqual([`${'a'.repeat(10)}…`, `${'b'.repeat(10)}…`]);
  });

  it.each([
    ['colours are removed', '\u001b[31mred\u001b[0m text', 'red text'],
    ['a progress bar shows its last state', ' 10%\r 50%\r100% done', '100% done'],
    ['a window title escape is removed', '\u001b]0;title\u0007ok', 'ok'],
    ['other control characters are dropped, tabs kept', 'a\u0000b\u0008c\td', 'abc\td'],
    ['a CRLF line ending is not a progress bar', 'windows line\r', 'windows line'],
  ])('%s', (_what, input, expected) => {
    expect(cleanLine(input)).toBe(expected);
  });
});

describe('wording', () => {
  it.each([
    [42, '42 ms'],
    [1234, '1.2 s'],
    [59_940, '59.9 s'],
    [200_000, '3 min 20 s'],
    [7_500_000, '2 h 5 min'],
  ])('%i ms reads %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('quotes what a shell would need quoted', () => {
    expect(formatCommandLine('sh', ['-c', "echo 'hi'; exit 3", 'a=b', '/x/y.sh'])).toBe(
      `sh -c 'echo '\\''hi'\\''; exit 3' a=b /x/y.sh`,
    );
  });

  it.each<[string, CommandResult['end'], string, string]>([
    ['a failure', { kind: 'exited', code: 3 }, '`backup.sh` failed (exit 3) after 1.2 s on nas', 'exit 3 after 1.2 s'],
    [
      'a signal',
      { kind: 'signalled', signal: 'SIGKILL' },
      '`backup.sh` was killed by SIGKILL after 1.2 s on nas',
      'killed by SIGKILL after 1.2 s',
    ],
    [
      'a command not found',
      { kind: 'not-started', reason: 'command not found', errno: 'ENOENT' },
      '`backup.sh` could not start (command not found) on nas',
      'not started: command not found',
    ],
  ])('%s is an error message', (_what, end, summary, status) => {
    const message = execMessage(
      { end, durationMs: 1234, tail: ['copying', 'disk full'], exitCode: 1 },
      { command: '/usr/local/bin/backup.sh', args: ['--all'], hostname: 'nas' },
    );
    expect(message).toEqual({
      type: 'error',
      hostname: 'nas',
      summary,
      text: `$ /usr/local/bin/backup.sh --all\n${status}\n\nlast 2 lines of output:\ncopying\ndisk full`,
      // Every run of the job is one thread.
      thread: 'nas: /usr/local/bin/backup.sh --all',
    });
  });

  it('keeps the text within the hub’s 64 KiB by dropping the oldest lines', () => {
    const tail = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(4, '0')} ${'x'.repeat(495)}`);
    const message = execMessage(
      { end: { kind: 'exited', code: 1 }, durationMs: 5, tail, exitCode: 1 },
      { command: 'job', args: [], hostname: 'h' },
    );
    expect(message.text.length).toBeLessThanOrEqual(65_536);
    expect(message.text.endsWith(tail.at(-1)!)).toBe(true);
    expect(message.text).not.toContain(tail[0]);
  });
});

describe('janitor exec', { timeout: 20_000 }, () => {
  async function withHub(test: (hub: RecordingHub, cwd: string) => Promise<void>) {
    await using dir = await tempDir();
    const hub = await startRecordingHub();
    try {
      await test(hub, dir.path);
    } finally {
      await hub.close();
    }
  }

  it('a failing command: its output passes through, an error is posted with the exit code and the tail, and janitor exits with its code', () =>
    withHub(async (hub, cwd) => {
      const script = 'echo first; echo "to stderr" >&2; echo last; exit 3';
      const run = await runNode(
        JANITOR_MAIN,
        ['exec', '--hub', hub.url, '--hostname', 'nas', '--tail-lines', '2', '--', 'sh', '-c', script],
        { cwd },
      );
      expect(run.code).toBe(3);
      expect(run.stdout).toBe('first\nlast\n');
      expect(run.stderr).toBe('to stderr\n');
      expect(hub.received).toHaveLength(1);
      const body = hub.received[0]!.body as Record<string, string>;
      expect(body).toMatchObject({ hostname: 'nas', message_type: 'error' });
      expect(body.summary).toMatch(/^`sh` failed \(exit 3\) after \d+ ms on nas$/);
      const [command, status, blank, heading, ...tail] = body.message!.split('\n');
      expect([command, blank, heading]).toEqual([`$ sh -c '${script}'`, '', 'last 2 lines of output:']);
      expect(status).toMatch(/^exit 3 after \d+ ms$/);
      // stdout and stderr are two pipes: which of their last lines came first is up to the scheduler.
      expect(tail.sort()).toEqual(['last', 'to stderr']);
    }));

  it('a command that does not exist: exit 127 and an error is posted', () =>
    withHub(async (hub, cwd) => {
      const run = await runNode(JANITOR_MAIN, ['exec', '--hub', hub.url, '--', 'no-such-command-here', 'x'], { cwd });
      expect(run.code).toBe(127);
      expect(run.stderr).toBe('janitor exec: no-such-command-here: command not found\n');
      const body = hub.received[0]!.body as Record<string, string>;
      expect(body.message_type).toBe('error');
      expect(body.summary).toMatch(/^`no-such-command-here` could not start \(command not found\) on /);
    }));

  it('a command killed by a signal: exit 128 + the signal number, reported as an error', () =>
    withHub(async (hub, cwd) => {
      const run = await runNode(JANITOR_MAIN, ['exec', '--hub', hub.url, '--', 'sh', '-c', 'kill -TERM $$'], { cwd });
      expect(run.code).toBe(143);
      expect((hub.received[0]!.body as Record<string, string>).summary).toMatch(/^`sh` was killed by SIGTERM after/);
    }));

  it('success posts nothing, unless --on-success info asks for it; --summary replaces the summary', () =>
    withHub(async (hub, cwd) => {
      const quiet = await runNode(JANITOR_MAIN, ['exec', '--hub', hub.url, '--', 'sh', '-c', 'echo ok'], { cwd });
      expect(quiet.code).toBe(0);
      expect(quiet.stdout).toBe('ok\n');
      expect(hub.received).toEqual([]);
      const told = await runNode(
        JANITOR_MAIN,
        ['exec', '--hub', hub.url, '--on-success', 'info', '--summary', 'Nightly backup done', '--', 'true'],
        { cwd },
      );
      expect(told.code).toBe(0);
      expect(hub.received).toHaveLength(1);
      expect(hub.received[0]!.body).toMatchObject({ message_type: 'info', summary: 'Nightly backup done' });
      expect((hub.received[0]!.body as Record<string, string>).message).toMatch(
        /^\$ true\nexit 0 after \d+ ms\n\n\(no output\)$/,
      );
    }));

  it('an unreachable hub: a warning, and still the command’s own exit code', async () => {
    await using dir = await tempDir();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const run = await runNode(JANITOR_MAIN, ['exec', '--hub', url, '--', 'sh', '-c', 'exit 5'], { cwd: dir.path });
    expect(run.code).toBe(5);
    expect(run.stderr).toBe(
      `janitor exec: warning: the outcome was not reported: POST ${url}/message network error: fetch failed (ECONNREFUSED)\n`,
    );
  });

  it('a broken config.yaml does not stop the job: it runs, and the report is what fails', async () => {
    await using dir = await tempDir();
    const { writeFile } = await import('node:fs/promises');
    await writeFile(`${dir.path}/config.yaml`, 'app: { service: { remote_url: 42 } }\n');
    const run = await runNode(JANITOR_MAIN, ['exec', '--', 'sh', '-c', 'echo ran; exit 2'], { cwd: dir.path });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('ran\n');
    expect(run.stderr).toMatch(/^janitor exec: warning: the outcome was not reported: .*app\.service\.remote_url/s);
  });
});

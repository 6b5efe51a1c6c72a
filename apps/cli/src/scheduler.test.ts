// The scheduler in the janitor command: the actions, a simulated day of cron calls and of the daemon, the table of
// `schedule list`, then the commands spawned as cron and a user run them, and the Makefile's targets.
import { spawnSync } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type AppLogger, parseConfig } from '@janitor/config';
import type { LogFields } from '@janitor/protocol';
import type { Runtime } from '@janitor/runtime';
import { createTaskRunner } from '@janitor/runtime/tasks';
import {
  createFileLock,
  createMemoryLock,
  formatInZone,
  formatScheduleTable,
  type RunTask,
  runDue,
  runScheduledMinute,
  runSchedulerDaemon,
  ScheduledCommandError,
  type Task,
} from '@janitor/scheduler';
import { openStore } from '@janitor/store';
import { afterAll, describe, expect, it } from 'vitest';
import {
  closedPort,
  hasStackTrace,
  JANITOR,
  killLeftovers,
  linesOf,
  runJanitor,
  startNode,
  startRecordingHub,
  tempDir,
} from './cli-process.test-support.ts';

afterAll(killLeftovers);

const MINUTE = 60_000;
const at = (iso: string) => Date.parse(iso);
const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 16);

interface Line {
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
  fields: LogFields | undefined;
}

function recordingLogger(): AppLogger & { lines: Line[] } {
  const lines: Line[] = [];
  const log = (level: Line['level']) => (message: string, fields?: LogFields) => {
    lines.push({ level, message, fields });
  };
  return {
    lines,
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    flush: async () => {},
  };
}

/** A runtime as the command builds it, from a config object, with a recording logger. */
function runtimeOf(dir: string, raw: Record<string, unknown>, dryRun = true): Runtime & { logger: { lines: Line[] } } {
  const config = parseConfig(raw, { baseDir: dir, env: {} });
  return { config, logger: recordingLogger(), dryRun };
}

function tasksOf(dir: string, schedules: unknown[]): readonly Task[] {
  return parseConfig({ app: { schedules } }, { baseDir: dir, env: {} }).tasks;
}

const silent = recordingLogger();

describe('the actions', () => {
  it('exec: runs a shell line, and a list without a shell, in the config file’s folder; success reports nothing', async () => {
    await using dir = await tempDir();
    await using hub = await recordingHub();
    const runtime = runtimeOf(dir.path, { app: { service: { remote_url: hub.url } } });
    const run = createTaskRunner({ runtime, hostname: 'nas' });
    const out = join(dir.path, 'out');
    // Relative paths: the commands run in the config's folder (the runtime's baseDir), not in this test's.
    expect(process.cwd()).not.toBe(dir.path);
    const [line, list] = tasksOf(dir.path, [
      { name: 'line', when: '* * * * *', action: 'exec', command: 'echo "from a shell" >> out' },
      { name: 'list', when: '* * * * *', action: 'exec', command: ['sh', '-c', 'echo "$0" >> "$1"', 'argv', 'out'] },
    ]);
    await run(line!, new AbortController().signal, { minute: 0, catchUp: false });
    await run(list!, new AbortController().signal, { minute: 0, catchUp: false });
    expect(await readFile(out, 'utf8')).toBe('from a shell\nargv\n');
    expect(hub.received).toEqual([]);
  });

  it('exec: a failure is reported through the hub as janitor exec reports it, and the task fails', async () => {
    await using dir = await tempDir();
    await using hub = await recordingHub();
    const runtime = runtimeOf(dir.path, {
      app: { service: { remote_url: hub.url, remote_token: 'hub-token-0123456789' } },
    });
    const run = createTaskRunner({ runtime, hostname: 'nas' });
    const [task] = tasksOf(dir.path, [
      { name: 'Nightly backup', when: '@daily', action: 'exec', command: 'echo copying; echo "disk full" >&2; exit 3' },
    ]);
    const failure = run(task!, new AbortController().signal, { minute: 0, catchUp: false });
    await expect(failure).rejects.toThrow(ScheduledCommandError);
    await expect(failure).rejects.toThrow(/^command failed: exit 3 after \d+ ms$/);
    expect(hub.received).toHaveLength(1);
    const { path, authorization, body } = hub.received[0]!;
    expect([path, authorization]).toEqual(['/message', 'Bearer hub-token-0123456789']);
    const fields = body as Record<string, string>;
    expect(fields).toMatchObject({ hostname: 'nas', message_type: 'error' });
    expect(fields.summary).toMatch(/^scheduled task "Nightly backup" failed \(exit 3\) after \d+ ms on nas$/);
    const [command, status, , heading, ...tail] = fields.message!.split('\n');
    expect([command, heading]).toEqual(['$ echo copying; echo "disk full" >&2; exit 3', 'last 2 lines of output:']);
    expect(status).toMatch(/^exit 3 after \d+ ms$/);
    expect(tail.sort()).toEqual(['copying', 'disk full']);
  });

  it('exec: when the hub cannot be reached, the failure is logged with its summary, and the task fails', async () => {
    await using dir = await tempDir();
    const url = `http://127.0.0.1:${await closedPort()}`;
    const runtime = runtimeOf(dir.path, { app: { service: { remote_url: url } } });
    const run = createTaskRunner({ runtime, hostname: 'nas' });
    const [task] = tasksOf(dir.path, [
      { name: 'job', when: '@daily', action: 'exec', command: ['sh', '-c', 'exit 4'] },
    ]);
    await expect(run(task!, new AbortController().signal, { minute: 0, catchUp: false })).rejects.toThrow(
      /exit 4 after/,
    );
    const line = runtime.logger.lines.find((l) => l.level === 'error');
    expect(line?.message).toBe('command failure not reported: the hub cannot be reached');
    expect(line?.fields).toMatchObject({ task: 'job', hub: url });
    expect(String(line?.fields?.summary)).toMatch(/^scheduled task "job" failed \(exit 4\) after \d+ ms on nas$/);
  });

  it('exec: at its timeout the command and what it started are stopped, and the report says it timed out', async () => {
    await using dir = await tempDir();
    await using hub = await recordingHub();
    const runtime = runtimeOf(dir.path, { app: { service: { remote_url: hub.url } } });
    const out = join(dir.path, 'out');
    // The shell waits for a child that would hold the output pipe open if only the shell were killed.
    const tasks = tasksOf(dir.path, [
      { name: 'slow', when: '* * * * *', action: 'exec', command: `sleep 30; echo late >> '${out}'`, timeout: '300ms' },
    ]);
    const started = performance.now();
    const summary = await runDue({
      tasks,
      lock: createMemoryLock(),
      run: createTaskRunner({ runtime, hostname: 'nas' }),
      graceMs: 8000,
    });
    expect(summary.outcomes).toEqual([expect.objectContaining({ task: 'slow', status: 'timed-out' })]);
    expect(summary.outcomes[0]!.abandoned).toBeUndefined();
    // Ended well within the grace period: SIGTERM reached the whole group and the pipes closed.
    expect(performance.now() - started).toBeLessThan(8000);
    expect(existsSync(out)).toBe(false);
    const body = hub.received[0]?.body as Record<string, string>;
    expect(body.summary).toMatch(/^scheduled task "slow" timed out and was stopped after \d+ ms on nas$/);
    expect(body.message_type).toBe('error');
  });

  it('publish_queue: without a hub store, says there is nothing to flush', async () => {
    await using dir = await tempDir();
    const runtime = runtimeOf(dir.path, {});
    const [task] = tasksOf(dir.path, [{ name: 'flush', when: '* * * * *', action: 'publish_queue' }]);
    await createTaskRunner({ runtime })(task!, new AbortController().signal, { minute: 0, catchUp: false });
    expect(runtime.logger.lines).toEqual([
      {
        level: 'info',
        message: 'nothing to flush: no hub store here',
        fields: { task: 'flush', store: join(dir.path, '.janitor', 'janitor.db') },
      },
    ]);
  });

  it('publish_queue: posts what the outbox holds (here in dry run) and says how many', async () => {
    await using dir = await tempDir();
    const runtime = runtimeOf(dir.path, {});
    const store = openStore({ path: join(dir.path, '.janitor', 'janitor.db') });
    for (const text of ['first', 'second']) {
      store.outbox.enqueue({
        payload: { kind: 'message', message: { type: 'info', hostname: 'pi', text } },
        groupKey: 'pi',
      });
    }
    store.close();
    const [task] = tasksOf(dir.path, [{ name: 'flush', when: '* * * * *', action: 'publish_queue' }]);
    await createTaskRunner({ runtime })(task!, new AbortController().signal, { minute: 0, catchUp: false });
    expect(runtime.logger.lines.filter((l) => l.message.startsWith('outbox flushed'))).toEqual([
      { level: 'info', message: 'outbox flushed: 2 posted', fields: { task: 'flush', posted: 2, retried: 0, dead: 0 } },
    ]);
    const reopened = openStore({ path: join(dir.path, '.janitor', 'janitor.db') });
    try {
      expect(reopened.outbox.next(Date.now() + MINUTE)).toBeUndefined();
    } finally {
      reopened.close();
    }
  });

  it('silent_hosts: says the hub already does it', async () => {
    await using dir = await tempDir();
    const runtime = runtimeOf(dir.path, {});
    const [task] = tasksOf(dir.path, [{ name: 'silent', when: '* * * * *', action: 'silent_hosts' }]);
    await createTaskRunner({ runtime })(task!, new AbortController().signal, { minute: 0, catchUp: false });
    expect(runtime.logger.lines.map((l) => l.message)).toEqual([
      'not needed: the hub checks silent hosts continuously',
    ]);
  });

  it('sysinfo_local and sysinfo_remote: do what janitor run local and run remote do (here in dry run)', async () => {
    await using dir = await tempDir();
    const printed: string[] = [];
    const runtime = runtimeOf(dir.path, {
      app: { service: { remote_url: 'http://hub.example:5000' } },
      system_info: { thresholds: { cpu_percent: { value: 0, operator: '>=' } } },
    });
    const run = createTaskRunner({ runtime, out: (text) => printed.push(text) });
    const [local, remote] = tasksOf(dir.path, [
      { name: 'local', when: '* * * * *', action: 'sysinfo_local' },
      { name: 'remote', when: '* * * * *', action: 'sysinfo_remote' },
    ]);
    await run(local!, new AbortController().signal, { minute: 0, catchUp: false });
    await run(remote!, new AbortController().signal, { minute: 0, catchUp: false });
    expect(printed).toHaveLength(2);
    expect(printed[0]).toMatch(/^--- dry run: this post was not made ---\n[\s\S]*CPU %/);
    expect(printed[1]).toMatch(
      /^--- dry run: this report was not sent ---\nPOST http:\/\/hub\.example:5000\/sysinfo\n/,
    );
  });
});

describe('sysinfo_local without credentials', () => {
  it('is a dry run, as janitor run local is, said once however often it runs', async () => {
    await using dir = await tempDir();
    const printed: string[] = [];
    const runtime = runtimeOf(
      dir.path,
      {
        app: { run_control: { dry_run: false } },
        system_info: { thresholds: { cpu_percent: { value: 0, operator: '>=' } } },
      },
      false,
    );
    const run = createTaskRunner({ runtime, out: (text) => printed.push(text), env: {} });
    const [local] = tasksOf(dir.path, [{ name: 'local', when: '* * * * *', action: 'sysinfo_local' }]);
    await run(local!, new AbortController().signal, { minute: 0, catchUp: false });
    await run(local!, new AbortController().signal, { minute: 1, catchUp: false });
    expect(printed).toHaveLength(2);
    expect(printed[1]).toMatch(/^--- dry run: this post was not made ---\n[\s\S]*CPU %/);
    const notices = runtime.logger.lines.filter((l) => l.message.includes('no Mastodon credentials'));
    expect(notices.map((l) => l.level)).toEqual(['warn']);
  });
});

describe('a simulated day', () => {
  // Wednesday 15 January 2025 (no DST change anywhere), in UTC minutes.
  const dayStart = at('2025-01-15T00:00:00Z');
  const schedules = [
    { name: 'quarter', when: '*/15 * * * *', action: 'silent_hosts', timezone: 'UTC' },
    { name: 'madrid', when: '30 2 * * *', action: 'publish_queue', timezone: 'Europe/Madrid' },
    { name: 'hourly', when: '@hourly', action: 'sysinfo_local', timezone: 'UTC' },
    { name: 'office', when: '0 9-17 * * 1-5', action: 'sysinfo_remote', timezone: 'UTC' },
    { name: 'weekend', when: '0 12 * * 6,0', action: 'exec', command: 'true', timezone: 'UTC' },
    { name: 'off', when: '* * * * *', action: 'silent_hosts', enabled: false },
  ];
  /** What each task must run, written out: its minutes of the day. */
  const expected = {
    quarter: Array.from({ length: 96 }, (_, i) => stamp(dayStart + i * 15 * MINUTE)),
    madrid: ['2025-01-15T01:30'],
    hourly: Array.from({ length: 24 }, (_, i) => stamp(dayStart + i * 60 * MINUTE)),
    office: Array.from({ length: 9 }, (_, i) => stamp(dayStart + (9 + i) * 60 * MINUTE)),
  };
  const byTask = (runs: { task: string; minute: string }[]) => {
    const out: Record<string, string[]> = {};
    for (const r of runs) out[r.task] = [...(out[r.task] ?? []), r.minute];
    return out;
  };

  it('`janitor scheduler` from a crontab line every minute (twice per minute: two cron daemons) runs each task on its minutes and no others', async () => {
    await using dir = await tempDir();
    const tasks = tasksOf(dir.path, schedules);
    const runs: { task: string; minute: string }[] = [];
    const run: RunTask = async (task, _signal, context) => {
      runs.push({ task: task.name, minute: stamp(context.minute) });
    };
    let t = dayStart;
    const lock = createFileLock(join(dir.path, 'locks'), { now: () => t });
    for (let minute = 0; minute < 1440; minute++) {
      for (const second of [7, 42]) {
        t = dayStart + minute * MINUTE + second * 1000;
        const result = await runScheduledMinute({ tasks, lock, run, logger: silent, now: () => t });
        expect(result.exitCode).toBe(0);
      }
    }
    expect(byTask(runs)).toEqual(expected);
  });

  it('`janitor scheduler --daemon` runs the same, and stops on SIGTERM', async () => {
    await using dir = await tempDir();
    const tasks = tasksOf(dir.path, schedules);
    const clock = manualClock(dayStart + 5000);
    const runs: { task: string; minute: string }[] = [];
    const signals = new EventEmitter();
    const done = runSchedulerDaemon({
      tasks,
      lock: createMemoryLock({ now: clock.now }),
      run: async (task, _signal, context) => {
        runs.push({ task: task.name, minute: stamp(context.minute) });
      },
      logger: silent,
      signals,
      now: clock.now,
      sleep: clock.sleep,
    });
    const end = dayStart + 1440 * MINUTE;
    for (;;) {
      await settle();
      const deadline = clock.nextDeadline();
      if (deadline === undefined) throw new Error('the daemon is not waiting for anything');
      if (deadline >= end) break;
      clock.set(deadline + 1500); // woken a little late, as timers are
    }
    signals.emit('SIGTERM', 'SIGTERM');
    await done;
    expect(signals.listenerCount('SIGTERM')).toBe(0);
    expect(byTask(runs)).toEqual(expected);
  });
});

describe('runScheduledMinute', () => {
  it('a failing task is logged and stops none of the others; the run exits 1', async () => {
    await using dir = await tempDir();
    const tasks = tasksOf(dir.path, [
      { name: 'broken', when: '* * * * *', action: 'silent_hosts' },
      { name: 'fine', when: '* * * * *', action: 'silent_hosts' },
    ]);
    const ran: string[] = [];
    const logger = recordingLogger();
    const result = await runScheduledMinute({
      tasks,
      lock: createMemoryLock(),
      logger,
      run: async (task) => {
        if (task.name === 'broken') throw new Error('no space left on device');
        ran.push(task.name);
      },
    });
    expect(ran).toEqual(['fine']);
    expect(result.exitCode).toBe(1);
    expect(result.summary.outcomes.map((o) => [o.task, o.status])).toEqual([
      ['broken', 'failed'],
      ['fine', 'ran'],
    ]);
    expect(logger.lines.find((l) => l.level === 'error')).toMatchObject({
      message: 'task failed',
      fields: { task: 'broken', error: 'no space left on device' },
    });
  });

  it('a task that ignores its timeout is abandoned: exit 1, and the caller is told to exit anyway', async () => {
    await using dir = await tempDir();
    const tasks = tasksOf(dir.path, [{ name: 'stuck', when: '* * * * *', action: 'silent_hosts', timeout: '50ms' }]);
    const result = await runScheduledMinute({
      tasks,
      lock: createMemoryLock(),
      logger: silent,
      graceMs: 50,
      run: () => new Promise(() => {}),
    });
    expect(result).toMatchObject({ exitCode: 1, abandoned: true });
    expect(result.summary.outcomes[0]).toMatchObject({ task: 'stuck', status: 'timed-out', abandoned: true });
  });

  it('nothing due: exit 0, nothing run', async () => {
    await using dir = await tempDir();
    const tasks = tasksOf(dir.path, [{ name: 'new year', when: '0 0 1 1 *', action: 'silent_hosts', timezone: 'UTC' }]);
    const result = await runScheduledMinute({
      tasks,
      lock: createMemoryLock(),
      logger: silent,
      now: () => at('2025-06-01T12:00:00Z'),
      run: async () => {
        throw new Error('must not run');
      },
    });
    expect(result).toMatchObject({ exitCode: 0, abandoned: false, summary: { outcomes: [] } });
  });
});

describe('formatScheduleTable', () => {
  it('lines up one task per row with its next runs under each other; a disabled task says so', () => {
    const table = formatScheduleTable([
      {
        name: 'Check this machine',
        when: '*/5 * * * *',
        description: 'Every 5 minutes',
        action: 'sysinfo_local',
        enabled: true,
        timezone: 'UTC',
        next: ['Wed 2025-01-15 10:05 +00:00', 'Wed 2025-01-15 10:10 +00:00', 'Wed 2025-01-15 10:15 +00:00'],
      },
      {
        name: 'Backup',
        when: '30 2 * * *',
        description: 'At 02:30',
        action: 'exec',
        enabled: false,
        timezone: 'Europe/Madrid',
        next: ['Thu 2025-01-16 02:30 +01:00'],
      },
    ]);
    expect(table.split('\n')).toEqual([
      'NAME                 WHEN          IN WORDS          ACTION          TIMEZONE        NEXT RUNS',
      'Check this machine   */5 * * * *   Every 5 minutes   sysinfo_local   UTC             Wed 2025-01-15 10:05 +00:00',
      '                                                                                     Wed 2025-01-15 10:10 +00:00',
      '                                                                                     Wed 2025-01-15 10:15 +00:00',
      'Backup (disabled)    30 2 * * *    At 02:30          exec            Europe/Madrid   disabled: does not run',
    ]);
  });

  it('says when there is no task', () => {
    expect(formatScheduleTable([])).toBe('no scheduled tasks (app.schedules is empty)');
  });
});

describe.concurrent('janitor scheduler, schedule list and config validate (spawned)', () => {
  /** A config.yaml in `dir` with these tasks and the log at `loglevel`. */
  async function writeConfig(dir: string, schedules: unknown[], extra: Record<string, unknown> = {}) {
    const config = { app: { schedules, service: { remote_url: `http://127.0.0.1:${await closedPort()}` } }, ...extra };
    await writeFile(join(dir, 'config.yaml'), JSON.stringify(config));
  }
  const everyMinute = {
    name: 'every minute',
    when: '* * * * *',
    action: 'exec',
    command: ['sh', '-c', 'echo ran >> out'],
  };

  it('config validate: a bad schedule is a config error (exit 3) naming each key path', async () => {
    await using dir = await tempDir();
    await writeConfig(dir.path, [
      { name: 'fine', when: '*/5 * * * *', action: 'sysinfo_local' },
      { name: 'bad when', when: '61 * * * *', action: 'sysinfo_local' },
      { name: 'bad action', when: '@daily', action: 'reboot' },
    ]);
    const run = await runJanitor(['config', 'validate'], { cwd: dir.path });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(hasStackTrace(run.stderr)).toBe(false);
    expect(linesOf(run.stderr)).toEqual([
      `janitor: invalid config in ${join(dir.path, 'config.yaml')}:`,
      '  app.schedules[1].when: invalid cron expression "61 * * * *": minute "61": 61 is out of range 0-59',
      '  app.schedules[2].action: unknown action "reboot"; expected one of sysinfo_local, sysinfo_remote, exec, publish_queue, silent_hosts',
    ]);
  });

  it('schedule list: each task, its expression in words, its action and zone, and its next three runs there', async () => {
    await using dir = await tempDir();
    await writeConfig(dir.path, [
      { name: 'new year', when: '@yearly', action: 'sysinfo_local', timezone: 'Pacific/Kiritimati' },
      {
        name: 'backup',
        when: '30 2 * * 1-5',
        action: 'exec',
        command: 'backup',
        timezone: 'Europe/Madrid',
        enabled: false,
      },
    ]);
    const run = await runJanitor(['schedule', 'list'], { cwd: dir.path });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +WHEN +IN WORDS +ACTION +TIMEZONE +NEXT RUNS$/);
    // New year in Kiritimati (UTC+14) is 10:00 UTC on 31 December: the next three, read in that zone.
    const year = new Date(Date.now() + 14 * 3_600_000).getUTCFullYear();
    const newYears = [1, 2, 3].map((k) =>
      formatInZone(new Date(Date.UTC(year + k - 1, 11, 31, 10)), 'Pacific/Kiritimati'),
    );
    expect(newYears[0]).toMatch(new RegExp(`^\\w{3} ${year + 1}-01-01 00:00 \\+14:00$`));
    expect(lines[1]).toMatch(
      new RegExp(
        `^new year +@yearly +At 00:00, on day 1 of the month, only in January +sysinfo_local +Pacific/Kiritimati +${escapeRegExp(newYears[0]!)}$`,
      ),
    );
    expect(lines[2]?.trim()).toBe(newYears[1]);
    expect(lines[3]?.trim()).toBe(newYears[2]);
    expect(lines[4]).toMatch(
      /^backup \(disabled\) +30 2 \* \* 1-5 +At 02:30, Monday through Friday +exec +Europe\/Madrid +disabled: does not run$/,
    );
    expect(lines).toHaveLength(5);
  });

  it('scheduler: runs a task due every minute once, and a second run in the same minute does not run it again', async () => {
    await using dir = await tempDir();
    await writeConfig(dir.path, [everyMinute], { logger: { loglevel: 'debug' } });
    const first = await runJanitor(['scheduler'], { cwd: dir.path });
    expect(first.code).toBe(0);
    const [, minute] = /task ran task="every minute" action=exec minute=(\S+)/.exec(first.stderr) ?? [];
    expect(await readFile(join(dir.path, 'out'), 'utf8')).toBe('ran\n');
    const second = await runJanitor(['scheduler'], { cwd: dir.path });
    expect(second.code).toBe(0);
    // Within the same minute the second run skips the task; past it (a slow machine), it runs the new minute.
    const skipped = new RegExp(`already taken for this minute task="every minute" action=exec minute=${minute}`);
    expect(await readFile(join(dir.path, 'out'), 'utf8')).toBe(skipped.test(second.stderr) ? 'ran\n' : 'ran\nran\n');
    if (!skipped.test(second.stderr)) expect(second.stderr).not.toContain(`minute=${minute}`);
  });

  it('scheduler: two processes started together run the task once in total', async () => {
    await using dir = await tempDir();
    await writeConfig(dir.path, [everyMinute], { logger: { loglevel: 'debug' } });
    const runs = await Promise.all([
      runJanitor(['scheduler'], { cwd: dir.path }),
      runJanitor(['scheduler'], { cwd: dir.path }),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    const ran = runs.flatMap((r) =>
      [...r.stderr.matchAll(/task ran task="every minute" .*minute=(\S+)/g)].map((m) => m[1]),
    );
    const taken = runs.flatMap((r) =>
      [...r.stderr.matchAll(/already taken for this minute .*minute=(\S+)/g)].map((m) => m[1]),
    );
    // Normally one ran and the other found it taken; if the two straddled a minute, each ran its own minute.
    expect(new Set(ran).size).toBe(ran.length);
    expect(ran.length + taken.length).toBe(2);
    expect(taken.every((m) => ran.includes(m))).toBe(true);
    expect(await readFile(join(dir.path, 'out'), 'utf8')).toBe('ran\n'.repeat(ran.length));
  });

  it('scheduler: a failing task is logged, the other still runs, and the exit code is 1', async () => {
    await using dir = await tempDir();
    await writeConfig(dir.path, [
      { name: 'fails', when: '* * * * *', action: 'exec', command: 'echo broken; exit 3' },
      everyMinute,
    ]);
    const run = await runJanitor(['scheduler'], { cwd: dir.path });
    expect(run.code).toBe(1);
    expect(await readFile(join(dir.path, 'out'), 'utf8')).toBe('ran\n');
    expect(run.stdout).toBe('broken\n');
    expect(run.stderr).toMatch(/ERROR +janitor command failure not reported: the hub cannot be reached task=fails /);
    expect(run.stderr).toMatch(
      /ERROR +janitor task failed task=fails action=exec .*error="command failed: exit 3 after/,
    );
    expect(run.stderr).toMatch(/INFO +janitor task ran task="every minute" action=exec/);
    expect(hasStackTrace(run.stderr)).toBe(false);
  });

  it('scheduler stopped by SIGTERM (cron, or by hand): stops its running command too, reports it failed, exits 1', async () => {
    await using dir = await tempDir();
    await writeConfig(dir.path, [
      { name: 'long', when: '* * * * *', action: 'exec', command: 'echo started >> out; sleep 30; echo late >> out' },
    ]);
    const run = startNode(JANITOR, ['scheduler'], { cwd: dir.path });
    run.child.stdin.end();
    await waitFor(() => readFileSync(join(dir.path, 'out'), 'utf8').includes('started'), 10_000);
    run.child.kill('SIGTERM');
    const end = await run.exited;
    expect(end).toMatchObject({ code: 1, signal: null });
    // The shell is killed by the signal; had it seen its child die first, it would exit 143 instead.
    expect(end.stderr).toMatch(
      /task failed task=long action=exec .*error="command failed: (killed by SIGTERM|exit 143) after/,
    );
    expect(await readFile(join(dir.path, 'out'), 'utf8')).toBe('started\n');
  });

  it('scheduler --daemon: starts, logs its next run, runs the current minute, and on SIGTERM exits 0 after the running task', async () => {
    await using dir = await tempDir();
    await writeConfig(dir.path, [
      {
        name: 'slow',
        when: '* * * * *',
        action: 'exec',
        command: 'echo started >> out; sleep 2; echo finished >> out',
      },
    ]);
    const daemon = startNode(JANITOR, ['scheduler', '--daemon'], { cwd: dir.path, timeoutMs: 30_000 });
    daemon.child.stdin.end();
    const [, next] = await daemon.waitForStderr(/scheduler daemon started tasks=1 next=(\S+)/);
    expect(next).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
    await waitFor(() => readFileSync(join(dir.path, 'out'), 'utf8').includes('started'), 10_000);
    daemon.child.kill('SIGTERM');
    const end = await daemon.exited;
    expect(end).toMatchObject({ code: 0, signal: null });
    expect(await readFile(join(dir.path, 'out'), 'utf8')).toBe('started\nfinished\n');
    // In this order: the signal, the task that was running ends, then the daemon.
    expect(end.stderr).toMatch(
      /scheduler daemon stopping: waiting for the running tasks signal=SIGTERM\n.*task ran task=slow .*\n.*scheduler daemon stopped/,
    );
  });
});

describe.runIf(spawnSync('make', ['--version']).status === 0)('the Makefile', () => {
  const root = join(import.meta.dirname, '../../..');
  it.each([
    ['init', './dev janitor init'],
    ['create_app', './dev janitor create-app'],
    ['run_local', './dev janitor run local'],
    ['listen', './dev janitor listen --detach'],
    ['run_remote', './dev janitor run remote'],
    ['scheduler', './dev janitor scheduler'],
    ['test', './dev test'],
  ])('make %s calls %s', (target, command) => {
    const r = spawnSync('make', ['-n', '-C', root, target], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(
      linesOf(r.stdout)
        .filter((l) => !l.startsWith('make'))
        .map((l) => l.trim()),
    ).toEqual([command]);
  });
});

// --- helpers -------------------------------------------------------------------------------------------------------

async function recordingHub() {
  const hub = await startRecordingHub();
  return Object.assign(hub, { [Symbol.asyncDispose]: () => hub.close() });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Resolves once every callback already queued has run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Polls `check` until it holds; rejects at the deadline. */
async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (check()) return;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) throw new Error(`not true within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A clock that only moves when told: now() reads it, sleep() waits on it. */
function manualClock(start: number) {
  let t = start;
  const sleepers = new Set<{ deadline: number; wake: () => void }>();
  return {
    now: () => t,
    sleep(ms: number, signal?: AbortSignal): Promise<void> {
      if (signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const sleeper = {
          deadline: t + Math.max(0, ms),
          wake: () => {
            sleepers.delete(sleeper);
            signal?.removeEventListener('abort', sleeper.wake);
            resolve();
          },
        };
        sleepers.add(sleeper);
        signal?.addEventListener('abort', sleeper.wake, { once: true });
      });
    },
    set(to: number) {
      t = to;
      for (const s of [...sleepers]) if (s.deadline <= t) s.wake();
    },
    nextDeadline(): number | undefined {
      let best: number | undefined;
      for (const s of sleepers) if (best === undefined || s.deadline < best) best = s.deadline;
      return best;
    },
  };
}

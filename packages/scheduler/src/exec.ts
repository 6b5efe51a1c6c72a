import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { basename } from 'node:path';
import { type ClientMessage, WIRE_LIMITS } from '@janitor/protocol';
import { createOutputTail } from './output-tail.ts';

/** How a command ended: `exited` with a code, `signalled`, or it never ran (`not-started`: not found, not executable). */
export type CommandEnd =
  | { kind: 'exited'; code: number }
  | { kind: 'signalled'; signal: NodeJS.Signals }
  | { kind: 'not-started'; reason: string; errno: string | undefined };

/** What {@link runCommand} observed. */
export interface CommandResult {
  end: CommandEnd;
  durationMs: number;
  /** The last lines of stdout and stderr together, cleaned of terminal escapes. */
  tail: string[];
  /** The exit status a shell would give: the code, 128 + signal number, 127 not found, 126 not executable. */
  exitCode: number;
}

export interface RunCommandOptions {
  command: string;
  args: readonly string[];
  /** Lines of output kept for the report. @default 20 */
  tailLines?: number;
  /** Where the command's output is copied as it comes. @default process.stdout / process.stderr */
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  /** Signals sent to this process that are passed on to the command. @default ['SIGTERM', 'SIGHUP'] */
  forward?: readonly NodeJS.Signals[];
  /**
   * Stops the command when it aborts: SIGTERM, then SIGKILL after `killGraceMs` (a scheduled task at its timeout).
   */
  signal?: AbortSignal;
  /** How long the command has to end after SIGTERM before SIGKILL. @default 3000 */
  killGraceMs?: number;
  /** The command's working directory. @default this process's */
  cwd?: string;
  /**
   * Run unattended (a scheduled task): no stdin, and a process group of its own, so that stopping it stops what it
   * started too (the commands of a shell line) and a Ctrl-C meant for janitor does not reach it. @default false
   */
  unattended?: boolean;
}

/**
 * Runs a command without a shell, its stdin inherited and its output copied to ours as it comes, keeping the last
 * lines in bounded memory. SIGTERM and SIGHUP sent to janitor are passed on; SIGINT is left to the terminal, which
 * sends it to the command too, and janitor waits for the command to end.
 */
export async function runCommand(options: RunCommandOptions): Promise<CommandResult> {
  const {
    command,
    args,
    tailLines = 20,
    stdout = process.stdout,
    stderr = process.stderr,
    forward = ['SIGTERM', 'SIGHUP'],
    signal,
    killGraceMs = 3000,
    unattended = false,
    cwd,
  } = options;
  const tail = createOutputTail({ maxLines: tailLines });
  // Unattended, the whole process group is signalled: a shell line's commands hold the output pipes open too.
  const kill = (sig: NodeJS.Signals) => {
    try {
      if (unattended && child.pid !== undefined) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      // already gone
    }
  };
  const relay = (sig: NodeJS.Signals) => kill(sig);
  const ignore = () => {};
  // Listening before the command starts: a signal that arrives while this process is not yet scheduled again after
  // the spawn (a busy machine) is relayed, not taken by Node's default action. Handlers run only after this
  // synchronous code, when `child` is set.
  for (const sig of forward) process.on(sig, relay);
  if (!unattended) process.on('SIGINT', ignore);
  const started = performance.now();
  const child = spawn(command, [...args], {
    stdio: [unattended ? 'ignore' : 'inherit', 'pipe', 'pipe'],
    detached: unattended,
    ...(cwd === undefined ? {} : { cwd }),
  });
  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    kill('SIGTERM');
    killTimer = setTimeout(() => kill('SIGKILL'), killGraceMs);
  };
  if (signal?.aborted) stop();
  else signal?.addEventListener('abort', stop, { once: true });
  // A reader that went away (`janitor exec -- job | head -1`) ends the copy, not the job nor its report. The
  // listeners stay: an EPIPE may still be reported after the job ended.
  const closed = new Set<NodeJS.WritableStream>();
  const onWriteError = (stream: NodeJS.WritableStream) => () => closed.add(stream);
  const stdoutError = onWriteError(stdout);
  const stderrError = onWriteError(stderr);
  stdout.on('error', stdoutError);
  stderr.on('error', stderrError);
  child.stdout.on('data', (chunk: Buffer) => {
    tail.push('stdout', chunk);
    if (!closed.has(stdout)) stdout.write(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    tail.push('stderr', chunk);
    if (!closed.has(stderr)) stderr.write(chunk);
  });
  try {
    const end = await new Promise<CommandEnd>((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        resolve({ kind: 'not-started', reason: spawnReason(error), errno: error.code });
      });
      // 'close' waits for the output to be read to its end, unlike 'exit'.
      child.once('close', (code, signal) => {
        resolve(signal ? { kind: 'signalled', signal } : { kind: 'exited', code: code ?? 1 });
      });
    });
    return { end, durationMs: performance.now() - started, tail: tail.lines(), exitCode: shellStatus(end) };
  } finally {
    clearTimeout(killTimer);
    signal?.removeEventListener('abort', stop);
    for (const sig of forward) process.removeListener(sig, relay);
    process.removeListener('SIGINT', ignore);
  }
}

function spawnReason(error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return 'command not found';
  if (error.code === 'EACCES') return 'permission denied';
  return error.message;
}

function shellStatus(end: CommandEnd): number {
  if (end.kind === 'exited') return end.code;
  if (end.kind === 'signalled') return 128 + (constants.signals[end.signal] ?? 0);
  return end.errno === 'ENOENT' ? 127 : 126;
}

/** `1.2 s`, `850 ms`, `3 min 20 s`, `2 h 5 min`: a duration as a person reads it in a post. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** A command line as it would be typed in a shell: arguments with spaces or quotes are quoted. */
export function formatCommandLine(command: string, args: readonly string[]): string {
  return [command, ...args]
    .map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`))
    .join(' ');
}

/** How a run ended, in a few words: `exit 3 after 1.2 s`, `killed by SIGKILL after 2 s`, `not started: ...`. */
export function commandStatus(result: Pick<CommandResult, 'end' | 'durationMs'>): string {
  const { end } = result;
  const took = formatDuration(result.durationMs);
  if (end.kind === 'exited') return `exit ${end.code} after ${took}`;
  if (end.kind === 'signalled') return `killed by ${end.signal} after ${took}`;
  return `not started: ${end.reason}`;
}

export interface ExecMessageOptions {
  command: string;
  args: readonly string[];
  hostname: string;
  /** Replaces the generated summary. */
  summary?: string;
  /** What the summary calls the job. @default the command's name in backticks: `` `backup.sh` `` */
  label?: string;
  /** The command line shown in the text. @default the command and its arguments, quoted as a shell needs */
  commandLine?: string;
  /** The command was stopped because it ran past its timeout (a scheduled task): said so instead of the signal. */
  timedOut?: boolean;
  /** The thread key of its reports. @default the host and the command line: each job's reports are one thread */
  thread?: string;
}

/**
 * The message that reports a run: `error` when the command failed, did not start or was killed, `info` when it
 * succeeded; the summary names the command, how it ended, how long it took and where, the text adds the command line
 * and the tail of its output.
 */
export function execMessage(result: CommandResult, options: ExecMessageOptions): ClientMessage {
  const { command, args, hostname } = options;
  const name = options.label ?? `\`${basename(command)}\``;
  const took = formatDuration(result.durationMs);
  const { end } = result;
  const outcome = options.timedOut
    ? `timed out and was stopped after ${took}`
    : end.kind === 'exited'
      ? end.code === 0
        ? `succeeded after ${took}`
        : `failed (exit ${end.code}) after ${took}`
      : end.kind === 'signalled'
        ? `was killed by ${end.signal} after ${took}`
        : `could not start (${end.reason})`;
  const ok = !options.timedOut && end.kind === 'exited' && end.code === 0;
  const head = [
    `$ ${options.commandLine ?? formatCommandLine(command, args)}`.slice(0, 2000),
    commandStatus(result),
    '',
  ];
  // The hub takes at most 64 KiB of text: the oldest lines of the tail give way first.
  const tail = [...result.tail];
  let size = head.join('\n').length + 40 + tail.reduce((n, line) => n + line.length + 1, 0);
  while (size > WIRE_LIMITS.messageLength && tail.length > 0) size -= tail.shift()!.length + 1;
  const output =
    tail.length === 0
      ? ['(no output)']
      : [`last ${tail.length} line${tail.length === 1 ? '' : 's'} of output:`, ...tail];
  return {
    type: ok ? 'info' : 'error',
    hostname,
    summary: options.summary ?? `${name} ${outcome} on ${hostname}`,
    text: [...head, ...output].join('\n'),
    thread: options.thread ?? execThread(hostname, options.commandLine ?? formatCommandLine(command, args)),
  };
}

/** The default thread key of a job's reports: `host: command line`, on one line, at most 200 characters. */
function execThread(hostname: string, commandLine: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is replaced
  const line = `${hostname}: ${commandLine}`.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return [...line].slice(0, 200).join('');
}

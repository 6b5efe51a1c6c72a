// `janitor send` and `janitor exec`: the alarm line of scripts, through the hub. Light at load: the scheduler's
// client and remote mode are imported when a command runs.
import { hostname as osHostname } from 'node:os';
import type { MessageType } from '@janitor/protocol';
import { describeFailure, openRuntime, type RuntimeOptions } from './runtime.ts';

/** The most bytes `janitor send -` reads from stdin: above the hub's 64 KiB message limit, so the check names it. */
const STDIN_LIMIT_BYTES = 1 << 20;

/** Reads a message from a stream (`janitor send -`), without the final line break `echo` adds. */
export async function readMessageFrom(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    chunks.push(buffer);
    if (size > STDIN_LIMIT_BYTES) break;
  }
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** `--hub`, `--token` and `--hostname` of the commands that talk to the hub. */
export interface HubChoice {
  hub?: string;
  token?: string;
  /** Who the message is about. @default os.hostname() */
  hostname?: string;
}

/** Options of {@link sendCommand}: the flags of `janitor send`. */
export interface SendCommandOptions extends HubChoice {
  /** The text, or `-` to read it from `stdin`. */
  text: string;
  type: MessageType;
  summary?: string;
  /** A thread key: the hub posts the messages of one key as one thread. */
  thread?: string;
  /** @default process.stdin */
  stdin?: NodeJS.ReadableStream;
  out: (line: string) => void;
}

/** `janitor send MESSAGE`: posts a message through the hub and says whether it was sent or queued. */
export async function sendCommand(runtimeOptions: RuntimeOptions, options: SendCommandOptions): Promise<void> {
  const [{ remoteTarget }, { sendMessage }] = await Promise.all([
    import('./remote-mode.ts'),
    import('@janitor/scheduler'),
  ]);
  const runtime = await openRuntime(runtimeOptions);
  const target = remoteTarget(runtime, hubFlags(options));
  const text = options.text === '-' ? await readMessageFrom(options.stdin ?? process.stdin) : options.text;
  const receipt = await sendMessage({
    url: target.url,
    ...(target.token ? { token: target.token } : {}),
    message: {
      text,
      type: options.type,
      hostname: options.hostname ?? osHostname(),
      ...(options.summary ? { summary: options.summary } : {}),
      ...(options.thread ? { thread: options.thread } : {}),
    },
  });
  options.out(receipt.id === undefined ? 'sent' : `queued as #${receipt.id}`);
}

/** Options of {@link execCommand}: the flags of `janitor exec`. */
export interface ExecCommandOptions extends HubChoice {
  /** The command and its arguments. */
  words: string[];
  /** Report a successful run too, as this message type. */
  onSuccess: 'info' | 'none';
  summary?: string;
  /** The thread key of the report. @default the host and the command line */
  thread?: string;
  tailLines: number;
  /** Where the command's start failure and a lost report are said (stderr). */
  warn: (line: string) => void;
}

/**
 * `janitor exec -- CMD ARGS…`: runs the command, reports its failure (or, with `onSuccess`, its success) through the
 * hub, and answers the command's own exit status whatever happens to the report: cron sees the job, not janitor.
 * The config is read after the command, so a broken config.yaml never stops the job itself.
 */
export async function execCommand(runtimeOptions: RuntimeOptions, options: ExecCommandOptions): Promise<number> {
  const [command = '', ...args] = options.words;
  const { runCommand } = await import('@janitor/scheduler');
  const result = await runCommand({ command, args, tailLines: options.tailLines });
  if (result.end.kind === 'not-started') options.warn(`janitor exec: ${command}: ${result.end.reason}`);
  const ok = result.end.kind === 'exited' && result.end.code === 0;
  if (ok && options.onSuccess === 'none') return result.exitCode;
  try {
    const { reportCommandResult } = await import('./command-report.ts');
    const runtime = await openRuntime(runtimeOptions);
    const report = await reportCommandResult(runtime, result, {
      command,
      args,
      hostname: options.hostname ?? osHostname(),
      ...(options.summary ? { summary: options.summary } : {}),
      ...(options.thread ? { thread: options.thread } : {}),
      remote: hubFlags(options),
    });
    if (!report.sent) throw report.error;
  } catch (error) {
    options.warn(`janitor exec: warning: the outcome was not reported: ${describeFailure(error).message}`);
  }
  return result.exitCode;
}

/** The hub flags given, for remoteTarget(). */
function hubFlags(o: HubChoice): { hub?: string; token?: string } {
  return { ...(o.hub ? { hub: o.hub } : {}), ...(o.token ? { token: o.token } : {}) };
}

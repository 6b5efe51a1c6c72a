// `janitor send` and `janitor exec`: the alarm line of scripts, through the hub. Light at load: the scheduler's
// client and remote mode are imported when a command runs.
import { hostname as osHostname } from 'node:os';
import type { JanitorClient, MessageType, PingKind } from '@janitor/protocol';
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
  /**
   * `--check SLUG`: ping this job check-in instead of sending a message: `/ping/SLUG/start` before the command, then
   * `/ping/SLUG/<exit status>` (0 a success) with the output's last lines as the body.
   */
  check?: string;
  /** How long to wait before each new try of a check's last ping that the hub did not take (retryable). @default [1000, 3000] */
  retryDelaysMs?: readonly number[];
  /** Where the command's start failure and a lost report are said (stderr). */
  warn: (line: string) => void;
}

/**
 * `janitor exec -- CMD ARGS…`: runs the command, reports its failure (or, with `onSuccess`, its success) through the
 * hub, and answers the command's own exit status whatever happens to the report: cron sees the job, not janitor.
 * The config is read after the command, so a broken config.yaml never stops the job itself.
 */
export async function execCommand(runtimeOptions: RuntimeOptions, options: ExecCommandOptions): Promise<number> {
  if (options.check !== undefined) return execWithCheck(runtimeOptions, { ...options, check: options.check });
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

/**
 * `janitor exec --check SLUG -- CMD`: the start ping, the command, then its end as a ping with the exit status and the
 * output's last lines. Neither a broken config nor a hub out of reach stops the job: each is one warning, and the
 * command's own status is the answer. A hub that refuses the start (an unknown slug, a token it refuses) gets no
 * second ping; one out of reach gets the last ping anyway, tried again after each of `retryDelaysMs`.
 */
async function execWithCheck(
  runtimeOptions: RuntimeOptions,
  options: ExecCommandOptions & { check: string },
): Promise<number> {
  const { check: slug, warn, retryDelaysMs = [1000, 3000] } = options;
  const [command = '', ...args] = options.words;
  const failure = (error: unknown) => describeFailure(error).message;
  let client: JanitorClient | undefined;
  try {
    const [{ createJanitorClient }, { remoteTarget }] = await Promise.all([
      import('@janitor/protocol'),
      import('./remote-mode.ts'),
    ]);
    const target = remoteTarget(await openRuntime(runtimeOptions), hubFlags(options));
    client = createJanitorClient({ url: target.url, ...(target.token ? { token: target.token } : {}) });
    await client.ping(slug, 'start');
  } catch (error) {
    const retryable = (error as { retryable?: unknown }).retryable === true;
    warn(`janitor exec: warning: the start of check ${slug} was not reported: ${failure(error)}`);
    if (!retryable) client = undefined;
  }
  const { runCommand } = await import('@janitor/scheduler');
  const result = await runCommand({ command, args, tailLines: options.tailLines });
  if (result.end.kind === 'not-started') warn(`janitor exec: ${command}: ${result.end.reason}`);
  if (client === undefined) return result.exitCode;
  const kind: PingKind = { exit: result.exitCode };
  const body = result.tail.join('\n');
  for (let attempt = 0; ; attempt++) {
    try {
      await client.ping(slug, kind, body === '' ? undefined : body);
      break;
    } catch (error) {
      const delay = retryDelaysMs[attempt];
      if ((error as { retryable?: unknown }).retryable !== true || delay === undefined) {
        warn(`janitor exec: warning: the end of check ${slug} was not reported: ${failure(error)}`);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
  return result.exitCode;
}

/** The hub flags given, for remoteTarget(). */
function hubFlags(o: HubChoice): { hub?: string; token?: string } {
  return { ...(o.hub ? { hub: o.hub } : {}), ...(o.token ? { token: o.token } : {}) };
}

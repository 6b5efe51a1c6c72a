// A command's failure (or success) told to the hub: what `janitor exec` and the scheduler's `exec` tasks share.
import type { ClientMessage } from '@janitor/protocol';
import { type CommandResult, type ExecMessageOptions, execMessage, sendMessage } from '@janitor/scheduler';
import { type RemoteOptions, remoteTarget } from './remote-mode.ts';
import type { Runtime } from './runtime.ts';

/** Options of {@link reportCommandResult}: how the message reads, where it goes, how long the hub may take. */
export interface ReportCommandOptions extends ExecMessageOptions {
  /** `--hub`, `--token`. @default app.service.remote_url and its token */
  remote?: RemoteOptions;
  /** @default sendMessage's own */
  timeoutMs?: number;
}

/** What became of a report: sent, or not (and why), with the hub it was meant for and the message. */
export type CommandReport =
  | { sent: true; hub: string; message: ClientMessage }
  | { sent: false; hub: string; message: ClientMessage; error: unknown };

/**
 * Sends the message that reports `result` ({@link execMessage}) to the hub. A hub that cannot be reached is an
 * outcome (`sent: false`), not an error: the command's own status is what counts.
 * @throws Error when the hub's address cannot be settled from the config
 */
export async function reportCommandResult(
  runtime: Runtime,
  result: CommandResult,
  options: ReportCommandOptions,
): Promise<CommandReport> {
  const { remote = {}, timeoutMs, ...messageOptions } = options;
  const message = execMessage(result, messageOptions);
  const target = remoteTarget(runtime, remote);
  try {
    await sendMessage({
      url: target.url,
      ...(target.token ? { token: target.token } : {}),
      message,
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    });
    return { sent: true, hub: target.url, message };
  } catch (error) {
    return { sent: false, hub: target.url, message, error };
  }
}

// Test support (not a test): runs a command the way a user does (a Node process on the TypeScript source, in its own
// working directory, with an environment free of the parent's JANITOR_* variables) and gives every run a deadline.
// The process handling is @janitor/testkit's `nodeProcesses`; this module gives it the names the CLI's tests use.
import { fileURLToPath } from 'node:url';
import { hubEntryPoint } from '@janitor/runtime';
import {
  type Finished,
  type NodeProcess,
  type NodeProcessOptions,
  nodeProcesses,
  type RealHub,
  startRealHub as startHub,
  tempDir as tempDirNamed,
} from '@janitor/testkit';

export type { Finished, RealHub, RecordingHub } from '@janitor/testkit';
export { closedPort, HUB_TOKEN, startRecordingHub } from '@janitor/testkit';

/** The `janitor` command's entry point. */
export const JANITOR = fileURLToPath(new URL('./main.ts', import.meta.url));
/** The same, under the name the tests shared with the agent's use. */
export const JANITOR_MAIN = JANITOR;
/** The installed janitor-hub, as `janitor listen` finds it. */
export const HUB_MAIN = hubEntryPoint(import.meta.url);

/** A running process: its output so far (`waitFor…`, `output`), its stdin, and its end. */
export type Started = Pick<NodeProcess, 'child' | 'output' | 'waitFor' | 'waitForStdout' | 'waitForStderr' | 'exited'>;

/**
 * `env` is added to the parent's environment (from which every JANITOR_* variable is removed); `timeoutMs` is how
 * long the process may live (15 s by default).
 */
export type StartOptions = NodeProcessOptions;

const processes = nodeProcesses();

/** Starts `node script ...args`; stdin stays open (write to `child.stdin`, then end it). */
export function startNode(script: string, args: readonly string[], options: StartOptions): Started {
  return processes.start(script, args, options);
}

/** Runs `node script ...args` to its end, with `input` (or nothing) on stdin. */
export function runNode(
  script: string,
  args: readonly string[],
  options: StartOptions & { input?: string },
): Promise<Finished> {
  return processes.run(script, args, options);
}

/** Runs `janitor ...args` to its end. */
export function runJanitor(args: readonly string[], options: StartOptions & { input?: string }): Promise<Finished> {
  return runNode(JANITOR, args, options);
}

/** Kills whatever failed tests left running (only processes started here): for `afterAll`, since tests run concurrently. */
export function killLeftovers(): void {
  processes.killLeftovers();
}

/** A fresh temporary folder, removed by `[Symbol.asyncDispose]` (`await using dir = await tempDir()`). */
export function tempDir(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  return tempDirNamed('janitor-cli-test-');
}

/** True when the text holds a stack-trace line (`    at fn (file:1:2)`). */
export function hasStackTrace(text: string): boolean {
  return /^\s+at\s/m.test(text);
}

/** The non-empty lines of an output. */
export function linesOf(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '');
}

/** A real janitor-hub on 127.0.0.1 with a random port, dry run, accepting HUB_TOKEN. */
export function startRealHub(dir: string, extraYaml = ''): Promise<RealHub> {
  return startHub(dir, { hubMain: HUB_MAIN, processes, extraYaml });
}

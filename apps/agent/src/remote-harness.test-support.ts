// Test support (not a test) for the agent: processes run as a user runs them, a real janitor-hub started from a
// config file, and a recording hub on loopback whose answers a test chooses. The process handling is
// @janitor/testkit's `nodeProcesses`.
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

export type { Finished, RealHub } from '@janitor/testkit';
export { closedPort, HUB_TOKEN, type RecordingHub, startRecordingHub } from '@janitor/testkit';

export const AGENT_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
/** The installed janitor-hub (a dev dependency of the agent, for these tests). */
export const HUB_MAIN = hubEntryPoint(import.meta.url);

/** A running process: `waitFor` looks in stdout, then stderr. */
export type Started = Pick<NodeProcess, 'child' | 'output' | 'waitFor' | 'exited'>;

const processes = nodeProcesses();

/** Starts `node script ...args`. */
export function startNode(script: string, args: readonly string[], options: NodeProcessOptions): Started {
  return processes.start(script, args, options);
}

/** Runs `node script ...args` to its end with `input` (or nothing) on stdin. */
export function runNode(
  script: string,
  args: readonly string[],
  options: NodeProcessOptions & { input?: string },
): Promise<Finished> {
  return processes.run(script, args, options);
}

/** Kills what a failed test left running (only processes started here). */
export function killLeftovers(): void {
  processes.killLeftovers();
}

/** A fresh temporary folder, removed on dispose (`await using dir = await tempDir()`). */
export function tempDir(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  return tempDirNamed('janitor-remote-test-');
}

/** A real janitor-hub on 127.0.0.1 with a random port, dry run, accepting HUB_TOKEN. */
export function startRealHub(dir: string, extraYaml = ''): Promise<RealHub> {
  return startHub(dir, { hubMain: HUB_MAIN, processes, extraYaml });
}

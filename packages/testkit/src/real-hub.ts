// A real janitor-hub process for tests of the programs that talk to one (agents, `janitor send`, `janitor silence`):
// started from a config file on 127.0.0.1 with a random port, in dry run, accepting HUB_TOKEN.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Finished, NodeProcess, NodeProcesses } from './node-process.ts';

/** A token the hubs of these tests accept (at least 16 characters). */
export const HUB_TOKEN = 'test-token-0123456789abcdef';

/** A running hub process. */
export interface RealHub {
  url: string;
  process: Pick<NodeProcess, 'child' | 'output' | 'waitFor' | 'exited'>;
  /** Requests the hub logged so far, as `METHOD /path STATUS`. */
  requests(): string[];
  stop(): Promise<Finished>;
}

/** Options of {@link startRealHub}. */
export interface RealHubOptions {
  /** The hub's entry point (the caller resolves the installed janitor-hub's bin). */
  hubMain: string;
  /** Where the process runs (`dir`, the test's own) and which process list owns it (for killLeftovers). */
  processes: NodeProcesses;
  /** More YAML lines for the config. */
  extraYaml?: string;
}

/** Starts janitor-hub with a config in `dir` and waits for its `hub listening` line. */
export async function startRealHub(dir: string, options: RealHubOptions): Promise<RealHub> {
  const { hubMain, processes, extraYaml = '' } = options;
  const config = join(dir, 'hub-config.yaml');
  await writeFile(
    config,
    [
      'app:',
      '  run_control: { dry_run: true }',
      '  state_dir: hub-state',
      `  service: { tokens: [ { name: tests, token: ${HUB_TOKEN} } ] }`,
      extraYaml,
    ].join('\n'),
  );
  const hub = processes.start(hubMain, ['--config', config, '--port', '0', '--host', '127.0.0.1'], {
    cwd: dir,
    timeoutMs: 60_000,
  });
  const [, url] = await hub.waitFor(/hub listening url=(http:\/\/\S+)/);
  return {
    url: url!,
    process: hub,
    requests: () =>
      [...hub.output().stderr.matchAll(/request method=(\S+) path=(\S+) status=(\d+)/g)].map(
        (m) => `${m[1]} ${m[2]} ${m[3]}`,
      ),
    async stop() {
      hub.child.kill('SIGTERM');
      return hub.exited;
    },
  };
}

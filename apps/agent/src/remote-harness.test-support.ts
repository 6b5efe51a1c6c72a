// Test support (not a test) for remote mode, janitor send/exec/listen: processes run as a user runs them, a real
// janitor-hub started from a config file, and a recording hub on loopback whose answers a test chooses. The process
// handling is @janitor/testkit's `nodeProcesses`.
import { writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Finished,
  type NodeProcess,
  type NodeProcessOptions,
  nodeProcesses,
  tempDir as tempDirNamed,
} from '@janitor/testkit';

export type { Finished } from '@janitor/testkit';
export { closedPort } from '@janitor/testkit';

export const AGENT_MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
export const HUB_MAIN = fileURLToPath(new URL('../../hub/src/main.ts', import.meta.url));
export const JANITOR_MAIN = fileURLToPath(new URL('../../cli/src/main.ts', import.meta.url));

/** A token the hubs of these tests accept (at least 16 characters). */
export const HUB_TOKEN = 'test-token-0123456789abcdef';

/** A running process: `waitFor` looks in stdout, then stderr. */
export type Started = Pick<NodeProcess, 'child' | 'output' | 'waitFor' | 'exited'>;

/** `env` is added to an environment free of JANITOR_*, XDG_* and NODE_OPTIONS, with HOME = cwd. */
export type NodeRunOptions = NodeProcessOptions;

const processes = nodeProcesses();

/** Starts `node script ...args`. */
export function startNode(script: string, args: readonly string[], options: NodeRunOptions): Started {
  return processes.start(script, args, options);
}

/** Runs `node script ...args` to its end with `input` (or nothing) on stdin. */
export function runNode(
  script: string,
  args: readonly string[],
  options: NodeRunOptions & { input?: string },
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

/** A real janitor-hub on 127.0.0.1 with a random port, dry run, accepting {@link HUB_TOKEN}. */
export interface RealHub {
  url: string;
  process: Started;
  /** Requests the hub logged so far, as `METHOD /path STATUS`. */
  requests(): string[];
  stop(): Promise<Finished>;
}

export async function startRealHub(dir: string, extraYaml = ''): Promise<RealHub> {
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
  const hub = startNode(HUB_MAIN, ['--config', config, '--port', '0', '--host', '127.0.0.1'], {
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

/** One request the recording hub received. */
export interface Recorded {
  method: string;
  path: string;
  authorization: string | undefined;
  body: unknown;
}

/** What the recording hub answers: a status and a JSON body. */
export type Answer = { status: number; body?: unknown };

/** A hub on loopback that records every request and answers what the test says (by default 200 queued). */
export interface RecordingHub {
  url: string;
  port: number;
  received: Recorded[];
  /** Sets the answer to the following requests. */
  answer(next: (request: Recorded) => Answer): void;
  close(): Promise<void>;
}

export async function startRecordingHub(port = 0): Promise<RecordingHub> {
  const received: Recorded[] = [];
  let respond: (r: Recorded) => Answer = () => ({ status: 200, body: { status: 'queued', id: received.length } });
  const server: Server = createServer(async (req, res) => {
    const text = await readAll(req);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    const recorded: Recorded = {
      method: req.method ?? '',
      path: req.url ?? '',
      authorization: req.headers.authorization,
      body,
    };
    received.push(recorded);
    const answer = respond(recorded);
    res.writeHead(answer.status, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify(answer.body ?? {}));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    port: address.port,
    received,
    answer(next) {
      respond = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readAll(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

// Real programs the integration tests run beside the hub (Debian's prometheus and prometheus-alertmanager): a free
// port to give them, a start that waits until they answer, a stop that does not hang.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';

/** A port free now on 127.0.0.1 (these programs take their listen address as an argument, not port 0). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A program started by {@link startProgram}, with everything it printed so far. */
export interface Program {
  child: ChildProcess;
  output(): string;
}

/** Throws, saying how to get them, unless every program exists. */
export function requirePrograms(...programs: string[]): void {
  for (const program of programs) {
    if (!existsSync(program)) {
      throw new Error(`${program} is missing: apt-get install -y prometheus prometheus-alertmanager (.ci/run does)`);
    }
  }
}

/** Starts `program` and waits (20 s at most) until `readyUrl` answers 2xx; throws with its output otherwise. */
export async function startProgram(program: string, args: readonly string[], readyUrl: string): Promise<Program> {
  const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const deadline = Date.now() + 20_000;
  for (;;) {
    const ready = await fetch(readyUrl).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) return { child, output: () => text };
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${program} did not start:\n${text}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops a program: SIGTERM, then SIGKILL after 5 s. */
export async function stopProgram(program: Program | undefined): Promise<void> {
  const child = program?.child;
  if (!child || child.exitCode !== null) return;
  const ended = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 5000))]);
  if (child.exitCode === null) child.kill('SIGKILL');
}

// Connection exhaustion against janitor-hub run as users run it: 2,000 connections that never finish their headers,
// from 20 addresses of the loopback network, while a well-behaved client (127.0.0.1) still gets its answers at once,
// and every slow connection is cut after the headers timeout (seconds, not minutes). The hub's memory before, during
// and after is written to the test's log (a measurement, not an assertion). Loopback only.
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { killLeftoverHubs, startHubProcess, tempDir } from './hub.test-support.ts';

afterEach(() => killLeftoverHubs());

const SLOW = 2000;
const ADDRESSES = 20;
/** The hub's headers timeout (10 s), its check interval (1 s), and room for a busy machine. */
const CUT_WITHIN_MS = 14_000;

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024);
}

/** A connection from `localAddress` that sends `text` and nothing more; resolves once connected. */
function slowSocket(port: number, localAddress: string, text: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, localAddress }, () => {
      if (text) socket.write(text);
      resolve(socket);
    });
    socket.on('error', reject);
  });
}

describe('2,000 connections that never finish their headers', () => {
  it('leave the hub answering others at once, and are all cut after the headers timeout', async () => {
    const dir = tempDir();
    const sockets: Socket[] = [];
    try {
      const hub = await startHubProcess({
        dir: dir.path,
        // The 408s the server answers itself never reach a handler: no request lines for them.
        config: { app: { state_dir: join(dir.path, 'state') } },
        args: ['--dry-run'],
      });
      const { port } = new URL(hub.url);
      const pid = hub.child.pid!;
      const before = rssMiB(pid);

      const openedAt = performance.now();
      const closed: Promise<number>[] = [];
      for (let i = 0; i < SLOW; i += 1) {
        const from = `127.0.0.${2 + (i % ADDRESSES)}`;
        // Half send a request line and one header, half nothing at all.
        const text = i % 2 === 0 ? 'POST /message HTTP/1.1\r\nHost: hub\r\n' : '';
        const socket = await slowSocket(Number(port), from, text);
        socket.on('error', () => {});
        // Read what comes (the hub's 408), so that the hub closing the connection is seen.
        socket.resume();
        sockets.push(socket);
        closed.push(new Promise((resolve) => socket.once('close', () => resolve(performance.now() - openedAt))));
      }
      const during = rssMiB(pid);

      // A well-behaved client is served at once while they are all held.
      const started = performance.now();
      const message = await fetch(`${hub.url}/message`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'hostname=good&message=still+served',
        signal: AbortSignal.timeout(3000),
      });
      expect(message.status).toBe(200);
      const health = await fetch(`${hub.url}/health`, { signal: AbortSignal.timeout(3000) });
      expect(health.status).toBe(200);
      const servedInMs = performance.now() - started;
      expect(servedInMs).toBeLessThan(3000);

      // Every slow connection is cut by the hub after its headers timeout.
      const deadline = new Promise<'deadline'>((resolve) => setTimeout(() => resolve('deadline'), CUT_WITHIN_MS));
      const outcome = await Promise.race([Promise.all(closed), deadline]);
      expect(outcome, `slow connections still open after ${CUT_WITHIN_MS} ms`).not.toBe('deadline');
      const cutAfterMs = Math.max(...(outcome as number[]));
      const after = rssMiB(pid);
      console.log(
        `hub RSS: ${before} MiB before, ${during} MiB with ${SLOW} slow connections open, ${after} MiB after they ` +
          `were cut (the last one ${Math.round(cutAfterMs)} ms after opening); good requests served in ${Math.round(servedInMs)} ms`,
      );

      // And the hub is as good as before.
      expect((await fetch(`${hub.url}/health`, { signal: AbortSignal.timeout(3000) })).status).toBe(200);
      hub.child.kill('SIGTERM');
      expect((await hub.exited(8000)).code).toBe(0);
    } finally {
      for (const socket of sockets) socket.destroy();
      dir.remove();
    }
  }, 40_000);
});

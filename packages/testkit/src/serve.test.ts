import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const SERVE = fileURLToPath(new URL('./serve.ts', import.meta.url));
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await exited;
  }
  child = undefined;
});

/** Read stdout line by line; `next()` waits for the next line, with a deadline. */
function lines(proc: ChildProcess) {
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: proc.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const waiter = waiting.shift();
    if (waiter) waiter(line);
    else queue.push(line);
  });
  return {
    next(timeoutMs = 10_000): Promise<string> {
      const queued = queue.shift();
      if (queued !== undefined) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no output line within ${timeoutMs} ms`)), timeoutMs);
        waiting.push((line) => {
          clearTimeout(timer);
          resolve(line);
        });
      });
    },
  };
}

describe('serve.ts', () => {
  it('prints its URL, then one JSON line per created status', async () => {
    child = spawn(process.execPath, [SERVE, '--port', '0', '--flavour', 'pleroma', '--token', 'abc'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const output = lines(child);
    const banner = await output.next();
    const url = /^listening (http:\/\/127\.0\.0\.1:\d+) \(pleroma, max 5000 characters\)$/.exec(banner)?.[1];
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:[1-9]\d*$/);
    const response = await fetch(`${url}/api/v1/statuses`, {
      method: 'POST',
      headers: { authorization: 'Bearer abc', 'content-type': 'application/json', 'idempotency-key': 'k' },
      body: JSON.stringify({ status: 'demo', content_type: 'text/markdown' }),
    });
    expect(response.status).toBe(200);
    expect(JSON.parse(await output.next())).toMatchObject({
      status: 'demo',
      contentType: 'text/markdown',
      idempotencyKey: 'k',
      visibility: 'public',
    });
  });

  it('refuses an unknown flavour with exit code 2', async () => {
    child = spawn(process.execPath, [SERVE, '--flavour', 'misskey'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const [code] = await once(child, 'exit');
    expect(code).toBe(2);
    expect(stderr).toContain('unknown flavour "misskey"');
  });
});

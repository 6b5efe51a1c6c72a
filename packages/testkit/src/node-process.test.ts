import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { closedPort, nodeProcesses, tempDir } from './node-process.ts';

const processes = nodeProcesses();
afterAll(() => processes.killLeftovers());

// `node -e SOURCE`: `-e` stands where a script's path would, SOURCE is the first argument.
const IDLE = 'setInterval(() => {}, 1000);';

describe('nodeProcesses', () => {
  it('runs a script to its end with input on stdin, in its folder, with a clean environment', async () => {
    await using dir = await tempDir('janitor-testkit-test-');
    process.env.JANITOR_LEAK_CHECK = 'leak';
    try {
      const source = `let input = '';
        process.stdin.on('data', (c) => { input += c; }).on('end', () => {
          console.log(JSON.stringify({ input, cwd: process.cwd(), home: process.env.HOME,
            leak: process.env.JANITOR_LEAK_CHECK ?? null, extra: process.env.EXTRA }));
          console.error('to stderr');
          process.exitCode = 3;
        });`;
      const finished = await processes.run('-e', [source], { cwd: dir.path, env: { EXTRA: 'x' }, input: 'hello' });
      expect(finished.code).toBe(3);
      expect(finished.signal).toBeNull();
      expect(finished.stderr).toBe('to stderr\n');
      expect(JSON.parse(finished.stdout)).toEqual({
        input: 'hello',
        cwd: expect.stringContaining('janitor-testkit-test-'),
        home: dir.path,
        leak: null,
        extra: 'x',
      });
    } finally {
      delete process.env.JANITOR_LEAK_CHECK;
    }
  });

  it('waits for a line on stdout, on stderr, or on either', async () => {
    await using dir = await tempDir('janitor-testkit-test-');
    const source = `console.log('out 1'); console.error('err 2'); ${IDLE}`;
    const started = processes.start('-e', [source], { cwd: dir.path });
    expect((await started.waitForStdout(/out (\d)/))[1]).toBe('1');
    expect((await started.waitForStderr(/err (\d)/))[1]).toBe('2');
    expect((await started.waitFor(/err (\d)/))[1]).toBe('2');
    expect(started.output()).toEqual({ stdout: 'out 1\n', stderr: 'err 2\n' });
    await expect(started.waitForStdout(/err/, 200)).rejects.toThrow('no /err/ on stdout within 200 ms');
    started.child.kill('SIGTERM');
    expect((await started.exited).signal).toBe('SIGTERM');
    await expect(started.waitFor(/never/)).rejects.toThrow('exited without /never/\nstdout: out 1');
  });

  it('kills a process that outlives its deadline', async () => {
    await using dir = await tempDir('janitor-testkit-test-');
    const started = processes.start('-e', [IDLE], { cwd: dir.path, timeoutMs: 300 });
    await expect(started.exited).rejects.toThrow(`${IDLE}: still running after 300 ms`);
    await expect(started.waitForStdout(/x/)).rejects.toThrow('exited without /x/ on stdout');
  });

  it('killLeftovers ends only the processes started through the same set', async () => {
    await using dir = await tempDir('janitor-testkit-test-');
    const mine = nodeProcesses();
    const a = mine.start('-e', [IDLE], { cwd: dir.path });
    const b = processes.start('-e', [IDLE], { cwd: dir.path });
    mine.killLeftovers();
    expect((await a.exited).signal).toBe('SIGKILL');
    expect(b.child.exitCode).toBeNull();
    b.child.kill('SIGTERM');
    expect((await b.exited).signal).toBe('SIGTERM');
  });
});

describe('tempDir', () => {
  it('makes a folder with the prefix and removes it on dispose', async () => {
    let path: string;
    {
      await using dir = await tempDir('janitor-testkit-test-');
      path = dir.path;
      expect(path).toContain('janitor-testkit-test-');
      expect(existsSync(path)).toBe(true);
    }
    expect(existsSync(path)).toBe(false);
  });
});

describe('closedPort', () => {
  it('is a port nothing listens on, free to bind', async () => {
    const port = await closedPort();
    expect(port).toBeGreaterThan(0);
    await expect(fetch(`http://127.0.0.1:${port}/`)).rejects.toThrow();
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
});

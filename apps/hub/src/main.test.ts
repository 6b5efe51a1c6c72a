// janitor-hub run as a user runs it: one log line per request with the sender's address, a loud warning without
// tokens, a graceful stop on SIGTERM, and nothing acknowledged lost to a SIGKILL.
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { openStore } from '@janitor/store';
import { type FakeMastodon, startFakeMastodon } from '@janitor/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { HUB_MAIN, killLeftoverHubs, type ProcessLogLine, startHubProcess, tempDir } from './hub.test-support.ts';

const HUB_TOKEN = 'hub-token-0123456789abcdef';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

afterEach(() => killLeftoverHubs());

function configFor(dir: string, mastodonUrl = 'http://127.0.0.1:9'): Record<string, unknown> {
  return {
    // Posting for real: left out, dry_run is true (what config.yaml.dist shows).
    app: { state_dir: join(dir, 'state'), run_control: { dry_run: false } },
    mastodon: {
      api_base_url: mastodonUrl,
      instance_type: 'pleroma',
      credentials: { user_file: join(dir, 'user.secret'), client_file: join(dir, 'client.secret') },
      status_post: { content_type: 'text/markdown', visibility: 'public' },
    },
  };
}

const post = (url: string, body: string, headers: Record<string, string> = FORM) =>
  fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });

describe('janitor-hub as a process', () => {
  it('logs one line per request with the sender, warns loudly without tokens, stops on SIGINT', async () => {
    const dir = tempDir();
    try {
      const hub = await startHubProcess({ dir: dir.path, config: configFor(dir.path), args: ['--dry-run'] });
      const warning = await hub.waitForLine((l) => /NO TOKENS CONFIGURED/.test(l.message));
      expect(warning.level).toBe('WARN');

      const health = await fetch(`${hub.url}/health`, { signal: AbortSignal.timeout(5000) });
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({ status: 'ready', publisher: 'dry-run', store: { writable: true } });
      expect((await post(`${hub.url}/message`, 'hostname=MyHostname&message=This+is+a+test+message')).status).toBe(200);
      const sysinfo = await post(`${hub.url}/sysinfo`, '{"sys_data": {"hostname": "h", "cpu_percent": 95}}', {
        'content-type': 'application/json',
      });
      expect(sysinfo.status).toBe(200);
      expect((await post(`${hub.url}/message`, 'hostname=h')).status).toBe(400);
      expect((await fetch(`${hub.url}/nope`, { signal: AbortSignal.timeout(5000) })).status).toBe(404);

      const requests = (await waitForRequests(hub, 5)).map((l) => [l.method, l.path, l.status]);
      expect(requests).toEqual([
        ['GET', '/health', 200],
        ['POST', '/message', 200],
        ['POST', '/sysinfo', 200],
        ['POST', '/message', 400],
        ['GET', '/nope', 404],
      ]);
      for (const line of hub.lines().filter((l) => l.message === 'request')) {
        expect(line.from).toMatch(/^(::ffff:)?127\.0\.0\.1$/);
      }
      // Dry run: both accepted posts leave the outbox as log lines.
      await hub.waitForLine((l) => l.message === 'posted' && l.entry === 2);

      hub.child.kill('SIGINT');
      const exit = await hub.exited(8000);
      expect(exit.code).toBe(0);
      expect(hub.lines().some((l) => l.message === 'stopping' && l.signal === 'SIGINT')).toBe(true);
      expect(hub.lines().at(-1)?.message).toBe('hub stopped');
    } finally {
      dir.remove();
    }
  });

  it('without Mastodon credentials runs dry, says so once, and keeps none of the posts it logs', async () => {
    const dir = tempDir();
    try {
      // dry_run: false in the config, but no token anywhere.
      const hub = await startHubProcess({ dir: dir.path, config: configFor(dir.path) });
      expect(hub.lines().find((l) => l.message === 'hub listening')).toMatchObject({ dryRun: true });
      expect((await post(`${hub.url}/message`, 'hostname=h&message=only+a+test')).status).toBe(200);
      await hub.waitForLine((l) => l.message === 'posted' && l.entry === 1);
      const health = await fetch(`${hub.url}/health`, { signal: AbortSignal.timeout(5000) });
      expect(health.status).toBe(200);
      expect(await health.json()).toMatchObject({
        status: 'ready',
        publisher: 'dry-run',
        dryRunBecause: 'no-credentials',
        outbox: { pending: 0, dead: 0 },
      });
      hub.child.kill('SIGTERM');
      expect((await hub.exited(8000)).code).toBe(0);
      const said = hub.lines().filter((l) => /no Mastodon/.test(l.message));
      expect(said.map((l) => l.level)).toEqual(['WARN']);
      expect(said[0]?.message).toMatch(/dry run/);
    } finally {
      dir.remove();
    }
  });

  it('with JANITOR_HUB_TOKEN wants the token even from loopback, and never logs it', async () => {
    const dir = tempDir();
    try {
      const hub = await startHubProcess({
        dir: dir.path,
        config: configFor(dir.path),
        args: ['--dry-run'],
        env: { JANITOR_HUB_TOKEN: HUB_TOKEN },
      });
      const without = await post(`${hub.url}/message`, 'hostname=h&message=m');
      expect(without.status).toBe(401);
      expect(await without.json()).toMatchObject({ field: 'authorization' });
      const wrong = await post(`${hub.url}/message`, 'hostname=h&message=m', { ...FORM, authorization: 'Bearer nope' });
      expect(wrong.status).toBe(401);
      const right = await post(`${hub.url}/message`, 'hostname=h&message=m', {
        ...FORM,
        authorization: `Bearer ${HUB_TOKEN}`,
      });
      expect(right.status).toBe(200);
      await waitForRequests(hub, 3);
      hub.child.kill('SIGTERM');
      expect((await hub.exited(8000)).code).toBe(0);
      expect(hub.output()).not.toMatch(/NO TOKENS/);
      expect(hub.output()).not.toContain(HUB_TOKEN);
    } finally {
      dir.remove();
    }
  });

  it('on SIGTERM finishes the request in flight, closes keep-alive sockets and exits 0 within a few seconds', async () => {
    const dir = tempDir();
    const agent = new Agent({ keepAlive: true, maxSockets: 3 });
    try {
      const hub = await startHubProcess({ dir: dir.path, config: configFor(dir.path), args: ['--dry-run'] });
      const { port } = new URL(hub.url);

      // Three idle keep-alive connections, and one that never sent a request.
      const idle = await Promise.all([1, 2, 3].map(() => keepAliveRequest(agent, hub.url)));
      expect(idle.map((r) => r.status)).toEqual([200, 200, 200]);
      const sockets = idle.map((r) => r.socket);
      const silent = await openSocket(Number(port));
      const closed = [...sockets, silent].map((s) => new Promise<void>((resolve) => s.once('close', () => resolve())));

      // A request in flight: headers sent, the server has begun it (100 Continue), the body is still to come.
      const body = 'hostname=slow&message=sent+after+SIGTERM';
      const inFlight = await openSocket(Number(port));
      const answer = readResponse(inFlight);
      inFlight.write(
        `POST /message HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n` +
          `Content-Length: ${body.length}\r\nExpect: 100-continue\r\n\r\n`,
      );
      await answer.continued;

      const signalledAt = performance.now();
      hub.child.kill('SIGTERM');
      await hub.waitForLine((l) => l.message === 'stopping');
      // The idle connections go at once; the one in flight stays open for its answer.
      await withDeadline(Promise.all(closed.slice(0, 3)), 3000, 'the idle keep-alive sockets to close');
      await withDeadline(closed[3]!, 3000, 'the silent socket to close');
      inFlight.write(body);
      const response = await answer.done;
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toMatchObject({ status: 'queued' });

      const exit = await hub.exited(8000);
      expect(exit.code).toBe(0);
      expect(performance.now() - signalledAt).toBeLessThan(6000);
      expect(hub.lines().at(-1)?.message).toBe('hub stopped');
      // Three keep-alive requests and the one in flight, each logged once.
      const logged = hub.lines().filter((l) => l.message === 'request');
      expect(logged.map((l) => [l.path, l.status])).toEqual(Array(4).fill(['/message', 200]));
    } finally {
      agent.destroy();
      dir.remove();
    }
  });
});

describe('SIGTERM while a post hangs on an unresponsive server', () => {
  let fake: FakeMastodon | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('still exits 0 within a few seconds, and keeps the unconfirmed post for the next start', async () => {
    const dir = tempDir();
    fake = await startFakeMastodon({ flavour: 'pleroma', postRateLimit: false });
    fake.failNext({ kind: 'stall' }, { path: '/api/v1/statuses' });
    const config = configFor(dir.path, fake.url);
    try {
      const env = { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' };
      const hub = await startHubProcess({ dir: dir.path, config, env });
      expect((await post(`${hub.url}/message`, 'hostname=h&message=stalled')).status).toBe(200);
      await fake.waitFor(() => fake?.requests.some((r) => r.path === '/api/v1/statuses'));

      const signalledAt = performance.now();
      hub.child.kill('SIGTERM');
      const exit = await hub.exited(15_000);
      expect(exit.code).toBe(0);
      expect(performance.now() - signalledAt).toBeLessThan(6000);
      expect(hub.lines().some((l) => l.level === 'WARN' && /still in flight at shutdown/.test(l.message))).toBe(true);
      expect(hub.lines().at(-1)?.message).toBe('hub stopped');

      // Never confirmed, so still owed: the next start posts it.
      const again = await startHubProcess({ dir: dir.path, config, env });
      const status = await fake.waitFor(() => fake?.statuses[0]);
      expect(status.status).toBe('h:\n\nstalled');
      again.child.kill('SIGTERM');
      expect((await again.exited(8000)).code).toBe(0);
    } finally {
      dir.remove();
    }
  }, 30_000);
});

describe('SIGKILL during a burst of /message requests', () => {
  let fake: FakeMastodon | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('loses nothing it acknowledged: every 200 is in the outbox, and posted exactly once after a restart', async () => {
    const dir = tempDir();
    fake = await startFakeMastodon({ flavour: 'pleroma', postRateLimit: false });
    const config = configFor(dir.path, fake.url);
    // The fake plays a server without posting limits here, so the hub need not pace (that has its own tests).
    (config.mastodon as { status_post: Record<string, unknown> }).status_post.pacing = false;
    try {
      // A Mastodon token the server refuses: the hub accepts and queues, and posting pauses.
      const first = await startHubProcess({ dir: dir.path, config, env: { JANITOR_MASTODON_ACCESS_TOKEN: 'revoked' } });
      expect((await post(`${first.url}/message`, 'hostname=burst&message=first')).status).toBe(200);
      await waitForHealth(first.url, (h) => (h as { publisher?: string }).publisher === 'token-refused');

      const acked = new Map<number, string>([[1, 'first']]);
      const TOTAL = 400;
      const KILL_AFTER = 120;
      let next = 0;
      let killed = false;
      const worker = async () => {
        while (next < TOTAL) {
          const n = next++;
          const text = `burst message ${n}`;
          try {
            const res = await post(
              `${first.url}/message`,
              new URLSearchParams({ hostname: 'burst', message: text }).toString(),
            );
            if (res.status === 200) acked.set(((await res.json()) as { id: number }).id, text);
          } catch {
            // Cut off by the kill: not acknowledged, so the hub owes nothing for it.
          }
          if (!killed && acked.size >= KILL_AFTER) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        }
      };
      await Promise.all(Array.from({ length: 16 }, worker));
      const exit = await first.exited(5000);
      expect(exit.signal).toBe('SIGKILL');
      expect(acked.size).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(acked.size).toBeLessThan(TOTAL);

      const store = openStore({ path: join(dir.path, 'state', 'janitor.db') });
      const entries = store.outbox.list();
      store.close();
      const queued = new Map(entries.map((e) => [e.id, (e.payload as { message: { text: string } }).message.text]));
      for (const [id, text] of acked) expect(queued.get(id), `entry ${id}`).toBe(text);

      // Restarted with a token: it posts everything it holds, each once.
      const second = await startHubProcess({
        dir: dir.path,
        config,
        env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' },
      });
      await fake.waitFor(() => fake?.statuses.length === queued.size, { timeoutMs: 15_000 });
      await waitForHealth(second.url, (h) => h.outbox.pending === 0);
      const posted = fake.statuses.map((s) => s.status);
      expect(posted).toHaveLength(queued.size);
      expect(new Set(posted).size).toBe(posted.length);
      for (const text of acked.values()) expect(posted).toContain(`burst:\n\n${text}`);

      second.child.kill('SIGTERM');
      expect((await second.exited(8000)).code).toBe(0);
    } finally {
      dir.remove();
    }
  }, 30_000);
});

async function waitForRequests(
  hub: { lines(): ProcessLogLine[]; waitForLine: (m: (l: ProcessLogLine) => boolean) => Promise<ProcessLogLine> },
  n: number,
) {
  await hub.waitForLine(() => hub.lines().filter((l) => l.message === 'request').length >= n);
  return hub.lines().filter((l) => l.message === 'request');
}

async function waitForHealth(url: string, ok: (h: { outbox: { pending: number } }) => boolean, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const health = (await (await fetch(`${url}/health`, { signal: AbortSignal.timeout(5000) })).json()) as {
      outbox: { pending: number };
    };
    if (ok(health)) return health;
    if (Date.now() > deadline) throw new Error(`health never as expected: ${JSON.stringify(health)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function withDeadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** A POST over a keep-alive agent; resolves with the status and the socket, which the agent keeps open. */
function keepAliveRequest(agent: Agent, url: string): Promise<{ status: number; socket: Socket }> {
  return withDeadline(
    new Promise((resolve, reject) => {
      const req = httpRequest(`${url}/message`, { method: 'POST', agent, headers: FORM }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, socket: req.socket as Socket }));
      });
      req.on('error', reject);
      req.end('hostname=keepalive&message=hello');
    }),
    5000,
    'a keep-alive request',
  );
}

function openSocket(port: number): Promise<Socket> {
  return withDeadline(
    new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
      socket.on('error', reject);
    }),
    5000,
    'a connection',
  );
}

/** Reads one HTTP response from `socket`: `continued` on a 100 Continue, `done` with the final answer. */
function readResponse(socket: Socket) {
  let text = '';
  let onContinue: () => void = () => {};
  const continued = withDeadline(
    new Promise<void>((resolve) => {
      onContinue = resolve;
    }),
    5000,
    '100 Continue',
  );
  const done = withDeadline(
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      socket.setEncoding('utf8');
      socket.on('error', reject);
      socket.on('data', (chunk: string) => {
        text += chunk;
        if (text.startsWith('HTTP/1.1 100')) {
          const end = text.indexOf('\r\n\r\n');
          if (end === -1) return;
          text = text.slice(end + 4);
          onContinue();
        }
        const end = text.indexOf('\r\n\r\n');
        if (end === -1) return;
        const length = Number(/content-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1] ?? 0);
        if (text.length - end - 4 < length) return;
        resolve({ status: Number(text.slice(9, 12)), body: text.slice(end + 4, end + 4 + length) });
      });
    }),
    8000,
    'the answer to the request in flight',
  );
  return { continued, done };
}

describe('a hub that cannot start', () => {
  /** Runs janitor-hub to its end (it must end by itself): exit status, stderr, and whether it ever listened. */
  function runToEnd(dir: string, config: Record<string, unknown>) {
    const configPath = join(dir, 'config.yaml');
    writeFileSync(configPath, JSON.stringify({ ...config, logger: { style: 'json', ...(config.logger as object) } }));
    const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('JANITOR_')));
    const argv = [HUB_MAIN, '--config', configPath, '--port', '0', '--dry-run'];
    const r = spawnSync(process.execPath, argv, {
      cwd: dir,
      env: { ...base, HOME: dir },
      encoding: 'utf8',
      timeout: 15_000,
    });
    return { status: r.status, signal: r.signal, stderr: r.stderr, listened: /hub listening/.test(r.stderr) };
  }

  it('stops at once with one line and exit 3 when its log file cannot be opened, before it listens', () => {
    const dir = tempDir();
    try {
      // A dangling link: the path looks creatable, and opening it fails.
      symlinkSync(join(dir.path, 'no-such-folder', 'hub.log'), join(dir.path, 'hub.log'));
      const r = runToEnd(dir.path, {
        ...configFor(dir.path),
        logger: { to_file: true, filename: join(dir.path, 'hub.log') },
      });
      expect(r.signal).toBeNull();
      expect(r.status).toBe(3);
      expect(r.listened).toBe(false);
      expect(r.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^janitor-hub: cannot open the log file .*hub\.log \(logger\.filename\): ENOENT/),
      ]);
    } finally {
      dir.remove();
    }
  });

  it('stops with one line and exit 1 when the alert tables are damaged, before it listens', () => {
    const dir = tempDir();
    try {
      const path = join(dir.path, 'state', 'janitor.db');
      openStore({ path }).close();
      damageTable(path, 'alert_state');
      const r = runToEnd(dir.path, configFor(dir.path));
      expect(r.signal).toBeNull();
      expect(r.status).toBe(1);
      expect(r.listened).toBe(false);
      expect(r.stderr.trim().split('\n')).toEqual([
        expect.stringMatching(/^janitor-hub: cannot start: .*janitor\.db.*malformed/),
      ]);
    } finally {
      dir.remove();
    }
  });
});

describe('a log file that cannot be written while the hub runs', () => {
  it('never makes /message answer an error after queueing: each message is answered 200 and posted once', async () => {
    const dir = tempDir();
    try {
      // The file is already as large as the process may make a file (a full disk for the log alone): every write
      // of the log fails with EFBIG, while the small database still has room.
      const logFile = join(dir.path, 'hub.log');
      writeFileSync(logFile, Buffer.alloc(8 * 1024 * 1024, 0x2e));
      const hub = await startHubProcess({
        dir: dir.path,
        config: { ...configFor(dir.path), logger: { to_file: true, filename: logFile } },
        args: ['--dry-run'],
        shell: 'ulimit -f 8192',
      });
      for (let i = 1; i <= 5; i += 1) {
        const res = await post(`${hub.url}/message`, `hostname=h&message=m${i}&mesage_type=error`);
        expect(res.status).toBe(200);
      }
      await hub.waitForLine(() => hub.lines().filter((l) => l.message === 'posted').length === 5);
      // The log's buffer is written within a second: then the failure is said, once.
      await hub.waitForLine(() => /cannot write the log file/.test(hub.output()));
      expect(hub.output().match(/cannot write the log file/g)).toHaveLength(1);
      hub.child.kill('SIGTERM');
      expect((await hub.exited(8000)).code).toBe(0);
      expect(
        hub
          .lines()
          .filter((l) => l.message === 'posted')
          .map((l) => l.entry),
      ).toEqual([1, 2, 3, 4, 5]);
      expect(hub.output()).not.toMatch(/^\s+at /m);
    } finally {
      dir.remove();
    }
  });
});

/** Overwrites the root page of `table` with garbage, as a damaged disk would leave it. */
function damageTable(path: string, table: string): void {
  const db = new DatabaseSync(path);
  const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_master WHERE name = ?').get(table) as {
    rootpage: number;
  };
  const { page_size: pageSize } = db.prepare('PRAGMA page_size').get() as { page_size: number };
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  db.close();
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (rootpage - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
}

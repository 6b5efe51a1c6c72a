// End to end against the original's goldens: the hub as main.ts wires it (createHubService: store, publisher, outbox
// worker) posting to a fake Pleroma with the original's shipped defaults. Every golden request, the original client's
// exact request and the seed's curl line must get 200 and make the post the original made.
//
// Twice: with `alerting.mode: every_report` (the original's behaviour) one hub takes every case in a row, as the
// original did; with the lifecycle (the default) each case meets a fresh hub and store, because a host's first
// crossing report posts exactly what the original posted, while a later one of the same host (still firing, or its
// recovery) is the lifecycle's business (lifecycle.test.ts).
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { type FakeMastodon, type Golden, goldens, startFakeMastodon } from '@janitor/testkit';
import type { Context } from 'hono';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { captureLogger, goldenConfigData, hubConfig, remoteFromEnv, tempDir, until } from './hub.test-support.ts';
import { createHubService, type HubService } from './service.ts';

/**
 * accepted_differences[0]: "A float that the JSON input wrote as 90.0 may print as 90". JSON cannot tell 90.0 from
 * 90, so a whole number with `.0` in the golden text is compared as the whole number.
 */
const acceptingWholeFloats = (text: string) => text.replace(/(\d)\.0(?!\d)/g, '$1');

/** The part of a recorded status the goldens describe; an absent content warning is null, as the goldens write it. */
const postOf = (s: { status: string; spoilerText: string; visibility: string; contentType: string | null }) => ({
  status: s.status,
  spoiler_text: s.spoilerText === '' ? null : s.spoilerText,
  visibility: s.visibility,
  content_type: s.contentType,
});

const expected = (posted: NonNullable<Golden['posted']>) => ({
  ...posted,
  status: acceptingWholeFloats(posted.status),
});

function requestOf(golden: Golden): RequestInit {
  const { request } = golden;
  const body = request.form ? new URLSearchParams(request.form).toString() : JSON.stringify(request.json);
  return { method: request.method, headers: { 'content-type': request.content_type }, body };
}

/** In app.request the tests name the sender; behind a real server the socket does. */
const remoteAddress = (c: Context) => remoteFromEnv(c) ?? getConnInfo(c).remote.address;

describe.each([
  { mode: 'every_report', fresh: false },
  { mode: 'lifecycle', fresh: true },
] as const)(
  'the hub (alerting.mode $mode) replays the original v0.1 goldens onto a fake Pleroma',
  ({ mode, fresh }) => {
    const dir = tempDir();
    const logger = captureLogger();
    let fake: FakeMastodon;
    let service: HubService;
    let server: ReturnType<typeof serve>;
    let url: string;
    let stores = 0;

    async function startService(): Promise<HubService> {
      const raw = { ...goldenConfigData(dir.path, fake.url), alerting: { mode } };
      stores += 1;
      const started = createHubService({
        config: hubConfig(raw, dir.path),
        logger,
        dryRun: false,
        remoteAddress,
        env: { JANITOR_MASTODON_ACCESS_TOKEN: 'test-token' },
        storePath: join(dir.path, `state-${stores}`, 'janitor.db'),
        checkIntervalMs: 0,
      });
      await started.start();
      return started;
    }

    beforeAll(async () => {
      fake = await startFakeMastodon({ flavour: 'pleroma', postRateLimit: false });
      service = await startService();
      server = await new Promise((resolve) => {
        // Through `service` as it is now: the lifecycle run replaces it before each case.
        const s = serve({ fetch: (req, env) => service.app.fetch(req, env), hostname: '127.0.0.1', port: 0 }, () =>
          resolve(s),
        );
      });
      const address = server.address();
      if (address === null || typeof address === 'string') throw new Error('no port');
      url = `http://127.0.0.1:${address.port}`;
    });

    afterAll(async () => {
      await new Promise<void>((resolve) => {
        server?.close(() => resolve());
        (server as import('node:http').Server | undefined)?.closeAllConnections();
      });
      await service?.close();
      await fake?.close();
      dir.remove();
    });

    beforeEach(async () => {
      if (!fresh) return;
      await service.close();
      service = await startService();
    });

    /** Sends through `send`, expects 200, then waits for the one post it makes (or checks it queued none). */
    async function expectPost(send: () => Promise<{ status: number; body: string }>, posted: Golden['posted']) {
      const before = fake.statuses.length;
      const res = await send();
      expect(res.status, res.body).toBe(200);
      if (posted === null) {
        expect(JSON.parse(res.body)).toMatchObject({ status: 'ok', crossed: [] });
        expect(service.store.outbox.counts().pending).toBe(0);
        return;
      }
      expect(JSON.parse(res.body)).toMatchObject({ status: 'queued' });
      const status = await fake.waitFor(() => fake.statuses[before], { timeoutMs: 5000 });
      expect(postOf(status)).toEqual(expected(posted));
      // Exactly one post, and the outbox let go of it.
      await until(() => service.store.outbox.counts().pending === 0, 'the outbox to empty');
      expect(fake.statuses.length).toBe(before + 1);
    }

    const appRequest = (path: string, init: RequestInit) => async () => {
      const res = await service.app.request(path, init, { remote: '127.0.0.1' });
      return { status: res.status, body: await res.text() };
    };

    it('has the cases this suite relies on', () => {
      expect(goldens.cases.length).toBeGreaterThanOrEqual(8);
      expect(goldens.cases.some((c) => c.request.path === '/message')).toBe(true);
      expect(goldens.cases.some((c) => c.request.path === '/sysinfo' && c.posted === null)).toBe(true);
      expect(service.publisherState).toBe('ready');
    });

    it.each(goldens.cases.map((c) => [c.name, c] as const))('%s', async (_name, golden) => {
      expect(golden.response_status).toBe(200);
      await expectPost(appRequest(golden.request.path, requestOf(golden)), golden.posted);
    });

    it('the same form cases as JSON bodies make the same posts', async () => {
      for (const golden of goldens.cases.filter((c) => c.request.form)) {
        const init = {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(golden.request.form),
        };
        await expectPost(appRequest('/message', init), golden.posted);
      }
    });

    const remote = goldens.remote_client_request;
    const realPayload = goldens.cases.find((c) => c.name === 'sysinfo, real payload, only cpu over');

    it("accepts the original client's request byte for byte (nothing crosses: 200, no post)", async () => {
      expect(remote.body).toContain('"cpu_percent": 26.8');
      await expectPost(
        appRequest(remote.path, { method: remote.method, headers: remote.headers, body: remote.body }),
        null,
      );
    });

    it("posts the golden report for the original client's bytes with the CPU over its limit", async () => {
      if (!realPayload?.posted) throw new Error('golden case missing');
      const body = remote.body.replace('"cpu_percent": 26.8', '"cpu_percent": 91.2');
      expect(JSON.parse(body)).toEqual(realPayload.request.json);
      await expectPost(
        appRequest(remote.path, { method: remote.method, headers: remote.headers, body }),
        realPayload.posted,
      );
    });

    it("takes the original client's request over a real socket, exactly as python-requests wrote it", async () => {
      if (!realPayload?.posted) throw new Error('golden case missing');
      const body = Buffer.from(remote.body.replace('"cpu_percent": 26.8', '"cpu_percent": 91.2'), 'utf8');
      const { port } = new URL(url);
      const head = [
        `${remote.method} ${remote.path} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        ...Object.entries(remote.headers).map(([k, v]) => `${k}: ${v}`),
        `Content-Length: ${body.length}`,
        '',
        '',
      ].join('\r\n');
      await expectPost(
        () => rawExchange(Number(port), Buffer.concat([Buffer.from(head, 'latin1'), body])),
        realPayload.posted,
      );
    });

    it("the seed's curl line works as written", async () => {
      const seed = {
        status: 'MyHostname:\n\nThis is a test message',
        spoiler_text: null,
        visibility: 'public',
        content_type: 'text/markdown',
      };
      await expectPost(
        () => curl(['-X', 'POST', '-d', 'hostname=MyHostname&message=This+is+a+test+message', `${url}/message`]),
        seed,
      );
    });

    it('curl -F (a multipart form) is read like the form', async () => {
      const seed = {
        status: '\u2139\uFE0F MyHostname:\n\nmultipart works',
        spoiler_text: null,
        visibility: 'public',
        content_type: 'text/markdown',
      };
      await expectPost(
        () =>
          curl([
            '-F',
            'hostname=MyHostname',
            '-F',
            'message=multipart works',
            '-F',
            'message_type=INFO',
            `${url}/message`,
          ]),
        seed,
      );
    });

    it('logged every request with the address it came from, and no request failed', () => {
      const requests = logger.lines.filter((l) => l.message === 'request');
      expect(requests.length).toBeGreaterThanOrEqual(goldens.cases.length + 4);
      expect(requests.every((l) => l.fields.from === '127.0.0.1')).toBe(true);
      expect(logger.lines.filter((l) => l.level === 'error')).toEqual([]);
    });
  },
);

/** Writes `bytes` to a fresh connection and reads one HTTP/1.1 response (Content-Length framed). */
function rawExchange(port: number, bytes: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('no answer within 5 s'));
    }, 5000);
    let received = Buffer.alloc(0);
    socket.on('error', reject);
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const text = received.toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/content-length:\s*(\d+)/i.exec(text.slice(0, end))?.[1] ?? Number.NaN);
      const body = received.subarray(Buffer.byteLength(text.slice(0, end + 4)));
      if (!(body.length >= length)) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({ status: Number(text.slice(9, 12)), body: body.toString('utf8') });
    });
    socket.write(bytes);
  });
}

let curlAvailable: Promise<boolean> | undefined;

/** Runs the real curl when the machine has one, else fetch with the same body and content type curl sends. */
async function curl(args: string[]): Promise<{ status: number; body: string }> {
  curlAvailable ??= new Promise((resolve) => execFile('curl', ['--version'], (error) => resolve(!error)));
  if (await curlAvailable) {
    return new Promise((resolve, reject) => {
      execFile(
        'curl',
        ['-sS', '--max-time', '5', '-w', '\n%{http_code}', ...args],
        { timeout: 10_000 },
        (error, stdout) => {
          if (error) return reject(error);
          const cut = stdout.lastIndexOf('\n');
          resolve({ status: Number(stdout.slice(cut + 1)), body: stdout.slice(0, cut) });
        },
      );
    });
  }
  const target = args.at(-1) ?? '';
  const fields = args.flatMap((a, i) => (args[i - 1] === '-F' ? [a] : []));
  let body: RequestInit['body'];
  if (fields.length > 0) {
    const data = new FormData();
    for (const f of fields) data.append(f.slice(0, f.indexOf('=')), f.slice(f.indexOf('=') + 1));
    body = data;
  } else {
    body = new Blob([args[args.indexOf('-d') + 1] ?? ''], { type: 'application/x-www-form-urlencoded' });
  }
  const res = await fetch(target, { method: 'POST', body, signal: AbortSignal.timeout(5000) });
  return { status: res.status, body: await res.text() };
}

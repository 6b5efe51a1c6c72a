// One log line per request, whatever its outcome, with the sender's address.
import { describe, expect, it } from 'vitest';
import { captureLogger, form, GOOD_MESSAGE, json, startHub } from './hub.test-support.ts';

describe('the request log', () => {
  it('has one line per request with method, path, status, time and the sender', async () => {
    const hub = startHub({
      service: { tokens: [{ name: 'agents', token: 'agent-token-0123456789abcdef' }], allow_networks: ['10.0.0.0/8'] },
    });
    try {
      const sent: [string, RequestInit, string, number][] = [
        ['/message', GOOD_MESSAGE, '10.1.1.1', 200],
        ['/sysinfo', json({ sys_data: { hostname: 'h', cpu_percent: 99 } }), '10.1.1.2', 200],
        ['/message', form({ hostname: 'h' }), '10.1.1.3', 400],
        ['/message', GOOD_MESSAGE, '203.0.113.5', 401],
        ['/message', { method: 'GET' }, '2001:db8::5', 405],
        ['/nope', { method: 'GET' }, '::ffff:10.9.9.9', 404],
        ['/health', { method: 'GET' }, '198.51.100.1', 200],
      ];
      for (const [path, init, from, status] of sent) {
        expect((await hub.request(path, init, from)).status).toBe(status);
      }
      const lines = hub.logger.lines.filter((l) => l.message === 'request');
      expect(lines.map((l) => [l.fields.method, l.fields.path, l.fields.status, l.fields.from])).toEqual(
        sent.map(([path, init, from, status]) => [init.method, path, status, from]),
      );
      for (const line of lines) {
        expect(line.level).toBe('info');
        expect(line.fields.ms).toEqual(expect.any(Number));
      }
    } finally {
      hub.close();
    }
  });

  it('logs a request the hub failed to store, and the failure once', async () => {
    const hub = startHub();
    hub.store.close();
    try {
      expect((await hub.request('/message', GOOD_MESSAGE, '192.168.1.9')).status).toBe(503);
      expect(hub.logger.lines.map((l) => [l.level, l.message, l.fields.from])).toEqual([
        ['error', 'request failed', undefined],
        ['info', 'request', '192.168.1.9'],
      ]);
    } finally {
      hub.close();
    }
  });

  it('says "unknown" when the sender cannot be told', async () => {
    const hub = startHub({ deps: { remoteAddress: () => undefined } });
    try {
      expect((await hub.request('/health')).status).toBe(200);
      expect(hub.logger.lines.find((l) => l.message === 'request')?.fields.from).toBe('unknown');
    } finally {
      hub.close();
    }
  });
});

describe('a logger that fails (a log file it cannot open)', () => {
  it('never turns a kept message or report into an error answer: each is answered 200 and kept once', async () => {
    const failing = captureLogger();
    const broken = () => {
      throw Object.assign(new Error("ENOENT: no such file or directory, open '/var/log/janitor/hub.log'"), {
        code: 'ENOENT',
      });
    };
    const hub = startHub({ deps: { logger: { ...failing, info: broken, warn: broken, error: broken } } });
    try {
      // A request line after the enqueue, and a warning line for the ignored field: both throw.
      const message = await hub.request('/message', form({ hostname: 'h', message: 'm', mesage_type: 'error' }));
      expect(message.status).toBe(200);
      expect(await message.json()).toMatchObject({ status: 'queued', ignored: ['mesage_type'] });
      const report = await hub.request('/sysinfo', json({ sys_data: { hostname: 'h', cpu_percent: 99 } }));
      expect(report.status).toBe(200);
      expect(hub.store.outbox.counts().pending).toBe(2);
      // A failed request too: the onError line throws, the answer is still the 503 the sender may retry.
      hub.store.close();
      expect((await hub.request('/message', GOOD_MESSAGE)).status).toBe(503);
    } finally {
      hub.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { parseUptimeKumaWebhook } from './uptime-kuma-webhook.ts';

// The body of Uptime Kuma's webhook provider (server/notification-providers/webhook.js): { heartbeat, monitor, msg },
// the heartbeat as Monitor.sendNotification enriches it, the monitor as toJSON writes it (fields trimmed here).
function down(): Record<string, unknown> {
  return {
    heartbeat: {
      monitorID: 29,
      status: 0,
      time: '2024-09-24 23:51:35.527',
      msg: 'getaddrinfo ENOTFOUND test.com',
      important: true,
      duration: 0,
      timezone: 'America/Los_Angeles',
      timezoneOffset: '-07:00',
      localDateTime: '2024-09-24 16:51:35',
    },
    monitor: { id: 29, name: 'Test', url: 'https://test.com', hostname: null, port: null, type: 'http' },
    msg: '[Test] [🔴 Down] getaddrinfo ENOTFOUND test.com',
  };
}

describe('parseUptimeKumaWebhook', () => {
  it('reads a monitor going down as a firing alarm keyed by the monitor’s id, its host from its URL', () => {
    const parsed = parseUptimeKumaWebhook(down());
    expect(parsed).toEqual({
      ok: true,
      value: {
        kind: 'alert',
        alert: {
          source: 'uptime-kuma',
          key: '29',
          status: 'firing',
          type: 'alarm',
          title: 'Test',
          text: 'getaddrinfo ENOTFOUND test.com',
          host: 'test.com',
          url: 'https://test.com/',
        },
      },
    });
  });

  it('reads a monitor coming back up as its resolution, and prefers the monitor’s hostname', () => {
    const body = down();
    body.heartbeat = { ...(body.heartbeat as object), status: 1, msg: '200 - OK' };
    body.monitor = { id: 29, name: 'Test', hostname: 'nas.lan', url: null, type: 'ping' };
    const parsed = parseUptimeKumaWebhook(body);
    expect(parsed.ok && parsed.value).toEqual({
      kind: 'alert',
      alert: {
        source: 'uptime-kuma',
        key: '29',
        status: 'resolved',
        type: 'info',
        title: 'Test',
        text: '200 - OK',
        host: 'nas.lan',
      },
    });
  });

  it.each([
    [2, 'pending'],
    [3, 'maintenance'],
  ])('ignores status %s (%s)', (status, reason) => {
    const body = down();
    body.heartbeat = { ...(body.heartbeat as object), status };
    const parsed = parseUptimeKumaWebhook(body);
    expect(parsed.ok && parsed.value).toEqual({ kind: 'ignored', reason: expect.stringContaining(reason) });
  });

  it('reads the Test button’s body (no heartbeat, no monitor) as a message', () => {
    const parsed = parseUptimeKumaWebhook({ heartbeat: null, monitor: null, msg: 'My Webhook Testing' });
    expect(parsed.ok && parsed.value).toEqual({
      kind: 'test',
      message: { text: 'My Webhook Testing', type: 'info', summary: 'Uptime Kuma' },
    });
  });

  it.each([
    ['not an object', [], 'body'],
    ['no heartbeat and no msg', { heartbeat: null, msg: '' }, 'heartbeat'],
    ['a status out of range', { heartbeat: { status: 7 } }, 'heartbeat.status'],
    ['a status that is no number', { heartbeat: { status: 'down' } }, 'heartbeat.status'],
    ['no monitor', { monitor: null }, 'monitor'],
    ['a monitor without id', { monitor: { name: 'x' } }, 'monitor.id'],
    ['a monitor name that is no string', { monitor: { id: 1, name: 5 } }, 'monitor.name'],
    ['a heartbeat msg that is no string', { heartbeat: { status: 0, msg: {} } }, 'heartbeat.msg'],
  ])('refuses %s, naming the field', (_, patch, field) => {
    const body = Array.isArray(patch) ? patch : { ...down(), ...patch };
    const parsed = parseUptimeKumaWebhook(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.error).toMatchObject({ status: 400, field });
  });
});

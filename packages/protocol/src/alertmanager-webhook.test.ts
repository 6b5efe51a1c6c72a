import { describe, expect, it } from 'vitest';
import { alertmanagerAlerts, parseAlertmanagerWebhook, parseGrafanaWebhook } from './alertmanager-webhook.ts';
import { WIRE_LIMITS } from './wire-limits.ts';

// What Alertmanager 0.25 sent (recorded from the real program; the hub's fixtures keep the whole payloads).
function firing(): Record<string, unknown> {
  return {
    receiver: 'janitor',
    status: 'firing',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'HighCPU', instance: 'pi1:9100', job: 'node', severity: 'critical' },
        annotations: { description: 'The load stays high', summary: 'CPU at 97% on pi1' },
        startsAt: '2026-12-02T11:11:38.300119429Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: '',
        fingerprint: '4ea60a356c415082',
      },
    ],
    groupLabels: { alertname: 'HighCPU' },
    commonLabels: { alertname: 'HighCPU', instance: 'pi1:9100', job: 'node', severity: 'critical' },
    commonAnnotations: { description: 'The load stays high', summary: 'CPU at 97% on pi1' },
    externalURL: 'http://vm:19093',
    version: '4',
    groupKey: '{}:{alertname="HighCPU"}',
    truncatedAlerts: 0,
  };
}

function withAlert(patch: Record<string, unknown>): Record<string, unknown> {
  const body = firing();
  const [alert] = body.alerts as Record<string, unknown>[];
  return { ...body, alerts: [{ ...alert, ...patch }] };
}

describe('parseAlertmanagerWebhook', () => {
  it('reads the payload Alertmanager sends: times in ms, the zero end time absent', () => {
    const parsed = parseAlertmanagerWebhook(firing());
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toMatchObject({ version: '4', status: 'firing', truncatedAlerts: 0, receiver: 'janitor' });
    const [alert] = parsed.value.alerts;
    expect(alert).toMatchObject({ status: 'firing', fingerprint: '4ea60a356c415082' });
    expect(alert!.startsAtMs).toBe(Date.parse('2026-12-02T11:11:38.300Z'));
    expect(alert!.endsAtMs).toBeUndefined();
  });

  it.each([
    ['another version', { version: '3' }, 422, 'version'],
    ['no version', { version: undefined }, 422, 'version'],
    ['a version that is no string', { version: 4 }, 400, 'version'],
    ['no alerts list', { alerts: {} }, 400, 'alerts'],
    ['a bad truncatedAlerts', { truncatedAlerts: -1 }, 400, 'truncatedAlerts'],
    ['a bad group status', { status: 'pending' }, 400, 'status'],
    ['common labels that are no map', { commonLabels: ['a'] }, 400, 'commonLabels'],
  ])('refuses %s, naming the field', (_, patch, status, field) => {
    const parsed = parseAlertmanagerWebhook({ ...firing(), ...patch });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ status, field });
  });

  it.each([
    ['a status other than firing or resolved', { status: 'active' }, 'alerts[0].status'],
    ['a label that is no string', { labels: { alertname: 'X', severity: 2 } }, 'alerts[0].labels.severity'],
    ['no labels', { labels: undefined }, 'alerts[0].labels'],
    ['an annotation that is no string', { annotations: { summary: null, x: {} } }, 'alerts[0].annotations.summary'],
    ['no fingerprint', { fingerprint: undefined }, 'alerts[0].fingerprint'],
    ['a fingerprint with spaces', { fingerprint: 'a b' }, 'alerts[0].fingerprint'],
    ['a time that is not RFC 3339', { startsAt: 'yesterday' }, 'alerts[0].startsAt'],
    ['a generatorURL that is no string', { generatorURL: 3 }, 'alerts[0].generatorURL'],
  ])('refuses an alert with %s, naming its path', (_, patch, field) => {
    const parsed = parseAlertmanagerWebhook(withAlert(patch));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error).toMatchObject({ status: 400, field });
  });

  it('lists every problem, each with its path', () => {
    const body = firing();
    const [alert] = body.alerts as Record<string, unknown>[];
    body.alerts = [alert, { ...alert, status: 'x' }, 'not an alert', { ...alert, labels: { severity: 1 } }];
    const parsed = parseAlertmanagerWebhook(body);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.error.issues?.map((i) => i.field)).toEqual([
      'alerts[1].status',
      'alerts[2]',
      'alerts[3].labels.severity',
    ]);
  });

  it('refuses more alerts than it takes with a 413 on alerts, and takes exactly that many', () => {
    const body = firing();
    const [alert] = body.alerts as Record<string, unknown>[];
    const many = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ ...alert, fingerprint: `fp${i}`, labels: { alertname: `A${i}` } }));
    const over = parseAlertmanagerWebhook({ ...body, alerts: many(10_000) });
    expect(over.ok).toBe(false);
    if (!over.ok)
      expect(over.error).toMatchObject({ status: 413, field: 'alerts', error: expect.stringMatching(/max_alerts/) });
    const limit = parseAlertmanagerWebhook({ ...body, alerts: many(WIRE_LIMITS.webhookAlerts) });
    expect(limit.ok && limit.value.alerts.length).toBe(WIRE_LIMITS.webhookAlerts);
  });

  it('takes a label named __proto__ as a label', () => {
    const body = withAlert({ labels: JSON.parse('{"alertname":"X","__proto__":"p"}') });
    const parsed = parseAlertmanagerWebhook(body);
    expect(parsed.ok && Object.hasOwn(parsed.value.alerts[0]!.labels, '__proto__')).toBe(true);
  });
});

describe('alertmanagerAlerts', () => {
  const alertsOf = (body: Record<string, unknown>) => {
    const parsed = parseAlertmanagerWebhook(body);
    if (!parsed.ok) throw new Error(parsed.error.error);
    return alertmanagerAlerts(parsed.value);
  };

  it('keys each alert by its fingerprint, with the type of its severity and the host of its instance', () => {
    const [alert] = alertsOf(firing());
    expect(alert).toEqual({
      source: 'alertmanager',
      key: '4ea60a356c415082',
      status: 'firing',
      type: 'alarm',
      title: 'HighCPU',
      text: 'CPU at 97% on pi1\nThe load stays high',
      host: 'pi1',
      startsAtMs: Date.parse('2026-12-02T11:11:38.300Z'),
    });
  });

  it.each([
    ['critical', 'alarm'],
    ['ERROR', 'error'],
    ['warning', 'warning'],
    ['info', 'info'],
    ['page', 'warning'],
    [undefined, 'warning'],
  ])('types severity %s as %s', (severity, type) => {
    const labels = severity === undefined ? { alertname: 'X' } : { alertname: 'X', severity };
    expect(alertsOf(withAlert({ labels }))[0]!.type).toBe(type);
  });

  it.each([
    [{ host: 'nas' }, 'nas'],
    [{ hostname: 'nas', instance: 'other:9100' }, 'nas'],
    [{ instance: '[::1]:9100' }, '::1'],
    [{ instance: 'https://example.org:8443/health' }, 'example.org'],
    [{ instance: 'has space:9100' }, undefined],
    [{ job: 'node' }, undefined],
  ])('takes the host from %j: %s', (labels, host) => {
    expect(alertsOf(withAlert({ labels: { alertname: 'X', ...labels } }))[0]!.host).toBe(host);
  });

  it('gives a resolved alert no text, and a link only when the generator URL is http(s)', () => {
    const [resolved] = alertsOf(withAlert({ status: 'resolved', generatorURL: 'http://prom:9090/graph?g0.expr=up' }));
    expect(resolved).toMatchObject({ status: 'resolved', text: '', url: 'http://prom:9090/graph?g0.expr=up' });
    expect(alertsOf(withAlert({ generatorURL: 'javascript:alert(1)' }))[0]!.url).toBeUndefined();
  });

  it('takes control and invisible characters out of the texts, and keeps a mention attempt as text', () => {
    const [alert] = alertsOf(
      withAlert({
        labels: { alertname: 'Disk\u202Efull\u0007\nnow', severity: 'warning' },
        annotations: { summary: 'ping @admin@example.org\u200B\r\nsecond line\u0000' },
      }),
    );
    expect(alert!.title).toBe('Diskfull now');
    expect(alert!.text).toBe('ping @admin@example.org\nsecond line');
  });

  it('adds an alert about the alerts the group left out: firing while some are, saying how many', () => {
    const alerts = alertsOf({ ...firing(), truncatedAlerts: 3 });
    const left = alerts.at(-1)!;
    expect(left).toMatchObject({ source: 'alertmanager', status: 'firing', type: 'warning', title: 'Alerts left out' });
    expect(left.key).toMatch(/^truncated:/);
    expect(left.text).toContain('3 more alerts of the group {alertname="HighCPU"}');
    const none = alertsOf(firing()).at(-1)!;
    expect(none).toMatchObject({ key: left.key, status: 'resolved' });
    const other = alertsOf({ ...firing(), groupKey: '{}:{alertname="Other"}', truncatedAlerts: 1 }).at(-1)!;
    expect(other.key).not.toBe(left.key);
  });
});

describe('parseGrafanaWebhook', () => {
  // Grafana's documented payload (docs/sources/alerting/.../webhook-notifier.md), first alert.
  const grafana = {
    receiver: 'My Super Webhook',
    status: 'firing',
    orgId: 1,
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'High memory usage', team: 'blue', zone: 'us-1' },
        annotations: {
          description: 'The system has high memory usage',
          summary: 'This alert was triggered for zone us-1',
        },
        startsAt: '2021-10-12T09:51:03.157076+02:00',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'https://play.grafana.org/alerting/1afz29v7z/edit',
        fingerprint: 'c6eadffa33fcdf37',
        silenceURL: 'https://play.grafana.org/alerting/silence/new',
        dashboardURL: '',
        panelURL: '',
        values: { B: 44.23943737541908, C: 1 },
      },
    ],
    groupLabels: {},
    commonLabels: { team: 'blue' },
    commonAnnotations: {},
    externalURL: 'https://play.grafana.org/',
    version: '1',
    groupKey: '{}:{}',
    truncatedAlerts: 0,
    title: '[FIRING:1]  (blue)',
    state: 'alerting',
    message: '**Firing**',
  };

  it('reads version 1 with its own fields, and the alerts as Alertmanager’s', () => {
    const parsed = parseGrafanaWebhook(grafana);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.value).toMatchObject({ orgId: 1, title: '[FIRING:1]  (blue)', state: 'alerting' });
    expect(parsed.value.alerts[0]!.startsAtMs).toBe(Date.parse('2021-10-12T07:51:03.157Z'));
    const [alert] = alertmanagerAlerts(parsed.value, { source: 'grafana' });
    expect(alert).toMatchObject({ source: 'grafana', key: 'c6eadffa33fcdf37', title: 'High memory usage' });
    expect(alert!.url).toBe('https://play.grafana.org/alerting/1afz29v7z/edit');
  });

  it('refuses Alertmanager’s version 4 and a bad orgId, naming the field', () => {
    const v4 = parseGrafanaWebhook({ ...grafana, version: '4' });
    expect(!v4.ok && v4.error).toMatchObject({
      status: 422,
      field: 'version',
      error: expect.stringMatching(/Grafana/),
    });
    const org = parseGrafanaWebhook({ ...grafana, orgId: 'one' });
    expect(!org.ok && org.error).toMatchObject({ status: 400, field: 'orgId' });
  });
});

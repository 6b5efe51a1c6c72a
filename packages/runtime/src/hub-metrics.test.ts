// The hub's instruments and families over a real store and alert engine: requests counted per route and status,
// the ingest route timed, posts counted by outcome, and the families read at each call.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAlertEngine } from '@janitor/alerting';
import { parseConfig } from '@janitor/config';
import { type MetricFamily, writeExposition } from '@janitor/prometheus';
import { PublishError } from '@janitor/publisher';
import { openStore, type Store } from '@janitor/store';
import { fromLegacy } from '@janitor/thresholds';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHubMetrics, type HubMetrics } from './hub-metrics.ts';

const T = Date.parse('2026-12-10T10:00:00Z');

/** The samples of the family `name` as `{labels} value` strings (a histogram: `count N`). */
function samples(families: MetricFamily[], name: string): string[] {
  const family = families.find((f) => f.name === name);
  if (family === undefined) throw new Error(`no family ${name}`);
  if (family.type === 'histogram') return family.samples.map((s) => `count ${s.count}`);
  return writeExposition([family], 'text')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => line.replace(/^[a-z_0-9]+/, ''));
}

describe('createHubMetrics', () => {
  let dir: string;
  let store: Store;
  let metrics: HubMetrics;
  let ingest: (hostname: string, cpu: number) => Promise<void>;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'janitor-hub-metrics-'));
    store = openStore({ path: join(dir, 'janitor.db'), synchronous: 'NORMAL' });
    const config = parseConfig({ app: { state_dir: dir } }, { baseDir: dir, env: {} });
    const alerts = createAlertEngine({ config, store, now: () => T });
    metrics = createHubMetrics({ store, alerts, now: () => T, processMetrics: false });
    ingest = async (hostname, cpu) => {
      await alerts.ingest(hostname, fromLegacy({ hostname, cpu_percent: cpu }));
      store.history.append(hostname, T, [{ key: 'cpu_percent', value: cpu }]);
    };
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts each route’s requests by status, with the same meter for the same route', () => {
    const hosts = metrics.route('GET', '/api/v1/hosts/:hostname');
    expect(metrics.route('GET', '/api/v1/hosts/:hostname')).toBe(hosts);
    hosts.done('GET', 200, 0.001);
    hosts.done('HEAD', 200, 0.001);
    hosts.done('GET', 404, 0.001);
    metrics.route('POST', '/sysinfo').done('POST', 200, 0.002);
    expect(samples(metrics.families(), 'janitor_http_requests')).toEqual([
      '{method="GET",route="/api/v1/hosts/:hostname",status="200"} 2',
      '{method="GET",route="/api/v1/hosts/:hostname",status="404"} 1',
      '{method="POST",route="/sysinfo",status="200"} 1',
    ]);
  });

  it('counts requests no route took under their method, any unusual one as OTHER', () => {
    const unmatched = metrics.route('GET', undefined);
    unmatched.done('GET', 404, 0);
    unmatched.done('PUT', 405, 0);
    unmatched.done('BREW', 404, 0);
    unmatched.done('XYZZY', 404, 0);
    expect(samples(metrics.families(), 'janitor_http_requests')).toEqual([
      '{method="GET",route="unmatched",status="404"} 1',
      '{method="PUT",route="unmatched",status="405"} 1',
      '{method="OTHER",route="unmatched",status="404"} 2',
    ]);
  });

  it('times the ingest route only, in seconds', () => {
    metrics.route('POST', '/sysinfo').done('POST', 200, 0.0007);
    metrics.route('POST', '/sysinfo').done('POST', 400, 0.03);
    metrics.route('POST', '/message').done('POST', 200, 5);
    metrics.route('GET', '/sysinfo').done('GET', 200, 5);
    const family = metrics.families().find((f) => f.name === 'janitor_ingest_duration_seconds');
    expect(family?.type).toBe('histogram');
    const [sample] = family?.type === 'histogram' ? family.samples : [];
    expect(sample?.count).toBe(2);
    expect(sample?.sum).toBeCloseTo(0.0307, 10);
    expect(sample?.buckets.find((b) => b.le === 0.001)?.count).toBe(1);
    expect(sample?.buckets.find((b) => b.le === 0.05)?.count).toBe(2);
  });

  it('times another ingest route when told', () => {
    const other = createHubMetrics({
      store,
      alerts: { plan: { host: () => ({}) as never }, hosts: () => [] },
      ingestRoute: { method: 'POST', path: '/v2/reports' },
      processMetrics: false,
    });
    other.route('POST', '/sysinfo').done('POST', 200, 0.1);
    other.route('POST', '/v2/reports').done('POST', 200, 0.1);
    expect(samples(other.families(), 'janitor_ingest_duration_seconds')).toEqual(['count 1']);
  });

  it('counts posts made, logged by a dry run, and failed by reason and fate; the first two from 0', () => {
    let families = metrics.families();
    expect(samples(families, 'janitor_posts')).toEqual([' 0']);
    expect(samples(families, 'janitor_posts_dry_run')).toEqual([' 0']);
    expect(samples(families, 'janitor_post_failures')).toEqual([]);
    metrics.posted({}, { dryRun: false });
    metrics.posted({}, { dryRun: false });
    metrics.posted({}, { dryRun: true });
    const rateLimited = new PublishError('publish failed: 429', { retryable: true, statusCode: 429, kind: 'http' });
    metrics.failed({}, rateLimited, 'retry');
    metrics.failed({}, rateLimited, 'retry');
    metrics.failed({}, new PublishError('publish failed: 422', { retryable: false, statusCode: 422 }), 'dead');
    families = metrics.families();
    expect(samples(families, 'janitor_posts')).toEqual([' 2']);
    expect(samples(families, 'janitor_posts_dry_run')).toEqual([' 1']);
    expect(samples(families, 'janitor_post_failures')).toEqual([
      '{reason="rate_limited",fate="retry"} 2',
      '{reason="rejected",fate="dead"} 1',
    ]);
  });

  it('reads the hosts, their alerts and the outbox at each call; limited to some hosts when asked', async () => {
    expect(samples(metrics.families(), 'janitor_host_cpu_percent')).toEqual([]);
    await ingest('pi1', 12.5);
    await ingest('pi2', 97);
    const all = metrics.families();
    expect(samples(all, 'janitor_host_cpu_percent')).toEqual(['{host="pi1"} 12.5', '{host="pi2"} 97']);
    expect(samples(all, 'janitor_host_last_report_timestamp_seconds')).toEqual([
      `{host="pi1"} ${T / 1000}`,
      `{host="pi2"} ${T / 1000}`,
    ]);
    expect(samples(all, 'janitor_alert_state')).toEqual([
      '{host="pi2",rule="cpu_percent",level="warning",state="firing"} 1',
    ]);
    const counts = store.outbox.counts();
    expect(counts.pending).toBe(1);
    expect(samples(all, 'janitor_outbox_pending')).toEqual([' 1']);
    expect(samples(all, 'janitor_outbox_oldest_pending_timestamp_seconds')).toEqual([
      ` ${counts.oldestPendingMs! / 1000}`,
    ]);

    const limited = metrics.families({ hosts: ['pi1'] });
    expect(samples(limited, 'janitor_host_cpu_percent')).toEqual(['{host="pi1"} 12.5']);
    expect(samples(limited, 'janitor_alert_state')).toEqual([]);
    expect(writeExposition(metrics.families({ hosts: [] }), 'text')).not.toContain('host=');
  });

  it('takes each reported host’s latest values from memory, a late older report not replacing them', () => {
    const views: { hostname: string; states: Record<string, never>; lastSeenMs?: number }[] = [
      { hostname: 'pi1', states: {}, lastSeenMs: T },
    ];
    const fromMemory = createHubMetrics({
      store,
      alerts: { plan: { host: () => ({}) as never }, hosts: () => views },
      processMetrics: false,
    });
    fromMemory.report({ hostname: 'pi1', atMs: T - 1000, samples: [{ key: 'cpu_percent', value: 40 }] });
    fromMemory.report({ hostname: 'pi1', atMs: T - 5000, samples: [{ key: 'cpu_percent', value: 99 }] });
    // Nothing of it is in the store: the values come from the reports.
    expect(store.history.latest('pi1')).toBeUndefined();
    expect(samples(fromMemory.families(), 'janitor_host_cpu_percent')).toEqual(['{host="pi1"} 40']);
    fromMemory.report({ hostname: 'pi1', atMs: T, samples: [{ key: 'cpu_percent', value: 41 }] });
    expect(samples(fromMemory.families(), 'janitor_host_cpu_percent')).toEqual(['{host="pi1"} 41']);
    // Another set of keys replaces the last one's.
    fromMemory.report({
      hostname: 'pi1',
      atMs: T,
      samples: [
        { key: 'memory_percent', value: 50 },
        { key: 'cpu_percent', value: 42 },
      ],
    });
    let families = fromMemory.families();
    expect(samples(families, 'janitor_host_cpu_percent')).toEqual(['{host="pi1"} 42']);
    expect(samples(families, 'janitor_host_memory_used_percent')).toEqual(['{host="pi1"} 50']);
    fromMemory.report({ hostname: 'pi1', atMs: T, samples: [{ key: 'cpu_percent', value: 43 }] });
    families = fromMemory.families();
    expect(samples(families, 'janitor_host_cpu_percent')).toEqual(['{host="pi1"} 43']);
    expect(samples(families, 'janitor_host_memory_used_percent')).toEqual([]);
    // A host the engine expects and never heard of has no last report.
    views.push({ hostname: 'never-seen', states: {} });
    expect(samples(fromMemory.families(), 'janitor_host_last_report_timestamp_seconds')).toEqual([
      `{host="pi1"} ${T / 1000}`,
    ]);
    views.pop();
    // A host the engine forgot is gone, and does not come back from memory.
    views.length = 0;
    expect(samples(fromMemory.families(), 'janitor_host_cpu_percent')).toEqual([]);
    views.push({ hostname: 'pi1', states: {} });
    expect(samples(fromMemory.families(), 'janitor_host_cpu_percent')).toEqual([]);
  });

  it('reads the hosts it has not seen reported from the store, one query for many (a restart)', () => {
    const hostnames = Array.from({ length: 40 }, (_, i) => `host-${String(i).padStart(2, '0')}`);
    for (const [i, hostname] of hostnames.entries()) {
      store.history.append(hostname, T, [{ key: 'cpu_percent', value: i }]);
    }
    const restarted = createHubMetrics({
      store,
      alerts: {
        plan: { host: () => ({}) as never },
        hosts: () => hostnames.map((hostname) => ({ hostname, states: {} })),
      },
      processMetrics: false,
    });
    const cpu = samples(restarted.families(), 'janitor_host_cpu_percent');
    expect(cpu).toHaveLength(40);
    expect(cpu[39]).toBe('{host="host-39"} 39');
    expect(samples(restarted.families(), 'janitor_host_last_report_timestamp_seconds')[0]).toBe(
      `{host="host-00"} ${T / 1000}`,
    );
  });

  it('writes families both formats take, without the process families when they are off', () => {
    metrics.route('POST', '/sysinfo').done('POST', 200, 0.001);
    const families = metrics.families();
    expect(families.some((f) => f.name.startsWith('process_'))).toBe(false);
    expect(writeExposition(families, 'text')).toContain('janitor_ingest_duration_seconds_count 1\n');
    expect(writeExposition(families, 'openmetrics').endsWith('# EOF\n')).toBe(true);
    const withProcess = createHubMetrics({ store, alerts: { plan: { host: () => ({}) as never }, hosts: () => [] } });
    expect(withProcess.families().map((f) => f.name)).toContain('process_resident_memory_bytes');
  });
});

// The chart on an alert post, read from a real store file: it must show the report that fired the alert. The ingest
// route keeps that report with a group commit at the end of its turn of the event loop, while the alert's own commit,
// earlier in the same turn, wakes the outbox worker; the chart is read after that report is written.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertAbout } from '@janitor/protocol';
import type { OutboxPayload } from '@janitor/publisher';
import { openStore } from '@janitor/store';
import { createAlertPlan, DEFAULT_THRESHOLDS } from '@janitor/thresholds';
import { afterEach, describe, expect, it } from 'vitest';
import { createChartMedia } from './chart-media.ts';

const NOW = Date.parse('2026-12-02T10:00:00Z');
const MINUTE = 60_000;
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function storeWithQuietHour() {
  const dir = mkdtempSync(join(tmpdir(), 'janitor-chart-media-'));
  dirs.push(dir);
  const store = openStore({ path: join(dir, 'janitor.db'), now: () => NOW });
  for (let i = 60; i >= 1; i--) store.history.append('pi1', NOW - i * MINUTE, [{ key: 'cpu_percent', value: 20 }]);
  return store;
}

const firing: AlertAbout = { kind: 'alert', host: 'pi1', key: 'cpu_percent', incidentStartMs: NOW, reason: 'firing' };
const post = { kind: 'report', report: {} } as unknown as OutboxPayload;

describe('createChartMedia', () => {
  it('draws the report that fired the alert, kept in the same turn of the event loop as the alert was queued', async () => {
    const store = storeWithQuietHour();
    const chartMedia = createChartMedia({
      history: store.history,
      plan: createAlertPlan({ rules: DEFAULT_THRESHOLDS }),
      now: () => NOW,
    });
    // As the ingest route does: the crossing report is handed to the group commit, not written yet, when the worker
    // (woken by the alert's commit) asks for the chart.
    const kept = store.history.keep({ hostname: 'pi1', atMs: NOW, samples: [{ key: 'cpu_percent', value: 95 }] });
    const media = await chartMedia(post, firing);
    expect(await kept).toBe(true);
    expect(media).toHaveLength(1);
    expect(media[0]!.mimeType).toBe('image/png');
    expect(media[0]!.description).toMatch(/to 95 %/);
    expect(media[0]!.description).toMatch(/above it since/);
    store.close();
  });

  it('gives no chart for a post that is not a firing or escalating alert', async () => {
    const store = storeWithQuietHour();
    const chartMedia = createChartMedia({
      history: store.history,
      plan: createAlertPlan({ rules: DEFAULT_THRESHOLDS }),
    });
    expect(await chartMedia(post, { ...firing, reason: 'resolved' })).toEqual([]);
    expect(await chartMedia(post, { kind: 'report' })).toEqual([]);
    store.close();
  });
});

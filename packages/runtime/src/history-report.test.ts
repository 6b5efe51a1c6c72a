import type { SeriesView } from '@janitor/protocol';
import { describe, expect, it } from 'vitest';
import { formatHistory } from './history-report.ts';

const FROM = Date.UTC(2026, 11, 1, 10);
const HOUR = 3_600_000;

/** 24 hour points of disk use (50 % rising by 1 an hour), none from 06:00 to 09:00 (the host was off). */
function dayOfDisk(): SeriesView {
  const t: number[] = [];
  const avg: number[] = [];
  for (let h = 0; h < 24; h++) {
    if (h >= 20 && h < 23) continue;
    t.push(FROM + h * HOUR);
    avg.push(50 + h);
  }
  return {
    hostname: 'pi1',
    tier: 'hour',
    stepMs: HOUR,
    fromMs: FROM,
    toMs: FROM + 24 * HOUR,
    t,
    metrics: { 'disk_usage_percent@/': { avg, min: avg.map((v) => v - 0.5), max: avg.map((v) => v + 0.25) } },
  };
}

describe('formatHistory', () => {
  it('says the range, the min / avg / max / latest in the unit, and draws a sparkline with the gap', () => {
    expect(formatHistory(dayOfDisk(), 'disk_usage_percent@/')).toEqual([
      'pi1 disk_usage_percent@/, 2026-12-01 10:00 to 2026-12-02 10:00 UTC (1d, 1h steps)',
      'min 49.5%  avg 60.1%  max 73.3%  latest 73%  (21 points)',
      '▁▁▂▂▂▃▃▃▃▄▄▄▅▅▅▆▆▆▆▇   █',
    ]);
  });

  it('says the span in whole steps, as asked rather than as aligned', () => {
    const view = { ...dayOfDisk(), fromMs: FROM - 34_000 };
    expect(formatHistory(view, 'disk_usage_percent@/')[0]).toBe(
      'pi1 disk_usage_percent@/, 2026-12-01 09:59 to 2026-12-02 10:00 UTC (1d, 1h steps)',
    );
  });

  it('fits the sparkline into the width, averaging', () => {
    expect(formatHistory(dayOfDisk(), 'disk_usage_percent@/', { width: 6 })[2]).toBe('▁▂▄▅▆█');
  });

  it('says when the series has no value in the range', () => {
    const view = { ...dayOfDisk(), t: [], metrics: { cpu_percent: { avg: [], min: [], max: [] } } };
    expect(formatHistory(view, 'cpu_percent')).toEqual([
      'pi1 cpu_percent: no values from 2026-12-01 10:00 to 2026-12-02 10:00 UTC',
    ]);
  });
});

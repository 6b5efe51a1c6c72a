// @janitor/charts: how long rendering one alert chart takes, and whether rendering many grows the process.
//
//   node bench/chart.ts [--charts 300] [--points 360] [--width 800] [--height 400] [--no-yield]
//
// Each chart is one metric of one host over 6 hours, --points points (360: a point a minute), as the hub renders it
// for an alert or a `graph` answer: a seeded random walk around a daily shape, a few gaps (nulls), and a rise over the
// limit at the end, so that the line, the gaps, the limit and the shade are all drawn. The metric rotates through CPU,
// memory, a disk, an interface's traffic, the temperature and the load, and the time zone between UTC and
// Europe/Madrid; every chart's values differ. 20 charts warm the process up first and are not counted. Timed: the
// whole renderChart call (checking the input, building the SVG, resvg rendering with the bundled font, PNG encoding,
// the alt text), and apart the SVG and alt text alone (what is not resvg). RSS is read after the warm-up, after the
// counted charts, and after as many again: the growth of the second half tells a leak from a warm-up. Between two
// charts the bench returns to the event loop (setImmediate), as a hub does between two jobs: resvg-js 2.6 frees a
// rendering's native memory (about 1.6 MB for 800x400) in finalizers that Node runs on a later turn of the loop, after
// a GC has collected the JS wrappers. --no-yield renders back to back without returning to the loop (a worst case:
// nothing is freed until the loop turns).
// Target (issue 12): p95 <= 50 ms for 800x400.
import { loadavg } from 'node:os';
import { checkChartInput } from '../packages/charts/src/chart-input.ts';
import { chartSvg } from '../packages/charts/src/chart-svg.ts';
import { type ChartInput, describeChart, renderChart } from '../packages/charts/src/index.ts';
import { fmt, formatTable, machine, median, percentile } from './stats.ts';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
};
const CHARTS = option('--charts', 300);
const POINTS = option('--points', 360);
const WIDTH = option('--width', 800);
const HEIGHT = option('--height', 400);
const YIELD = !args.includes('--no-yield');
const WARM_UP = 20;
const TARGET_P95_MS = 50;
const HOUR = 3_600_000;
const MiB = 1024 ** 2;
const loadBefore = loadavg()[0]!;

/** A small seeded random generator (mulberry32), so every run draws the same charts. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const METRICS = [
  { metric: 'cpu_percent', base: 25, spread: 15, peak: 95, limit: 80 },
  { metric: 'memory_percent', base: 55, spread: 5, peak: 93, limit: 90 },
  { metric: 'disk_usage_percent@/data', base: 82, spread: 1, peak: 96, limit: 95 },
  { metric: 'net_rx_bytes_per_second@eth0', base: 2e6, spread: 1.5e6, peak: 9e7, limit: 5e7 },
  { metric: 'cpu_temperature', base: 52, spread: 4, peak: 83, limit: 80 },
  { metric: 'load_1', base: 0.6, spread: 0.5, peak: 5.2, limit: 4 },
] as const;

function chartInput(n: number): ChartInput {
  const next = random(n + 1);
  const shape = METRICS[n % METRICS.length]!;
  const to = Date.UTC(2026, 11, 1, 14, 30) + n * 60_000;
  const from = to - 6 * HOUR;
  const step = (to - from) / POINTS;
  const t: number[] = [];
  const values: (number | null)[] = [];
  let walk = 0;
  const gapAt = Math.floor(next() * POINTS * 0.6);
  for (let i = 0; i < POINTS; i++) {
    t.push(from + (i + 1) * step);
    walk += (next() - 0.5) * 0.3;
    walk *= 0.97;
    const rise = i > POINTS * 0.85 ? ((i - POINTS * 0.85) / (POINTS * 0.15)) * (shape.peak - shape.base) : 0;
    const value = shape.base + shape.spread * (Math.sin(i / 20) + walk) + rise;
    values.push(i >= gapAt && i < gapAt + 8 ? null : Math.max(0, value));
  }
  return {
    host: `pi${n % 7}`,
    metric: shape.metric,
    t,
    values,
    from,
    to,
    limit: shape.limit,
    timeZone: n % 2 === 0 ? 'UTC' : 'Europe/Madrid',
    width: WIDTH,
    height: HEIGHT,
  };
}

function rssMiB(): number {
  return process.memoryUsage.rss() / MiB;
}

/** Back to the event loop, as a hub is between two jobs (unless --no-yield). */
async function turn(): Promise<void> {
  if (YIELD) await new Promise((resolve) => setImmediate(resolve));
}

for (let n = 0; n < WARM_UP; n++) {
  renderChart(chartInput(1_000_000 + n));
  await turn();
}
const rssStart = rssMiB();

const totalMs: number[] = [];
const svgMs: number[] = [];
const pngBytes: number[] = [];
for (let n = 0; n < CHARTS; n++) {
  const input = chartInput(n);
  const t0 = performance.now();
  const rendered = renderChart(input);
  const t1 = performance.now();
  chartSvg(checkChartInput(input));
  describeChart(input);
  const t2 = performance.now();
  totalMs.push(t1 - t0);
  svgMs.push(t2 - t1);
  pngBytes.push(rendered.png.length);
  await turn();
}
const rssMiddle = rssMiB();
for (let n = 0; n < CHARTS; n++) {
  renderChart(chartInput(CHARTS + n));
  await turn();
}
const rssEnd = rssMiB();

const p95 = percentile(totalMs, 95);
const ms = (v: number) => `${fmt(v, 1)} ms`;
const signed = (v: number) => `${v >= 0 ? '+' : ''}${fmt(v, 1)}`;
console.log(`machine: ${await machine()}`);
console.log(
  `${CHARTS} charts of ${POINTS} points, ${WIDTH}x${HEIGHT} (after ${WARM_UP} to warm up), ` +
    `${YIELD ? 'back to the event loop between two' : 'back to back (--no-yield)'}; ` +
    `PNG median ${fmt(median(pngBytes) / 1024, 1)} KiB`,
);
const table = [
  ['what', 'p50', 'p95', 'max'],
  ['renderChart (PNG and alt text)', ms(median(totalMs)), ms(p95), ms(Math.max(...totalMs))],
  ['  SVG and alt text alone (no resvg)', ms(median(svgMs)), ms(percentile(svgMs, 95)), ms(Math.max(...svgMs))],
];
for (const row of formatTable(table)) console.log(row);
console.log(
  `RSS: ${fmt(rssStart, 1)} MiB after the warm-up, ${fmt(rssMiddle, 1)} MiB after ${CHARTS} charts ` +
    `(${signed(rssMiddle - rssStart)}), ${fmt(rssEnd, 1)} MiB after ${CHARTS} more (${signed(rssEnd - rssMiddle)})`,
);
console.log(`load average (1 min): ${fmt(loadBefore, 2)} before, ${fmt(loadavg()[0]!, 2)} after`);
console.log(`${p95 <= TARGET_P95_MS ? 'PASS' : 'FAIL'}: p95 ${ms(p95)} (target <= ${TARGET_P95_MS} ms)`);
if (p95 > TARGET_P95_MS) process.exitCode = 1;

// One chart of the host page: uPlot over the series API's columns, the rule's limits as dashed lines, alert periods
// shaded, and a summary in words for screen readers.
import { isSevere } from './chart-plan.js';
import { h } from './dom.js';
import { describeSeries, formatValue, seriesLabel } from './format.js';
import uPlot from './vendor/uplot.js';

/**
 * @typedef {object} ChartInput
 * @property {import('./chart-plan.js').ChartPlan} plan
 * @property {number[]} t epoch ms of each point
 * @property {Record<string, import('./format.js').Points>} series by key
 * @property {{ label: string, value: number, level: string }[]} limits
 * @property {{ fromMs: number, toMs: number, level: string | null }[]} periods alert periods to shade
 * @property {string} rangeWords e.g. `the last 24 hours`
 */

// uPlot's own style, needed only where charts are: added to the page with the first chart module loaded.
if (!document.querySelector('link[href="/assets/vendor/uplot.css"]')) {
  document.head.append(h('link', { rel: 'stylesheet', href: '/assets/vendor/uplot.css' }));
}

/**
 * Colours from the page's CSS variables (light or dark).
 * @param {string} name
 */
function cssVar(name) {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim();
}

/**
 * Draws one chart into a new `<figure>`: its title, the canvas, and a visually hidden summary that says, for each
 * series, its lowest, highest and latest value. The figure is returned at once; the chart is sized to it once it is
 * in the page.
 * @param {ChartInput} input
 * @returns {{ figure: HTMLElement, summary: string, destroy(): void }}
 */
export function drawChart(input) {
  const { plan, t, series, limits, periods, rangeWords } = input;
  const summary = plan.keys
    .map((key) => describeSeries(seriesLabel(key), series[key] ?? { avg: [] }, plan.unit, rangeWords))
    .join(' ');
  const holder = h('div', { class: 'plot', 'aria-hidden': 'true' });
  const summaryId = `${plan.id}-summary`;
  const figure = h(
    'figure',
    { class: 'chart', id: plan.id, 'aria-describedby': summaryId },
    h('figcaption', null, plan.title),
    holder,
    h('p', { class: 'sr-only', id: summaryId }, summary),
  );
  const colors = [cssVar('--c1'), cssVar('--c2'), cssVar('--c3')];
  const fg = cssVar('--muted');
  const grid = cssVar('--grid');
  const fmt = (/** @type {number} */ v) => formatValue(v, plan.unit);
  const single = plan.keys.length === 1;
  const key0 = plan.keys[0] ?? '';
  /** @type {uPlot.AlignedData} */
  const data = /** @type {any} */ ([t, ...plan.keys.map((k) => series[k]?.avg ?? t.map(() => null))]);
  /** @type {uPlot.Series[]} */
  const lines = [
    {},
    ...plan.keys.map((key, i) => ({
      label: seriesLabel(key),
      stroke: colors[i % colors.length],
      width: 1.5,
      spanGaps: false,
      value: (/** @type {uPlot} */ _u, /** @type {number | null} */ v) => (v === null ? '–' : fmt(v)),
    })),
  ];
  /** @type {uPlot.Band[]} */
  const bands = [];
  if (single && series[key0]?.min && series[key0]?.max) {
    // The band between each step's minimum and maximum: the spikes an average hides.
    data.push(/** @type {any} */ (series[key0].max), /** @type {any} */ (series[key0].min));
    lines.push(
      {
        label: 'highest',
        stroke: 'transparent',
        points: { show: false },
        value: (_u, v) => (v === null ? '–' : fmt(v)),
      },
      {
        label: 'lowest',
        stroke: 'transparent',
        points: { show: false },
        value: (_u, v) => (v === null ? '–' : fmt(v)),
      },
    );
    bands.push({ series: [2, 3], fill: cssVar('--band') });
  }
  const limitColor = (/** @type {string} */ level) => (isSevere(level) ? cssVar('--bad') : cssVar('--warn'));
  /** @type {uPlot.Options} */
  const options = {
    width: 600,
    height: 200,
    ms: 1,
    series: lines,
    bands,
    scales: { x: { time: true }, y: plan.unit === 'percent' ? { range: [0, 100] } : {} },
    axes: [
      { stroke: fg, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 } },
      {
        stroke: fg,
        grid: { stroke: grid, width: 1 },
        ticks: { stroke: grid, width: 1 },
        size: 70,
        values: (_u, splits) => splits.map(fmt),
      },
    ],
    legend: { live: true },
    hooks: {
      drawClear: [
        (u) => {
          // Alert periods, under the lines.
          const { ctx, bbox } = u;
          ctx.save();
          for (const p of periods) {
            const x0 = Math.max(bbox.left, u.valToPos(p.fromMs, 'x', true));
            const x1 = Math.min(bbox.left + bbox.width, u.valToPos(p.toMs, 'x', true));
            if (x1 <= x0) continue;
            ctx.fillStyle = isSevere(p.level) ? cssVar('--bad-shade') : cssVar('--warn-shade');
            ctx.fillRect(x0, bbox.top, Math.max(1, x1 - x0), bbox.height);
          }
          ctx.restore();
        },
      ],
      draw: [
        (u) => {
          const { ctx, bbox } = u;
          ctx.save();
          ctx.setLineDash([6, 4]);
          ctx.lineWidth = Math.max(1, devicePixelRatio);
          for (const limit of limits) {
            const y = u.valToPos(limit.value, 'y', true);
            if (y < bbox.top || y > bbox.top + bbox.height) continue;
            ctx.strokeStyle = limitColor(limit.level);
            ctx.beginPath();
            ctx.moveTo(bbox.left, y);
            ctx.lineTo(bbox.left + bbox.width, y);
            ctx.stroke();
          }
          ctx.restore();
        },
      ],
    },
  };
  const plot = new uPlot(options, data, holder);
  const resize = () => {
    const width = Math.max(240, Math.floor(holder.clientWidth));
    if (width !== plot.width) plot.setSize({ width, height: width < 500 ? 160 : 200 });
  };
  const observer = new ResizeObserver(resize);
  observer.observe(holder);
  if (limits.length > 0) {
    const legend = limits.map((l) => `${l.level} ${fmt(l.value)}`).join(', ');
    figure.append(h('p', { class: 'limits muted' }, `Limits: ${legend}`));
  }
  return {
    figure,
    summary,
    destroy() {
      observer.disconnect();
      plot.destroy();
    },
  };
}

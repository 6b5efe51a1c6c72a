// The chart as SVG: a title, the value and time axes, the limit, the shaded crossings and the line. Hand-written,
// so that it renders the same wherever resvg runs and costs a few hundred microseconds to build.
import type { ValidChartInput } from './chart-input.ts';
import { metricLabel } from './metric-label.ts';
import { spanWords, type TimeTick, timeTicks } from './time-axis.ts';
import { formatValue, type ValueAxis, valueAxis } from './value-format.ts';

/** The family of the bundled font (fonts/DejaVuSans.ttf); the SVG names no other. */
export const FONT_FAMILY = 'DejaVu Sans';

/** The chart's colours (tests read them back from the pixels). */
export const CHART_COLORS = {
  background: '#ffffff',
  line: '#0b5cd5',
  limit: '#cf222e',
  /** The crossings' fill: the limit's colour at {@link SHADE_OPACITY}. */
  shade: '#cf222e',
  grid: '#e6e8eb',
  axis: '#6e7781',
  text: '#1f2328',
  muted: '#57606a',
} as const;

/** How opaque the shade over the limit is. */
export const SHADE_OPACITY = 0.22;

const TITLE_SIZE = 16;
const LABEL_SIZE = 11;
/** About how wide a character of DejaVu Sans is, in ems (digits are 0.64, lower case about 0.6). */
const CHAR_EM = 0.62;

/** Where things are on the chart: the plot area in pixels and the scales into it. */
export interface ChartLayout {
  width: number;
  height: number;
  /** The plot area; the line, the shade and the limit stay inside it. */
  plot: { left: number; top: number; right: number; bottom: number };
  /** The x pixel of a time. */
  x(t: number): number;
  /** The y pixel of a value. */
  y(value: number): number;
  axis: ValueAxis;
  timeTicks: TimeTick[];
  title: string;
  unit: string;
}

/** Units whose axis starts at zero when no value is negative: a share, a size, a rate, a count. */
const ZERO_BASED_UNITS = new Set(['%', 'B', 'B/s', '']);

/** The values' range on the axis: the data and the limit, from zero where that is natural, never empty. */
function valueRange(input: ValidChartInput, unit: string): [number, number] {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const v of input.values) {
    if (v === null) continue;
    if (v < low) low = v;
    if (v > high) high = v;
  }
  if (input.limit !== undefined) {
    low = Math.min(low, input.limit);
    high = Math.max(high, input.limit);
  }
  if (low === Number.POSITIVE_INFINITY) return [0, unit === '%' ? 100 : 1];
  if (ZERO_BASED_UNITS.has(unit) && low >= 0) low = 0;
  if (low === high) {
    if (low === 0) return [0, unit === '%' ? 100 : 1];
    const pad = Math.abs(low) / 10;
    return [low - pad, high + pad];
  }
  // Headroom, so the highest value does not run along the frame; a share stops at 100 %.
  const padded = high + (high / 2 - low / 2) / 10;
  return [low, unit === '%' && high <= 100 ? Math.min(100, padded) : Number.isFinite(padded) ? padded : high];
}

function truncate(text: string, maxChars: number): string {
  const chars = [...text];
  return chars.length <= maxChars ? text : `${chars.slice(0, Math.max(1, maxChars - 1)).join('')}…`;
}

const textWidth = (text: string, size: number) => [...text].length * size * CHAR_EM;

/** The title: `CPU on pi1, last 6 hours`. */
export function chartTitle(input: Pick<ValidChartInput, 'host' | 'metric' | 'from' | 'to'>): string {
  return `${metricLabel(input.metric).label} on ${input.host}, last ${spanWords(input.to - input.from)}`;
}

/** Lays the chart out: margins from its labels, the scales, the ticks. */
export function chartLayout(input: ValidChartInput): ChartLayout {
  const { width, height, from, to } = input;
  const { unit } = metricLabel(input.metric);
  const [low, high] = valueRange(input, unit);
  const axis = valueAxis(low, high, unit, height >= 300 ? 5 : 3);
  const widest = Math.max(...axis.ticks.map((tick) => textWidth(tick.label, LABEL_SIZE)));
  const plot = {
    left: Math.round(Math.min(width / 3, Math.max(36, widest + 14))),
    top: 40,
    right: width - 24,
    bottom: height - 26,
  };
  const plotWidth = plot.right - plot.left;
  const plotHeight = plot.bottom - plot.top;
  const x = (t: number) => plot.left + ((t - from) / (to - from)) * plotWidth;
  // Halves before subtracting: the span of values near the largest double would overflow.
  const halfSpan = axis.max / 2 - axis.min / 2;
  const y = (value: number) => plot.bottom - ((value / 2 - axis.min / 2) / halfSpan) * plotHeight;
  const ticks = timeTicks(from, to, input.timeZone, Math.max(2, Math.floor(plotWidth / 80)));
  const titleRoom = width - 24 - textWidth(input.timeZone, LABEL_SIZE) - 16;
  const title = truncate(chartTitle(input), Math.floor(titleRoom / (TITLE_SIZE * CHAR_EM)));
  return { width, height, plot, x, y, axis, timeTicks: ticks, title, unit };
}

/** Characters XML 1.0 cannot hold: controls other than tab and line breaks, U+FFFE, U+FFFF, lone surrogates. */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: those are the characters XML forbids
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Text as XML character data: markup escaped, and what XML cannot hold as U+FFFD. */
function escapeXml(text: string): string {
  return text.replace(NOT_XML, '\ufffd').replace(/[&<>"']/g, (c) => XML_ESCAPES[c] ?? c);
}

const n = (value: number) => String(Math.round(value * 10) / 10);

interface PlotPoint {
  x: number;
  y: number;
  above: boolean;
}

/** The unbroken stretches of the line: a null ends one. */
function runsOf(input: ValidChartInput, layout: ChartLayout): PlotPoint[][] {
  const runs: PlotPoint[][] = [];
  let run: PlotPoint[] = [];
  input.values.forEach((value, i) => {
    if (value === null) {
      if (run.length > 0) runs.push(run);
      run = [];
      return;
    }
    const above = input.limit !== undefined && value > input.limit;
    run.push({ x: layout.x(input.t[i]!), y: layout.y(value), above });
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

/** The areas between the line and the limit where the line is above it, as closed polygons along the limit. */
function shadeAreas(runs: readonly PlotPoint[][], limitY: number): [number, number][][] {
  const areas: [number, number][][] = [];
  for (const run of runs) {
    let area: [number, number][] | undefined;
    run.forEach((p, i) => {
      const q = run[i - 1];
      if (q !== undefined && q.above !== p.above) {
        // Where the segment crosses the limit.
        const cx = p.y === q.y ? p.x : q.x + ((limitY - q.y) / (p.y - q.y)) * (p.x - q.x);
        if (area === undefined) area = [[cx, limitY]];
        else {
          area.push([cx, limitY]);
          areas.push(area);
          area = undefined;
        }
      }
      if (p.above) {
        area ??= [[p.x, limitY]];
        area.push([p.x, p.y]);
      }
    });
    if (area !== undefined) {
      area.push([run[run.length - 1]!.x, limitY]);
      areas.push(area);
    }
  }
  return areas;
}

function text(x: number, y: number, content: string, attrs: string): string {
  return `<text x="${n(x)}" y="${n(y)}" ${attrs}>${escapeXml(content)}</text>`;
}

/**
 * The chart of a checked input as an SVG document, and its layout.
 */
export function chartSvg(input: ValidChartInput): { svg: string; layout: ChartLayout } {
  const layout = chartLayout(input);
  const { width, height, plot, axis } = layout;
  const c = CHART_COLORS;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT_FAMILY}">`,
    // The clip reaches 3 px above and below the plot: a line along its top or bottom edge is drawn whole.
    `<defs><clipPath id="plot"><rect x="${plot.left}" y="${plot.top - 3}" width="${plot.right - plot.left}" height="${plot.bottom - plot.top + 6}"/></clipPath></defs>`,
    `<rect width="${width}" height="${height}" fill="${c.background}"/>`,
  ];
  const grid: string[] = [];
  const runs = runsOf(input, layout);
  // With nothing to draw and no limit, a value scale would be made up.
  const valueTicks = runs.length === 0 && input.limit === undefined ? [] : axis.ticks;
  for (const tick of valueTicks) {
    const y = Math.round(layout.y(tick.value)) + 0.5;
    grid.push(`M${plot.left} ${y}H${plot.right}`);
    parts.push(text(plot.left - 6, y + 4, tick.label, `font-size="${LABEL_SIZE}" fill="${c.muted}" text-anchor="end"`));
  }
  for (const tick of layout.timeTicks) {
    const x = Math.round(layout.x(tick.t)) + 0.5;
    grid.push(`M${x} ${plot.top}V${plot.bottom}`);
    parts.push(`<path d="M${x} ${plot.bottom}v4" stroke="${c.axis}"/>`);
    parts.push(
      text(x, plot.bottom + 17, tick.label, `font-size="${LABEL_SIZE}" fill="${c.muted}" text-anchor="middle"`),
    );
  }
  parts.push(`<path d="${grid.join('')}" stroke="${c.grid}" stroke-width="1" shape-rendering="crispEdges"/>`);

  // On whole pixels, so the 2 px dashes are crisp; the shade meets them there.
  const limitY = input.limit === undefined ? undefined : Math.round(layout.y(input.limit));
  if (limitY !== undefined) {
    const areas = shadeAreas(runs, limitY)
      .map((area) => `M${area.map(([x, y]) => `${n(x)} ${n(y)}`).join('L')}Z`)
      .join('');
    if (areas !== '') {
      parts.push(`<path d="${areas}" fill="${c.shade}" fill-opacity="${SHADE_OPACITY}" clip-path="url(#plot)"/>`);
    }
  }
  const line = runs
    .filter((run) => run.length > 1)
    .map((run) => `M${run.map((p) => `${n(p.x)} ${n(p.y)}`).join('L')}`)
    .join('');
  if (line !== '') {
    parts.push(
      `<path d="${line}" fill="none" stroke="${c.line}" stroke-width="2" stroke-linejoin="round" stroke-linecap="round" clip-path="url(#plot)"/>`,
    );
  }
  // A value alone between gaps has no line to be part of: a dot shows it.
  for (const run of runs.filter((r) => r.length === 1)) {
    parts.push(`<circle cx="${n(run[0]!.x)}" cy="${n(run[0]!.y)}" r="3" fill="${c.line}" clip-path="url(#plot)"/>`);
  }
  if (limitY !== undefined && input.limit !== undefined) {
    parts.push(
      `<path d="M${plot.left} ${n(limitY)}H${plot.right}" stroke="${c.limit}" stroke-width="2" stroke-dasharray="6 4"/>`,
    );
    // At the left end: an alert's chart crosses the limit at its right end.
    const labelY = limitY - 5 < plot.top + LABEL_SIZE ? limitY + LABEL_SIZE + 3 : limitY - 5;
    const label = `limit ${formatValue(input.limit, layout.unit)}`;
    parts.push(text(plot.left + 6, labelY, label, `font-size="${LABEL_SIZE}" fill="${c.limit}"`));
  }
  parts.push(
    `<path d="M${plot.left - 0.5} ${plot.top}V${plot.bottom + 0.5}H${plot.right}" fill="none" stroke="${c.axis}" shape-rendering="crispEdges"/>`,
  );
  if (runs.length === 0) {
    const cx = (plot.left + plot.right) / 2;
    const cy = (plot.top + plot.bottom) / 2;
    parts.push(text(cx, cy + 6, 'no data', `font-size="18" fill="${c.muted}" text-anchor="middle"`));
  }
  parts.push(text(12, 24, layout.title, `font-size="${TITLE_SIZE}" fill="${c.text}"`));
  parts.push(text(width - 12, 24, input.timeZone, `font-size="${LABEL_SIZE}" fill="${c.muted}" text-anchor="end"`));
  parts.push('</svg>');
  return { svg: parts.join(''), layout };
}

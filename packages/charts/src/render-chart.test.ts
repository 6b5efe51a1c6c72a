import { describe, expect, it } from 'vitest';
import { ChartInputError } from './chart-error.ts';
import { type ChartInput, checkChartInput } from './chart-input.ts';
import { CHART_COLORS, chartLayout, SHADE_OPACITY } from './chart-svg.ts';
import { type DecodedPng, decodePng, PNG_SIGNATURE, pngHeader } from './png.test-support.ts';
import { renderChart } from './render-chart.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const FROM = Date.parse('2026-12-01T08:30:00Z');
const TO = FROM + 6 * HOUR;

type Rgb = [number, number, number];
const rgb = (hex: string): Rgb => [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as Rgb;
const LINE = rgb(CHART_COLORS.line);
const LIMIT = rgb(CHART_COLORS.limit);
const WHITE: Rgb = [255, 255, 255];
/** The shade over white. */
const SHADE = rgb(CHART_COLORS.shade).map((c) => Math.round(255 + (c - 255) * SHADE_OPACITY)) as Rgb;

function near(pixel: readonly number[], color: Rgb, tolerance = 12): boolean {
  return color.every((c, i) => Math.abs(pixel[i]! - c) <= tolerance);
}

/**
 * Six hours of a point a minute: 30 % for three hours, a 20-minute gap, then 90 % (above the limit of 80 %).
 */
function cpuInput(overrides: Partial<ChartInput> = {}): ChartInput {
  const t: number[] = [];
  const values: (number | null)[] = [];
  for (let i = 0; i < 360; i++) {
    t.push(FROM + i * MINUTE);
    values.push(i < 180 ? 30 : i < 200 ? null : 90);
  }
  return { host: 'pi1', metric: 'cpu_percent', t, values, from: FROM, to: TO, limit: 80, ...overrides };
}

/** A column at least 3 px from every vertical grid line, near the time of point `i`. */
function clearColumn(input: ChartInput, i: number): number {
  const layout = chartLayout(checkChartInput(input));
  let x = Math.floor(layout.x(input.t[i]!));
  while (layout.timeTicks.some((tick) => Math.abs(layout.x(tick.t) - x) < 3)) x += 3;
  return x;
}

function render(input: ChartInput): { png: DecodedPng; layout: ReturnType<typeof chartLayout>; alt: string } {
  const rendered = renderChart(input);
  return { png: decodePng(rendered.png), layout: chartLayout(checkChartInput(input)), alt: rendered.alt };
}

function count(
  png: DecodedPng,
  box: { x0: number; x1: number; y0: number; y1: number },
  match: (p: number[]) => boolean,
) {
  let n = 0;
  for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) if (match(png.at(x, y))) n++;
  return n;
}

describe('renderChart', () => {
  it('returns a real PNG: the signature, then IHDR with the asked size', () => {
    const rendered = renderChart(cpuInput({ width: 640, height: 320 }));
    expect([...rendered.png.subarray(0, 8)]).toEqual(PNG_SIGNATURE);
    expect(pngHeader(rendered.png)).toMatchObject({ width: 640, height: 320 });
    expect(rendered).toMatchObject({ width: 640, height: 320 });
    expect(pngHeader(renderChart(cpuInput()).png)).toMatchObject({ width: 800, height: 400 });
  });

  it('draws the line where the values are, and nothing in the gap', () => {
    const input = cpuInput();
    const { png, layout } = render(input);
    const low = clearColumn(input, 60);
    const high = clearColumn(input, 300);
    const gap = clearColumn(input, 190);
    expect(png.at(low, Math.floor(layout.y(30)))).toSatisfy((p: number[]) => near(p, LINE));
    expect(png.at(high, Math.floor(layout.y(90)))).toSatisfy((p: number[]) => near(p, LINE));
    for (const v of [30, 60, 90])
      expect(png.at(gap, Math.floor(layout.y(v)))).toSatisfy((p: number[]) => near(p, WHITE));
  });

  it('shades between the limit and the line where the line is above it, and nowhere else', () => {
    const input = cpuInput();
    const { png, layout } = render(input);
    const low = clearColumn(input, 60);
    const high = clearColumn(input, 300);
    expect(png.at(high, Math.floor(layout.y(85)))).toSatisfy((p: number[]) => near(p, SHADE, 4));
    // Above the line, and above the limit where the line is below it: white.
    expect(png.at(high, Math.floor(layout.y(95)))).toSatisfy((p: number[]) => near(p, WHITE, 2));
    expect(png.at(low, Math.floor(layout.y(85)))).toSatisfy((p: number[]) => near(p, WHITE, 2));
    expect(png.at(low, Math.floor(layout.y(55)))).toSatisfy((p: number[]) => near(p, WHITE, 2));
  });

  it('draws the limit as a dashed line across the plot', () => {
    const { png, layout } = render(cpuInput({ values: new Array(360).fill(10) }));
    const row = Math.round(layout.y(80));
    const x0 = layout.plot.left + 100;
    const x1 = layout.plot.right;
    const red = count(png, { x0, x1, y0: row, y1: row + 1 }, (p) => near(p, LIMIT, 40));
    // Dashes of 6 and gaps of 4: about 60 % of the row.
    expect(red / (x1 - x0)).toBeGreaterThan(0.45);
    expect(red / (x1 - x0)).toBeLessThan(0.75);
    const rowBelow = Math.floor(layout.y(70));
    expect(count(png, { x0, x1, y0: rowBelow, y1: rowBelow + 1 }, (p) => near(p, LIMIT, 40))).toBe(0);
  });

  it('puts a limit outside the data on the axis, and draws it there', () => {
    const input = cpuInput({ values: new Array(360).fill(15), limit: 95, metric: 'cpu_temperature' });
    const { png, layout } = render(input);
    expect(layout.axis.min).toBeLessThanOrEqual(15);
    expect(layout.axis.max).toBeGreaterThanOrEqual(95);
    const row = Math.round(layout.y(95));
    expect(row).toBeGreaterThan(layout.plot.top);
    const x0 = layout.plot.left + 100;
    expect(count(png, { x0, x1: layout.plot.right, y0: row, y1: row + 1 }, (p) => near(p, LIMIT, 40))).toBeGreaterThan(
      100,
    );
  });

  it('renders its text with the bundled font: the title is drawn', () => {
    const { png } = render(cpuInput());
    const dark = count(png, { x0: 10, x1: 250, y0: 8, y1: 30 }, (p) => p[0]! < 120 && p[1]! < 120 && p[2]! < 120);
    expect(dark).toBeGreaterThan(100);
  });

  it('with no points: no line, and "no data" in words and in the picture', () => {
    const { png, layout, alt } = render(cpuInput({ t: [], values: [] }));
    const { plot } = layout;
    const box = { x0: plot.left + 1, x1: plot.right, y0: plot.top, y1: plot.bottom };
    expect(count(png, box, (p) => near(p, LINE, 40))).toBe(0);
    const cx = Math.round((plot.left + plot.right) / 2);
    const cy = Math.round((plot.top + plot.bottom) / 2);
    const text = count(png, { x0: cx - 40, x1: cx + 40, y0: cy - 12, y1: cy + 12 }, (p) => p[0]! < 160);
    expect(text).toBeGreaterThan(30);
    expect(alt).toBe('CPU on pi1 over the last 6 hours: no data, limit 80 %.');
  });

  it('with only nulls: no line either', () => {
    const { png, layout, alt } = render(cpuInput({ values: new Array(360).fill(null) }));
    const { plot } = layout;
    expect(
      count(png, { x0: plot.left + 1, x1: plot.right, y0: plot.top, y1: plot.bottom }, (p) => near(p, LINE, 40)),
    ).toBe(0);
    expect(alt).toContain('no data');
  });

  it('shows a lone value as a dot', () => {
    const input = cpuInput({ t: [FROM + 2 * HOUR], values: [50], limit: undefined });
    const { png, layout } = render(input);
    expect(png.at(Math.floor(layout.x(FROM + 2 * HOUR)), Math.floor(layout.y(50)))).toSatisfy((p: number[]) =>
      near(p, LINE, 30),
    );
  });

  it('renders values near the largest double, and a flat line, without breaking', () => {
    const huge = renderChart(
      cpuInput({ metric: 'my_counter', values: new Array(360).fill(0).map((_, i) => (i % 2 ? 1.7e308 : -1.7e308)) }),
    );
    expect(pngHeader(huge.png).width).toBe(800);
    const flat = render(cpuInput({ metric: 'load_1', values: new Array(360).fill(2), limit: undefined }));
    expect(flat.layout.axis.max).toBeGreaterThan(2);
    const x = clearColumn(cpuInput(), 100);
    expect(flat.png.at(x, Math.floor(flat.layout.y(2)))).toSatisfy((p: number[]) => near(p, LINE));
  });

  it('draws any host name: markup, controls and lone surrogates do not break the SVG', () => {
    for (const host of ['a<b>&"c\'', 'pi\u0001\u001f', 'x\ud800y']) {
      const rendered = renderChart(cpuInput({ host }));
      expect(pngHeader(rendered.png).width).toBe(800);
      expect(rendered.alt).toContain(`on ${host} over`);
    }
  });

  it('refuses bad input with a ChartInputError naming the field', () => {
    expect(() => renderChart(cpuInput({ values: [1, 2] }))).toThrow(ChartInputError);
    expect(() => renderChart(cpuInput({ values: [1, 2] }))).toThrow(/values: expected 360 entries/);
    expect(() => renderChart(cpuInput({ from: TO }))).toThrow(/from: expected a time before to/);
  });
});

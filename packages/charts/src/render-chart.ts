import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { ChartRenderError } from './chart-error.ts';
import { type ChartInput, checkChartInput } from './chart-input.ts';
import { chartSvg, FONT_FAMILY } from './chart-svg.ts';
import { describeValid } from './describe-chart.ts';

/** The one font the charts use, shipped in the package (from src/ or dist/ alike, one level below its root). */
export const FONT_FILE: string = fileURLToPath(new URL('../fonts/DejaVuSans.ttf', import.meta.url));

type Resvg = typeof import('@resvg/resvg-js');
let resvg: Resvg | undefined;

/**
 * Loads the renderer on first use, not at import: a platform without its prebuilt binary still starts, and only the
 * chart fails (the caller posts without it).
 */
function renderer(): Resvg {
  if (resvg === undefined) {
    try {
      resvg = createRequire(import.meta.url)('@resvg/resvg-js') as Resvg;
    } catch (error) {
      throw new ChartRenderError(
        `chart rendering unavailable: @resvg/resvg-js could not be loaded on ${process.platform}-${process.arch}`,
        { cause: error },
      );
    }
  }
  return resvg;
}

/** A rendered chart: the PNG, its alt text and its size in pixels. */
export interface RenderedChart {
  png: Uint8Array;
  alt: string;
  width: number;
  height: number;
}

/**
 * Renders a line chart of one metric to PNG, in the process and without a browser: the title (`CPU on pi1, last
 * 6 hours`), value and time axes (ticks on the wall clock of `timeZone`), the line with gaps where values are null, the
 * limit as a dashed line with the parts above it shaded, and "no data" when there is nothing to draw. Text uses the
 * bundled DejaVu Sans and no system font, so it renders the same on a bare Raspberry Pi. `alt` is
 * {@link describeChart}'s text. Synchronous: about 10-20 ms for 800x400 (see BENCHMARKS.md).
 *
 * @throws {ChartInputError} listing every problem of the input with its field
 * @throws {ChartRenderError} when the renderer is missing for this platform or fails
 * @example
 * const { png, alt } = renderChart({
 *   host: 'pi1', metric: 'cpu_percent', t, values, from: now - 6 * 3_600_000, to: now, limit: 80, timeZone: 'Europe/Madrid',
 * });
 * await publisher.uploadMedia({ data: png, mimeType: 'image/png', description: alt });
 */
export function renderChart(input: ChartInput): RenderedChart {
  const valid = checkChartInput(input);
  const { svg } = chartSvg(valid);
  const { Resvg } = renderer();
  let png: Uint8Array;
  try {
    const options = { font: { fontFiles: [FONT_FILE], loadSystemFonts: false, defaultFontFamily: FONT_FAMILY } };
    png = new Resvg(svg, options).render().asPng();
  } catch (error) {
    throw new ChartRenderError(`chart rendering failed: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return { png, alt: describeValid(valid), width: valid.width, height: valid.height };
}

export type { ChartInputProblem } from './chart-error.ts';
export { ChartInputError, ChartRenderError } from './chart-error.ts';
export type { ChartInput } from './chart-input.ts';
export { describeChart } from './describe-chart.ts';
export type { MetricLabel } from './metric-label.ts';
export { metricLabel } from './metric-label.ts';
export type { RenderedChart } from './render-chart.ts';
export { FONT_FILE, renderChart } from './render-chart.ts';

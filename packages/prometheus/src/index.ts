export type { Counter, CounterChild, CounterOptions } from './counter.ts';
export { createCounter } from './counter.ts';
export type {
  CounterFamily,
  ExpositionFormat,
  GaugeFamily,
  HistogramFamily,
  HistogramSample,
  Labels,
  MetricFamily,
  RenderedLabels,
  Sample,
  SampleColumns,
} from './exposition.ts';
export {
  CONTENT_TYPES,
  createSampleColumns,
  encodeExposition,
  escapeLabelValue,
  formatValue,
  renderLabels,
  writeExposition,
} from './exposition.ts';
export type { Histogram, HistogramOptions } from './histogram.ts';
export { createHistogram, LATENCY_BUCKETS_SECONDS } from './histogram.ts';
export type { Negotiated } from './negotiate.ts';
export { negotiateExposition } from './negotiate.ts';
export { processFamilies } from './process-metrics.ts';

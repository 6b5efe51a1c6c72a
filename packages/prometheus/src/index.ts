export type { Counter, CounterChild, CounterOptions } from './counter.ts';
export { createCounter } from './counter.ts';
export type {
  CounterFamily,
  EncodedLabels,
  ExpositionEncoder,
  ExpositionFormat,
  GaugeFamily,
  HistogramFamily,
  HistogramSample,
  Labels,
  MetricFamily,
  RenderedLabels,
  Sample,
  SampleColumns,
  SampleSource,
  SampleWriter,
} from './exposition.ts';
export {
  CONTENT_TYPES,
  createExpositionEncoder,
  createSampleColumns,
  encodeExposition,
  encodeLabels,
  escapeLabelValue,
  formatValue,
  MAX_VALUE_BYTES,
  renderLabels,
  writeExposition,
} from './exposition.ts';
export type { Histogram, HistogramOptions } from './histogram.ts';
export { createHistogram, LATENCY_BUCKETS_SECONDS } from './histogram.ts';
export type { Negotiated } from './negotiate.ts';
export { negotiateExposition } from './negotiate.ts';
export { processFamilies } from './process-metrics.ts';

import { describe, expect, it } from 'vitest';
import { negotiateExposition } from './negotiate.ts';

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

describe('negotiateExposition', () => {
  it.each<[string, string | undefined, string]>([
    [
      'Prometheus 2.42’s own header: OpenMetrics',
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1',
      OPENMETRICS,
    ],
    ['OpenMetrics without a version', 'application/openmetrics-text', OPENMETRICS],
    ['OpenMetrics with spaces and a quoted version', ' application/openmetrics-text ; version="1.0.0" ', OPENMETRICS],
    ['types are case-insensitive', 'Application/OpenMetrics-Text; Version=1.0.0', OPENMETRICS],
    ['only the draft 0.0.1: the text format', 'application/openmetrics-text;version=0.0.1', TEXT],
    ['text preferred by q', 'application/openmetrics-text;q=0.2,text/plain;version=0.0.4;q=0.9', TEXT],
    ['OpenMetrics refused by q=0', 'application/openmetrics-text;q=0', TEXT],
    ['the first of a tie', 'text/plain, application/openmetrics-text', TEXT],
    ['no header', undefined, TEXT],
    ['an empty header', '', TEXT],
    ['anything', '*/*', TEXT],
    ['a format not written here', 'application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily', TEXT],
    ['garbage', ';;;,,=q=;version', TEXT],
    ['a q that is not a number', 'application/openmetrics-text;q=abc', TEXT],
    ['a header far too long', `${'x/y;q=0.1,'.repeat(1000)}application/openmetrics-text`, TEXT],
  ])('%s', (_, accept, contentType) => {
    expect(negotiateExposition(accept).contentType).toBe(contentType);
    expect(negotiateExposition(accept).format).toBe(contentType === TEXT ? 'text' : 'openmetrics');
  });
});

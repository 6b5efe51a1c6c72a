import { join } from 'node:path';
import type { LoadedConfig } from '@janitor/config';
import { collect as collectMetrics } from '@janitor/metrics';
import type { Logger, Sample } from '@janitor/protocol';
import type { Publisher, PublishResult } from '@janitor/publisher';
import { type Evaluation, evaluate, formatReport, fromSample } from '@janitor/thresholds';

/** What one local check found and did. */
export interface LocalCheckOutcome {
  sample: Sample;
  evaluation: Evaluation;
  /** The post made (or, in dry run, the one that would have been made); undefined when no limit was crossed. */
  published?: PublishResult;
}

export interface LocalCheckDeps {
  config: LoadedConfig;
  publisher: Publisher;
  logger: Logger;
  /** Takes the sample. @default a one-shot collection keeping its counters in `<state_dir>/metrics-state.json` */
  collect?: () => Promise<Sample>;
}

/**
 * Local mode, once: collect this machine's metrics, compare them with the thresholds, and publish the report when
 * a limit is crossed (the original's `run_local`). Logs "No issues found" otherwise.
 */
export async function runLocalCheck(deps: LocalCheckDeps): Promise<LocalCheckOutcome> {
  const { config, publisher, logger } = deps;
  const collect =
    deps.collect ?? (() => collectMetrics({ stateFile: join(config.data.app.state_dir, 'metrics-state.json') }));
  const sample = await collect();
  const reportKeys = config.data.system_info.report_keys;
  const input = fromSample(sample, reportKeys ? { keys: reportKeys } : {});
  const evaluation = evaluate(input, config.rules);
  if (evaluation.breaches.length === 0) {
    const m = sample.metrics;
    logger.info('No issues found', {
      hostname: sample.hostname,
      cpu_percent: m.cpu_percent,
      memory_percent: m.memory_percent,
      disk_usage_percent: m.disk_usage_percent,
      load_1: m.load_1,
    });
    return { sample, evaluation };
  }
  const report = formatReport(input, evaluation, config.reportFormat);
  logger.info('Limits crossed, publishing the report', {
    hostname: sample.hostname,
    crossed: evaluation.breaches.map((b) => b.label).join(', '),
    type: report.type,
  });
  const published = await publisher.publishReport(report);
  return { sample, evaluation, published };
}

import type { Sample } from '@janitor/protocol';
import { type CollectorOptions, resolveSettings, resolveSource, runCollection } from './collector.ts';
import type { CounterState } from './counters.ts';
import { defaultStateFile, readStateFile, writeStateFile } from './state-file.ts';

/** Options of the one-shot {@link collect}. */
export interface CollectOptions extends CollectorOptions {
  /**
   * Where the counters are kept between runs, so a cron run measures the CPU since the previous run instead of
   * sleeping; `false` keeps nothing (every run samples briefly). @default defaultStateFile()
   */
  stateFile?: string | false;
}

/**
 * Collects one sample in a one-shot process (cron, `janitor run`). The CPU percent and network rates cover the time
 * since the previous run, read from `stateFile`; on the very first run, or when the kept counters are missing,
 * corrupt, stale, from another source or from before a reboot, it samples for `sampleMs` (200 ms) instead. A state
 * file that cannot be read or written is reported to the logger and costs only that brief sample.
 *
 * @example
 * import { collect } from '@janitor/metrics';
 * const sample = await collect();
 * console.log(sample.metrics.cpu_percent, sample.disks.map((d) => `${d.mount} ${d.usedPercent}%`));
 */
export async function collect(options: CollectOptions = {}): Promise<Sample> {
  const settings = resolveSettings(options);
  const { logger } = settings;
  const stateFile = options.stateFile ?? defaultStateFile();
  const source = await resolveSource(settings, false);
  let state: CounterState | undefined;
  if (stateFile !== false) {
    const read = await readStateFile(stateFile, source.kind);
    if ('state' in read) state = read.state;
    else if (read.problem !== 'missing') {
      logger.warn('metrics: state file ignored', { path: stateFile, problem: read.problem, error: String(read.error) });
    }
  }
  const result = await runCollection(source, state, settings);
  if (stateFile !== false && result.state !== state) {
    try {
      await writeStateFile(stateFile, source.kind, result.state);
    } catch (error) {
      logger.warn('metrics: state file not written', { path: stateFile, error: String(error) });
    }
  }
  return result.sample;
}

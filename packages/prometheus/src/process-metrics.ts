import type { GaugeFamily, MetricFamily, Sample } from './exposition.ts';

/** When this process started, in seconds since the epoch (the process's, also when read from a worker thread). */
const START_TIME_SECONDS = (Date.now() - process.uptime() * 1000) / 1000;

/**
 * The usual process families, with the names every Prometheus client library gives them, read without I/O:
 * `process_cpu_seconds_total` (user and system), `process_resident_memory_bytes`, `process_start_time_seconds`,
 * `nodejs_heap_size_used_bytes` and `nodejs_heap_size_total_bytes`.
 *
 * @example writeExposition([...appFamilies, ...processFamilies()], 'text')
 */
export function processFamilies(): (MetricFamily & { samples: readonly Sample[] })[] {
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  const gauge = (name: string, help: string, value: number, unit?: string): GaugeFamily & { samples: Sample[] } => ({
    type: 'gauge',
    name,
    help,
    ...(unit === undefined ? {} : { unit }),
    samples: [{ value }],
  });
  return [
    {
      type: 'counter',
      name: 'process_cpu_seconds',
      help: 'Total user and system CPU time spent in seconds.',
      unit: 'seconds',
      samples: [{ value: (cpu.user + cpu.system) / 1e6 }],
    },
    gauge('process_resident_memory_bytes', 'Resident memory size in bytes.', memory.rss, 'bytes'),
    gauge(
      'process_start_time_seconds',
      'Start time of the process since unix epoch in seconds.',
      Math.round(START_TIME_SECONDS * 1000) / 1000,
      'seconds',
    ),
    gauge('nodejs_heap_size_used_bytes', 'V8 heap in use, in bytes.', memory.heapUsed, 'bytes'),
    gauge('nodejs_heap_size_total_bytes', 'V8 heap allocated, in bytes.', memory.heapTotal, 'bytes'),
  ];
}

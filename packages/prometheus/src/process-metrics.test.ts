import { describe, expect, it } from 'vitest';
import { writeExposition } from './exposition.ts';
import { processFamilies } from './process-metrics.ts';

describe('processFamilies', () => {
  it('reads this process: its CPU time grows, its memory and its start time', () => {
    const value = (families: ReturnType<typeof processFamilies>, name: string) =>
      families.find((f) => f.name === name)?.samples[0] as { value: number } | undefined;
    const before = processFamilies();
    const until = performance.now() + 30;
    while (performance.now() < until) Math.sqrt(Math.random());
    const after = processFamilies();
    expect(value(after, 'process_cpu_seconds')!.value).toBeGreaterThan(value(before, 'process_cpu_seconds')!.value);
    expect(value(after, 'process_resident_memory_bytes')!.value).toBeGreaterThan(10 * 1024 * 1024);
    const startedS = value(after, 'process_start_time_seconds')!.value;
    expect(Date.now() / 1000 - startedS).toBeCloseTo(process.uptime(), 0);
  });

  it('are written in both formats', () => {
    const text = writeExposition(processFamilies(), 'text');
    expect(text).toMatch(/\nprocess_cpu_seconds_total \d/);
    expect(text).toMatch(/\nnodejs_heap_size_used_bytes \d+\n/);
    const om = writeExposition(processFamilies(), 'openmetrics');
    expect(om).toContain('# TYPE process_cpu_seconds counter\n# UNIT process_cpu_seconds seconds\n');
  });
});

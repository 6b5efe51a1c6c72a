import type { MessageType } from '@janitor/protocol';
import { worstType } from '@janitor/protocol';
import { diskValue, isDiskMetric } from './metrics.ts';
import type { ReportInput } from './report-input.ts';
import { crosses, EVERY_MOUNT, type Rule } from './rule.ts';

/** One rule crossed by one value. */
export interface Breach {
  metric: string;
  /** The filesystem whose value crossed, for a rule with a `mount`; absent for a flat value. */
  mount?: string;
  /** The value that crossed. */
  value: number;
  rule: Rule;
  /** A short description for logs, e.g. `disk_usage_percent on /data: 93.2 > 80 (alarm)`. */
  label: string;
}

/** Every crossing of one report input, and the most severe type among them. */
export interface Evaluation {
  /** In the order of the rules; a `*` rule gives one per crossing filesystem, in the order of `disks`. */
  breaches: Breach[];
  /** The most severe type of the breaches; `undefined` when nothing crossed. */
  worst: MessageType | undefined;
}

/**
 * Checks every rule against the input. Pure: the same input and rules always give the same evaluation.
 * A rule without `mount` compares the entries (and unlisted metrics) with its metric (for a disk metric, the
 * flat root value); a rule
 * with `mount` compares that filesystem of `disks` (every one for `*`). A rule whose metric or mount is
 * absent from the input does nothing.
 *
 * @example
 * evaluate(fromLegacy({ cpu_percent: 95.5 }), DEFAULT_RULES).worst // 'warning'
 */
export function evaluate(input: ReportInput, rules: readonly Rule[]): Evaluation {
  const breaches: Breach[] = [];
  for (const rule of rules) {
    if (rule.mount === undefined) {
      // The entries, then the unlisted metrics: a hub evaluates every report, so nothing is copied to walk them.
      for (const list of [input.entries, input.unlisted]) {
        if (list === undefined) continue;
        for (let i = 0; i < list.length; i++) {
          const [metric, value] = list[i]!;
          if (metric === rule.metric && crosses(value, rule)) breaches.push(breach(rule, value));
        }
      }
      continue;
    }
    const { metric } = rule;
    if (!isDiskMetric(metric)) continue;
    for (const disk of input.disks ?? []) {
      if (rule.mount !== EVERY_MOUNT && disk.mount !== rule.mount) continue;
      const value = diskValue(disk, metric);
      if (crosses(value, rule)) breaches.push(breach(rule, value, disk.mount));
    }
  }
  return { breaches, worst: breaches.length === 0 ? undefined : worstType(breaches.map((b) => b.rule.type)) };
}

function breach(rule: Rule, value: number, mount?: string): Breach {
  const where = mount === undefined ? rule.metric : `${rule.metric} on ${mount}`;
  const label = `${where}: ${value} ${rule.operator} ${rule.value} (${rule.type})`;
  const out: Breach = { metric: rule.metric, value, rule, label };
  if (mount !== undefined) out.mount = mount;
  return out;
}

// The original's measured reports, from @janitor/testkit's copy of the compatibility file.
import type { LegacySysData } from '@janitor/protocol';
import { goldens as fixture } from '@janitor/testkit';
import { describe, expect, it } from 'vitest';
import { evaluate } from './evaluation.ts';
import { formatReport } from './report.ts';
import { fromLegacy } from './report-input.ts';
import { DEFAULT_THRESHOLDS, parseThresholds } from './rule-parser.ts';

interface SysinfoCase {
  name: string;
  request: { path: string; json?: { sys_data: LegacySysData } };
  posted: { status: string; spoiler_text: string | null } | null;
}

const cases = (fixture.cases as unknown as SysinfoCase[]).filter((c) => c.request.path === '/sysinfo');

/**
 * accepted_differences[0]: "A float that the JSON input wrote as 90.0 may print as 90". JSON.parse cannot tell
 * 90.0 from 90, so a whole number with `.0` in the golden text is compared as the whole number.
 */
const acceptingWholeFloats = (text: string) => text.replace(/(\d)\.0(?!\d)/g, '$1');

describe('the original v0.1 /sysinfo goldens', () => {
  it('has the cases this test relies on', () => {
    expect(cases.length).toBeGreaterThanOrEqual(4);
    expect(cases.some((c) => c.posted === null)).toBe(true);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, golden) => {
    const input = fromLegacy(golden.request.json?.sys_data ?? {});
    const evaluation = evaluate(input, DEFAULT_THRESHOLDS);
    if (golden.posted === null) {
      expect(evaluation.breaches).toEqual([]);
      return;
    }
    const report = formatReport(input, evaluation);
    expect(report.text).toBe(acceptingWholeFloats(golden.posted.status));
    expect(report.spoiler).toBe(golden.posted.spoiler_text);
  });

  it('gives the same reports from the original config form, with the older `type` key', () => {
    const { rules, problems } = parseThresholds({
      cpu_percent: { value: 80, type: 'warning' },
      memory_percent: { value: 80 },
      disk_usage_percent: { value: 80, type: 'alarm' },
    });
    expect(problems).toEqual([]);
    expect(rules).toEqual(DEFAULT_THRESHOLDS);
  });
});

import { describe, expect, it } from 'vitest';
import { cpuBusyPercent, cpuTotal, parseProcStat } from './cpu-times.ts';
import { MetricsParseError } from './errors.ts';

const STAT = `cpu  5304 0 4091 868559 181 0 47 1224 0 0
cpu0 2386 0 1725 435070 17 0 9 535 0 0
cpu1 2918 0 2366 433489 163 0 37 688 0 0
intr 1 2 3
ctxt 345
btime 1795461150
processes 5210
`;

describe('parseProcStat', () => {
  it('reads the aggregate cpu line, counts cpuN lines and reads btime', () => {
    expect(parseProcStat(STAT)).toEqual({
      cpuTimes: [5304, 0, 4091, 868559, 181, 0, 47, 1224, 0, 0],
      cpuCount: 2,
      bootTimeSec: 1795461150,
    });
  });

  it('pads the fields an older kernel does not print with zeros', () => {
    const old = 'cpu  547 0 702 3574 206 29 3\ncpu0 547 0 702 3574 206 29 3\nbtime 1\n';
    expect(parseProcStat(old).cpuTimes).toEqual([547, 0, 702, 3574, 206, 29, 3, 0, 0, 0]);
  });

  it.each([
    ['no cpu line', 'cpu0 1 2 3 4\nbtime 1\n'],
    ['a non-numeric field', 'cpu  1 2 x 4\nbtime 1\n'],
    ['no btime', 'cpu  1 2 3 4\n'],
  ])('rejects %s with a MetricsParseError naming the file', (_what, text) => {
    expect(() => parseProcStat(text, '/fixture/stat')).toThrowError(MetricsParseError);
    expect(() => parseProcStat(text, '/fixture/stat')).toThrowError(/\/fixture\/stat/);
  });
});

describe('cpuBusyPercent', () => {
  const base = [100, 0, 100, 1000, 0, 0, 0, 0, 0, 0];
  const plus = (delta: number[]) => base.map((v, i) => v + (delta[i] ?? 0));
  it.each([
    ['busy is user + system over the whole interval', [30, 0, 10, 60], 40],
    ['iowait counts as idle, like psutil', [20, 0, 0, 40, 40], 20],
    ['steal and softirq count as busy', [10, 0, 0, 70, 0, 0, 10, 10], 30],
    ['guest time is already in user and is not counted twice', [50, 0, 0, 50, 0, 0, 0, 0, 50, 0], 50],
    ['one decimal, Python rounding', [1, 0, 0, 15], 6.2],
    ['no time passed: zero, not NaN', [], 0],
  ])('%s', (_what, delta, expected) => {
    expect(cpuBusyPercent(base, plus(delta))).toBe(expected);
  });

  it('treats a counter that went backwards as no time (psutil clamps deltas at zero)', () => {
    expect(cpuBusyPercent(base, plus([-50, 0, 10, 30]))).toBe(25);
  });

  it('cpuTotal leaves guest time out', () => {
    expect(cpuTotal([1, 2, 3, 4, 5, 6, 7, 8, 100, 100])).toBe(36);
  });
});

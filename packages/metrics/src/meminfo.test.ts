import { describe, expect, it } from 'vitest';
import { MetricsParseError } from './errors.ts';
import { memoryUsedPercent, parseMeminfo, swapUsedPercent } from './meminfo.ts';

const kB = 1024;

describe('parseMeminfo', () => {
  it('maps the fields as psutil.virtual_memory does (cached includes SReclaimable)', () => {
    const text = `MemTotal:       1000 kB
MemFree:         200 kB
MemAvailable:    600 kB
Buffers:          50 kB
Cached:          250 kB
SwapCached:        0 kB
SwapTotal:       400 kB
SwapFree:        300 kB
SReclaimable:     40 kB
`;
    expect(parseMeminfo(text)).toEqual({
      totalBytes: 1000 * kB,
      availableBytes: 600 * kB,
      usedBytes: (1000 - 200 - 50 - 250 - 40) * kB,
      freeBytes: 200 * kB,
      swapTotalBytes: 400 * kB,
      swapFreeBytes: 300 * kB,
    });
  });

  it.each([
    [
      'no MemAvailable (kernel < 3.14): free + Cached',
      'MemTotal: 1000 kB\nMemFree: 200 kB\nCached: 300 kB\n',
      { availableBytes: 500 * kB },
    ],
    [
      'MemAvailable 0 (kernel bug): the same fallback',
      'MemTotal: 1000 kB\nMemFree: 200 kB\nMemAvailable: 0 kB\nCached: 100 kB\n',
      { availableBytes: 300 * kB },
    ],
    [
      'available above total (container): free',
      'MemTotal: 1000 kB\nMemFree: 200 kB\nMemAvailable: 5000 kB\n',
      { availableBytes: 200 * kB },
    ],
    [
      'used below zero (container): total - free',
      'MemTotal: 1000 kB\nMemFree: 200 kB\nMemAvailable: 900 kB\nCached: 5000 kB\n',
      { usedBytes: 800 * kB },
    ],
    ['no swap lines: zero swap', 'MemTotal: 1000 kB\nMemFree: 200 kB\n', { swapTotalBytes: 0, swapFreeBytes: 0 }],
  ])('%s', (_what, text, expected) => {
    expect(parseMeminfo(text)).toMatchObject(expected);
  });

  it('rejects a file without MemTotal', () => {
    expect(() => parseMeminfo('MemFree: 1 kB\n')).toThrowError(MetricsParseError);
  });
});

describe('percents', () => {
  const memory = {
    totalBytes: 3,
    availableBytes: 2,
    usedBytes: 1,
    freeBytes: 1,
    swapTotalBytes: 8,
    swapFreeBytes: 7,
  };
  it('memory percent is round(used / total * 100, 2), the original formula', () => {
    expect(memoryUsedPercent(memory)).toBe(33.33);
  });
  it('swap percent is psutil: used / total, one decimal', () => {
    expect(swapUsedPercent(memory)).toBe(12.5);
  });
  it('no swap is 0 percent, not NaN', () => {
    expect(swapUsedPercent({ ...memory, swapTotalBytes: 0, swapFreeBytes: 0 })).toBe(0);
  });
});

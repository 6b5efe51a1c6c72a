import { describe, expect, it } from 'vitest';
import { diskUsedPercent, toDiskSample } from './disk-usage.ts';

const root = { mount: '/', device: '/dev/vda', fsType: 'ext4' };

describe('toDiskSample', () => {
  it('computes df figures: used = blocks - bfree, free = bavail, percent over used + bavail', () => {
    // statfs of / recorded on the development VM.
    const st = { bsize: 4096, frsize: 4096, blocks: 66053021, bfree: 60186596, bavail: 20731303 };
    expect(toDiskSample(root, st)).toEqual({
      ...root,
      totalBytes: 270553174016,
      usedBytes: 24028876800,
      freeBytes: 84915417088,
      usedPercent: 22.1,
    });
  });

  it('counts blocks in frsize units, falling back to bsize when frsize is 0 or absent', () => {
    const counts = { blocks: 100, bfree: 40, bavail: 30 };
    expect(toDiskSample(root, { bsize: 65536, frsize: 4096, ...counts }).totalBytes).toBe(409600);
    expect(toDiskSample(root, { bsize: 4096, frsize: 0, ...counts }).totalBytes).toBe(409600);
    expect(toDiskSample(root, { bsize: 4096, ...counts }).usedBytes).toBe(245760);
  });
});

describe('diskUsedPercent', () => {
  it.each([
    ['not used/total: the root reserve is left out', 60, 40, 60],
    ['one decimal', 1, 2, 33.3],
    ['an empty filesystem is 0, not NaN', 0, 0, 0],
    ['full', 10, 0, 100],
  ])('%s', (_what, used, free, expected) => {
    expect(diskUsedPercent(used, free)).toBe(expected);
  });
});

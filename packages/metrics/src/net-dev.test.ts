import { describe, expect, it } from 'vitest';
import { MetricsParseError } from './errors.ts';
import { isLoopback, parseNetDev } from './net-dev.ts';

describe('parseNetDev', () => {
  it('reads receive and transmit bytes of every interface and skips the two header lines', () => {
    const text = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo:    5530      39    0    0    0     0          0         0     5530      39    0    0    0     0       0          0
  eth1: 21375449369 17268488    0    0    0     0          0      1846 99991576856 66978432    0    0    0     0       0          0
`;
    expect(parseNetDev(text)).toEqual({ lo: [5530, 5530], eth1: [21375449369, 99991576856] });
  });

  it('reads lines where an old kernel glued the first number to the colon', () => {
    const text = '  eth0:1234567890 10 0 0 0 0 0 0 987654321 5 0 0 0 0 0 0\n';
    expect(parseNetDev(text)).toEqual({ eth0: [1234567890, 987654321] });
  });

  it('rejects a truncated interface line', () => {
    expect(() => parseNetDev('  eth0: 1 2 3\n')).toThrowError(MetricsParseError);
  });
});

describe('isLoopback', () => {
  it.each([
    ['lo', true],
    ['lo0', true],
    ['Loopback Pseudo-Interface 1', true],
    ['eth0', false],
    ['lowpan0', false],
    ['wlan0', false],
  ])('%s -> %s', (iface, expected) => {
    expect(isLoopback(iface)).toBe(expected);
  });
});

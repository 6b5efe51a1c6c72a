// Who sent a request: the socket's peer, or the client a trusted reverse proxy names in its forwarding headers.
import { describe, expect, it } from 'vitest';
import { createSenderResolver, plainAddress } from './client-address.ts';

describe('plainAddress', () => {
  it.each([
    ['203.0.113.9', '203.0.113.9'],
    [' 203.0.113.9 ', '203.0.113.9'],
    ['203.0.113.9:4711', '203.0.113.9'],
    ['"203.0.113.9"', '203.0.113.9'],
    ['2001:db8::1', '2001:db8::1'],
    ['[2001:db8::1]', '2001:db8::1'],
    ['"[2001:db8::1]:4711"', '2001:db8::1'],
    ['::ffff:192.168.1.5', '192.168.1.5'],
    ['unknown', undefined],
    ['_hidden', undefined],
    ['localhost', undefined],
    ['', undefined],
    ['300.1.1.1', undefined],
  ])('%j -> %j', (hop, expected) => {
    expect(plainAddress(hop)).toBe(expected);
  });
});

describe('createSenderResolver', () => {
  const senderOf = createSenderResolver({ trustedProxies: ['127.0.0.1/32', '10.0.0.0/24'] });

  it.each([
    ['no forwarding header: the peer', '203.0.113.9', {}, '203.0.113.9'],
    ['a trusted peer, X-Forwarded-For', '127.0.0.1', { xForwardedFor: '203.0.113.9' }, '203.0.113.9'],
    ['the rightmost untrusted hop', '127.0.0.1', { xForwardedFor: '1.1.1.1, 203.0.113.9, 10.0.0.7' }, '203.0.113.9'],
    ['every hop trusted: the leftmost', '127.0.0.1', { xForwardedFor: '10.0.0.8, 10.0.0.7' }, '10.0.0.8'],
    ['an unreadable hop before an untrusted one', '127.0.0.1', { xForwardedFor: 'junk, 203.0.113.9' }, '203.0.113.9'],
    ['an unreadable rightmost hop', '127.0.0.1', { xForwardedFor: '203.0.113.9, junk' }, undefined],
    [
      'Forwarded, several elements',
      '127.0.0.1',
      { forwarded: 'for=1.1.1.1, for=203.0.113.9;proto=https' },
      '203.0.113.9',
    ],
    ['Forwarded, FOR in capitals', '127.0.0.1', { forwarded: 'proto=http;FOR="[2001:db8::5]:80"' }, '2001:db8::5'],
    ['Forwarded, an element without for', '127.0.0.1', { forwarded: 'proto=https' }, undefined],
    ['X-Real-IP', '127.0.0.1', { xRealIp: '203.0.113.9' }, '203.0.113.9'],
    ['X-Real-IP given twice (joined by Node)', '127.0.0.1', { xRealIp: '1.1.1.1, 203.0.113.9' }, undefined],
    ['headers that agree', '127.0.0.1', { xRealIp: '203.0.113.9', xForwardedFor: '203.0.113.9' }, '203.0.113.9'],
    ['headers that disagree', '127.0.0.1', { xRealIp: '203.0.113.9', forwarded: 'for=127.0.0.1' }, undefined],
    ['a trusted peer in dual-stack form', '::ffff:127.0.0.1', { xForwardedFor: '203.0.113.9' }, '203.0.113.9'],
    ['an untrusted loopback peer: unknown', '127.0.0.2', { xForwardedFor: '192.168.1.5' }, undefined],
    ['an untrusted IPv6 loopback peer: unknown', '::1', { xRealIp: '192.168.1.5' }, undefined],
    ['another untrusted peer: its headers are not believed', '192.168.1.9', { xRealIp: '127.0.0.1' }, '192.168.1.9'],
    ['no peer address', undefined, { xRealIp: '203.0.113.9' }, undefined],
  ])('%s', (_what, peer, headers, address) => {
    expect(senderOf(peer, headers).address).toBe(address);
  });

  it('names the proxy a client came through, and why a client is unknown', () => {
    expect(senderOf('127.0.0.1', { xForwardedFor: '203.0.113.9' })).toEqual({
      address: '203.0.113.9',
      peer: '127.0.0.1',
      proxy: '127.0.0.1',
    });
    expect(senderOf('::1', { forwarded: 'for=203.0.113.9' })).toEqual({
      address: undefined,
      peer: '::1',
      unknownBecause: 'untrusted-proxy',
    });
    expect(senderOf('10.0.0.3', { xForwardedFor: 'nobody' })).toMatchObject({
      address: undefined,
      unknownBecause: 'unreadable-forwarding',
    });
  });

  it('trusts nothing with no trusted_proxies: loopback with forwarding headers is never local', () => {
    const strict = createSenderResolver({ trustedProxies: [] });
    expect(strict('127.0.0.1', { xForwardedFor: '127.0.0.1' }).address).toBeUndefined();
    expect(strict('127.0.0.1', {}).address).toBe('127.0.0.1');
  });
});

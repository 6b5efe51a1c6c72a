import { describe, expect, it } from 'vitest';
import { hostOfAddress, httpLink, outsideText, shortHash } from './webhook-text.ts';

describe('outsideText', () => {
  it('cuts a long text with an ellipsis, and a one-line text joins its lines', () => {
    expect(outsideText('x'.repeat(50), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(outsideText(' a\n\tb \n', 100, false)).toBe('a b');
  });

  it('keeps line breaks and emoji joiners, turns a lone surrogate into U+FFFD, drops blank edges', () => {
    expect(outsideText('\n\nfirst  \r\nsecond 👩\u200D💻 \uD800\n\n', 100)).toBe('first\nsecond 👩\u200D💻 \uFFFD');
  });
});

describe('hostOfAddress', () => {
  it.each([
    ['pi1:9100', 'pi1'],
    ['10.0.0.5', '10.0.0.5'],
    ['[fe80::1]', 'fe80::1'],
    ['tcp://db.lan:5432', 'db.lan'],
    ['', undefined],
    [`${'h'.repeat(300)}:80`, undefined],
  ])('%s is host %s', (address, host) => {
    expect(hostOfAddress(address)).toBe(host);
  });
});

describe('httpLink and shortHash', () => {
  it('keeps http(s) links only', () => {
    expect(httpLink('https://grafana.lan/d/1')).toBe('https://grafana.lan/d/1');
    expect(httpLink('ftp://x')).toBeUndefined();
    expect(httpLink('/relative')).toBeUndefined();
  });

  it('hashes equal texts equally and different ones apart', () => {
    expect(shortHash('{}:{job="node"}')).toBe(shortHash('{}:{job="node"}'));
    expect(shortHash('{}:{job="node"}')).not.toBe(shortHash('{}:{job="nodes"}'));
  });
});

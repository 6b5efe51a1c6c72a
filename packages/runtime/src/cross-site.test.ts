import { describe, expect, it } from 'vitest';
import { isCrossSite } from './cross-site.ts';

describe('isCrossSite', () => {
  it.each([
    [{ secFetchSite: 'cross-site' }, true],
    [{ secFetchSite: 'same-site', origin: 'http://hub.lan:8080', host: 'hub.lan:5000' }, true],
    [{ secFetchSite: 'same-origin', origin: 'http://hub.lan:5000', host: 'hub.lan:5000' }, false],
    [{ secFetchSite: 'none' }, false],
    [{ origin: 'http://evil.example', host: '127.0.0.1:5000' }, true],
    [{ origin: 'null', host: '127.0.0.1:5000' }, true],
    [{ origin: 'http://127.0.0.1:5000', host: '127.0.0.1:5000' }, false],
    [{ origin: 'HTTP://Hub.LAN:5000', host: 'hub.lan:5000' }, false],
    [{ origin: 'not a url', host: 'hub.lan:5000' }, true],
    [{ host: '127.0.0.1:5000' }, false],
    [{}, false],
  ])('%j is cross-site: %s', (request, expected) => {
    expect(isCrossSite(request)).toBe(expected);
  });
});

import { describe, expect, it } from 'vitest';
import { isPostAbout } from './post-about.ts';

describe('isPostAbout', () => {
  it.each([
    ['an alert', { kind: 'alert', host: 'pi', key: 'cpu_percent', incidentStartMs: 1000 }],
    ['an alert with its reason', { kind: 'alert', host: 'pi', key: 'x', incidentStartMs: 0, reason: 'resolved' }],
    ['a bare message', { kind: 'message' }],
    ['a message in a thread', { kind: 'message', host: 'pi', groupKey: 'pi', thread: 'backup' }],
    ['a report', { kind: 'report' }],
    ['an alert with a field added later', { kind: 'alert', host: 'pi', key: 'x', incidentStartMs: 1, ackBy: 'me' }],
  ])('accepts %s', (_, value) => {
    expect(isPostAbout(value)).toBe(true);
  });

  it.each([
    ['null', null],
    ['a string', 'alert'],
    ['an unknown kind', { kind: 'checkin' }],
    ['an alert without its host', { kind: 'alert', key: 'x', incidentStartMs: 1 }],
    ['an alert without its incident start', { kind: 'alert', host: 'pi', key: 'x' }],
    ['an alert starting at NaN', { kind: 'alert', host: 'pi', key: 'x', incidentStartMs: Number.NaN }],
    ['an alert with a numeric reason', { kind: 'alert', host: 'pi', key: 'x', incidentStartMs: 1, reason: 3 }],
    ['a message with a numeric host', { kind: 'message', host: 42 }],
  ])('rejects %s', (_, value) => {
    expect(isPostAbout(value)).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { statusLength } from './cut-to-length.ts';
import type { StatusDraft } from './status-draft.ts';
import { statusParts } from './status-parts.ts';

const draft = (status: string, extra: Partial<StatusDraft> = {}): StatusDraft => ({
  status,
  visibility: 'public',
  ...extra,
});
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i}`).join(' ');
const fits = (part: StatusDraft, limit: number) =>
  statusLength(part.status, { spoilerText: part.spoilerText ?? '' }) <= limit;

describe('statusParts', () => {
  it('returns a draft that fits as it is', () => {
    const d = draft('short', { inReplyToId: '9' });
    expect(statusParts(d, { limit: 500 })).toEqual([d]);
  });

  it('truncate: one status cut with an ellipsis', () => {
    const parts = statusParts(draft('x'.repeat(60)), { limit: 50, longText: 'truncate' });
    expect(parts).toEqual([draft(`${'x'.repeat(49)}\u2026`)]);
  });

  it('thread: numbered parts, each within the limit with the content warning repeated', () => {
    const parts = statusParts(draft(words(60), { spoilerText: 'CW', inReplyToId: '42' }), { limit: 60 });
    expect(parts.length).toBeGreaterThan(3);
    parts.forEach((part, i) => {
      expect(part.status.endsWith(`\n(${i + 1}/${parts.length})`)).toBe(true);
      expect(part.spoilerText).toBe('CW');
      expect(fits(part, 60)).toBe(true);
      // Only the first keeps the reply target: the poster chains the others.
      expect(part.inReplyToId).toBe(i === 0 ? '42' : undefined);
    });
    const text = parts.map((p) => p.status.replace(/\n\(\d+\/\d+\)$/, '')).join(' ');
    expect(text).toBe(words(60));
  });

  it('widens the numbering when there are ten parts or more, and still fits', () => {
    const parts = statusParts(draft(words(200)), { limit: 40, maxParts: 99 });
    expect(parts.length).toBeGreaterThanOrEqual(10);
    expect(parts[9]!.status.endsWith(`\n(10/${parts.length})`)).toBe(true);
    for (const part of parts) expect(fits(part, 40)).toBe(true);
  });

  it('stops at maxParts, cutting the last part', () => {
    const parts = statusParts(draft(words(200)), { limit: 40, maxParts: 3 });
    expect(parts).toHaveLength(3);
    expect(parts[2]!.status).toMatch(/\u2026\n\(3\/3\)$/);
    for (const part of parts) expect(fits(part, 40)).toBe(true);
  });

  it('repeats the direct mention at the start of every part', () => {
    const parts = statusParts(draft(`@me@example.org ${words(40)}`, { visibility: 'direct' }), {
      limit: 60,
      mention: '@me@example.org',
    });
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.status.startsWith('@me@example.org ')).toBe(true);
      expect(fits(part, 60)).toBe(true);
    }
  });

  it('cuts a content warning that would leave the text no room to half the limit', () => {
    const parts = statusParts(draft(words(30), { spoilerText: 'S'.repeat(80) }), { limit: 100 });
    for (const part of parts) {
      expect(part.spoilerText).toBe(`${'S'.repeat(49)}\u2026`);
      expect(fits(part, 100)).toBe(true);
    }
  });
});

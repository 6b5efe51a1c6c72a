import { describe, expect, it } from 'vitest';
import { answerBudget, clip, createClock, fitLines, joinFitting, plural, textLength } from './answer-text.ts';

describe('fitLines', () => {
  it('keeps every line when they fit', () => {
    expect(fitLines(100, ['head'], ['a', 'b'], ['tail'])).toBe('head\na\nb\ntail');
  });

  it('drops the last items for "and N more" when they do not fit, keeping head and tail', () => {
    const items = Array.from({ length: 30 }, (_, i) => `host-${i}: up`);
    const text = fitLines(120, ['30 hosts:'], items, ['end']);
    expect(textLength(text)).toBeLessThanOrEqual(120);
    expect(text.startsWith('30 hosts:\nhost-0: up\n')).toBe(true);
    const more = /\nand (\d+) more\nend$/.exec(text);
    expect(more).not.toBeNull();
    const shown = text.split('\n').filter((line) => line.startsWith('host-')).length;
    expect(shown + Number(more?.[1])).toBe(30);
  });

  it('neutralizes every line: outside text mentions and tags nobody', () => {
    const text = fitLines(500, ['host @admin@example.org'], ['#backup failed']);
    expect(text).toBe('host @\u200Badmin@example.org\n#\u200Bbackup failed');
  });

  it('counts the neutralizer against the budget', () => {
    const line = '@a '.repeat(10).trim(); // 29 characters, 39 once neutralized
    expect(fitLines(30, ['x'], [line])).toBe('x\nand 1 more');
  });

  it('cuts a line longer than 200 characters', () => {
    const text = fitLines(500, ['x'.repeat(300)]);
    expect(text).toBe(`${'x'.repeat(199)}…`);
  });

  it('cuts the head itself when nothing else fits', () => {
    expect(fitLines(10, ['a long first line'], ['item'])).toBe('a long fi…');
  });
});

describe('answerBudget', () => {
  it.each<[string, number]>([
    ['owner@example.social', 500 - 22],
    ['@owner@example.social', 500 - 22],
    ['owner', 500 - 7],
  ])('%s leaves %d of 500', (asker, expected) => {
    expect(answerBudget(asker, 500)).toBe(expected);
  });
});

describe('joinFitting', () => {
  it.each<[string[], number, string]>([
    [['pi1', 'pi2', 'nas'], 100, 'pi1, pi2, nas'],
    [['pi1', 'pi2', 'nas'], 13, 'pi1, pi2, nas'],
    [['pi1', 'pi2', 'nas'], 12, '3 of them'],
    [['alpha', 'bravo', 'charlie', 'delta'], 28, 'alpha, bravo, charlie, delta'],
    [['alpha', 'bravo', 'charlie', 'delta'], 27, 'alpha, bravo and 2 more'],
    [['alpha', 'bravo', 'charlie', 'delta'], 22, 'alpha and 3 more'],
    [['a-very-long-hostname'], 5, '1 of them'],
    [[], 5, ''],
  ])('%j in %d: %s', (words, max, expected) => {
    expect(joinFitting(words, max)).toBe(expected);
  });
});

describe('createClock', () => {
  const now = Date.UTC(2026, 11, 2, 15, 0); // 2 December 2026, 15:00 UTC, 16:00 in Paris
  it.each<[string, number, string]>([
    ['UTC', Date.UTC(2026, 11, 2, 14, 5), '14:05'],
    ['Europe/Paris', Date.UTC(2026, 11, 2, 14, 5), '15:05'],
    ['America/New_York', Date.UTC(2026, 11, 2, 14, 5), '09:05'],
    ['UTC', Date.UTC(2026, 11, 1, 23, 59), '1 Dec 23:59'],
    ['Europe/Paris', Date.UTC(2026, 11, 1, 23, 30), '00:30'],
    ['UTC', Date.UTC(2025, 11, 2, 14, 5), '2 Dec 2025 14:05'],
    ['Not/AZone', Date.UTC(2026, 11, 2, 14, 5), '14:05'],
  ])('in %s, %d is %s', (zone, at, expected) => {
    expect(createClock(zone, now).at(at)).toBe(expected);
  });
});

describe('small words', () => {
  it('plural', () => {
    expect([plural(0, 'host'), plural(1, 'host'), plural(2, 'alert')]).toEqual(['0 hosts', '1 host', '2 alerts']);
  });

  it('clip and textLength count code points, not UTF-16 units', () => {
    expect(textLength('🚨ab')).toBe(3);
    expect(clip('🚨🚨🚨🚨', 3)).toBe('🚨🚨…');
    expect(clip('abc', 3)).toBe('abc');
  });
});

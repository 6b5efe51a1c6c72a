import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createDeadlines } from './deadlines.ts';

describe('createDeadlines', () => {
  it('takes the keys whose deadline passed, oldest first, each once', () => {
    const d = createDeadlines(1000);
    d.set('b', 5_500);
    d.set('a', 2_000);
    d.set('c', 9_000);
    expect(d.takeDue(2_000)).toEqual([]); // due only once the deadline is behind
    expect(d.takeDue(6_000)).toEqual(['a', 'b']);
    expect(d.takeDue(6_000)).toEqual([]);
    expect(d.size).toBe(1);
  });

  it('moves a key whose deadline is set again (a host that reported), and forgets a deleted one', () => {
    const d = createDeadlines(1000);
    d.set('pi1', 1_000);
    d.set('pi2', 1_000);
    d.set('pi1', 50_000);
    d.delete('pi2');
    expect(d.takeDue(10_000)).toEqual([]);
    expect(d.takeDue(50_001)).toEqual(['pi1']);
  });

  it('keeps the newest deadline of a key set again within its bucket, and after moving it there and back', () => {
    const d = createDeadlines(1000);
    d.set('pi1', 1_200);
    d.set('pi1', 1_800);
    expect(d.takeDue(1_500)).toEqual([]);
    d.set('pi2', 1_100);
    d.set('pi2', 7_000);
    d.set('pi2', 1_300);
    expect(d.takeDue(1_900)).toEqual(['pi2', 'pi1']);
    expect(d.size).toBe(0);
  });

  it('tells keys apart within one bucket by their exact deadline', () => {
    const d = createDeadlines(60_000);
    d.set('early', 10_000);
    d.set('late', 50_000);
    expect(d.takeDue(30_000)).toEqual(['early']);
    expect(d.takeDue(50_001)).toEqual(['late']);
  });

  it('holds 100,000 keys and takes a few due ones among them', () => {
    const d = createDeadlines();
    for (let i = 0; i < 100_000; i++) d.set(`host-${i}`, 1_000_000 + i * 10);
    expect(d.takeDue(1_000_025)).toEqual(['host-0', 'host-1', 'host-2']);
    expect(d.size).toBe(99_997);
  });

  it('takes a key pushed on many times once, at its last deadline, and one set earlier again at its earlier one', () => {
    const d = createDeadlines(1000);
    d.set('pi1', 1_000);
    d.set('pi1', 61_000);
    d.set('pi1', 121_000);
    expect(d.takeDue(2_000)).toEqual([]);
    expect(d.takeDue(61_500)).toEqual([]);
    expect(d.takeDue(121_001)).toEqual(['pi1']);
    d.set('pi2', 100_000);
    d.set('pi2', 200_000);
    d.set('pi2', 150_000);
    d.set('pi2', 130_500);
    expect(d.takeDue(130_000)).toEqual([]);
    expect(d.takeDue(130_501)).toEqual(['pi2']);
    expect(d.size).toBe(0);
  });

  it('tidies the buckets up to a horizon a bucket at a time, within about maxKeys keys a call', () => {
    const d = createDeadlines(1000);
    for (let i = 0; i < 3; i++) d.set(`a${i}`, 1_500);
    for (let i = 0; i < 3; i++) d.set(`b${i}`, 2_500);
    for (let i = 0; i < 3; i++) d.set(`a${i}`, 9_000 + i);
    // Bucket 1 (three keys pushed on to bucket 9), then bucket 2: four keys allow one bucket a call.
    expect(d.tidy(3_000, 4)).toBe(true);
    expect(d.tidy(3_000, 4)).toBe(false);
    expect(d.tidy(3_000, 4)).toBe(false);
    expect(d.takeDue(3_000)).toEqual(['b0', 'b1', 'b2']);
    expect(d.tidy(9_500, 4)).toBe(false);
    expect(d.takeDue(9_001)).toEqual(['a0']);
    expect(d.takeDue(10_000)).toEqual(['a1', 'a2']);
  });

  it('takes what a plain map of deadlines says is due, whatever the order of sets, deletes, tidies and takes', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), key: fc.constantFrom('a', 'b', 'c', 'd'), at: fc.nat(20_000) }),
      fc.record({ kind: fc.constant('delete' as const), key: fc.constantFrom('a', 'b', 'c', 'd') }),
      fc.record({ kind: fc.constant('take' as const), step: fc.nat(5_000) }),
      fc.record({ kind: fc.constant('tidy' as const), ahead: fc.nat(20_000), maxKeys: fc.integer({ min: 1, max: 3 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.constantFrom(1, 1000, 7000), (ops, bucketMs) => {
        const d = createDeadlines(bucketMs);
        const model = new Map<string, number>();
        let now = 0;
        for (const o of ops) {
          if (o.kind === 'set') {
            d.set(o.key, o.at);
            model.set(o.key, o.at);
          } else if (o.kind === 'delete') {
            d.delete(o.key);
            model.delete(o.key);
          } else if (o.kind === 'tidy') {
            d.tidy(now + o.ahead, o.maxKeys);
          } else {
            now += o.step;
            const want = [...model].filter(([, at]) => at < now).map(([key]) => key);
            const got = d.takeDue(now);
            expect(new Set(got)).toEqual(new Set(want));
            expect(got).toHaveLength(want.length);
            const times = got.map((key) => model.get(key)!);
            expect(times).toEqual([...times].sort((x, y) => x - y));
            for (const key of want) model.delete(key);
          }
          expect(d.size).toBe(model.size);
        }
      }),
      { numRuns: 500 },
    );
  });
});

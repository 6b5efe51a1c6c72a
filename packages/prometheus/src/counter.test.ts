import { describe, expect, it } from 'vitest';
import { createCounter } from './counter.ts';
import { writeExposition } from './exposition.ts';
import { createHistogram, LATENCY_BUCKETS_SECONDS } from './histogram.ts';

describe('createCounter', () => {
  it('counts each label set in a child of its own, the same object at every use', () => {
    const requests = createCounter({ name: 'app_requests', help: 'Requests', labelNames: ['route', 'status'] });
    const ok = requests.child('/sysinfo', '200');
    expect(requests.child('/sysinfo', '200')).toBe(ok);
    ok.inc();
    ok.inc(2);
    requests.child('/message', '400').inc();
    expect(requests.collect()).toEqual({
      type: 'counter',
      name: 'app_requests',
      help: 'Requests',
      samples: [
        { labels: { route: '/sysinfo', status: '200' }, value: 3 },
        { labels: { route: '/message', status: '400' }, value: 1 },
      ],
    });
  });

  it('keeps label values apart that a plain join would mix up', () => {
    const c = createCounter({ name: 'c', help: 'c', labelNames: ['a', 'b'] });
    c.child('x,y', 'z').inc();
    c.child('x', 'y,z').inc(5);
    expect(c.collect().samples.map((s) => s.value)).toEqual([1, 5]);
  });

  it('only goes up: a negative, infinite or NaN amount changes nothing', () => {
    const c = createCounter({ name: 'c', help: 'c' });
    c.inc();
    c.inc(-5);
    c.inc(Number.POSITIVE_INFINITY);
    c.inc(Number.NaN);
    expect(c.collect().samples).toEqual([{ labels: undefined, value: 1 }]);
  });

  it('refuses the wrong number of label values', () => {
    const c = createCounter({ name: 'c', help: 'c', labelNames: ['reason'] });
    expect(() => c.child()).toThrow('counter c: expected 1 label values, got 0');
    expect(() => c.inc()).toThrow(/expected 1 label values/);
  });

  it('writes as name_total', () => {
    const c = createCounter({ name: 'app_posts', help: 'Posts' });
    c.inc(4);
    expect(writeExposition([c.collect()], 'text')).toContain('\napp_posts_total 4\n');
  });
});

describe('createHistogram', () => {
  it('counts each observation in the first bucket whose bound it does not exceed, cumulated when collected', () => {
    const h = createHistogram({ name: 'd_seconds', help: 'd', buckets: [0.01, 0.1, 1] });
    for (const v of [0.001, 0.01, 0.05, 0.5, 3, Number.NaN]) h.observe(v);
    const [sample] = h.collect().samples;
    expect(sample?.buckets).toEqual([
      { le: 0.01, count: 2 },
      { le: 0.1, count: 3 },
      { le: 1, count: 4 },
    ]);
    expect(sample?.count).toBe(5);
    expect(sample?.sum).toBeCloseTo(3.561, 10);
  });

  it('starts empty', () => {
    const h = createHistogram({ name: 'd_seconds', help: 'd', buckets: LATENCY_BUCKETS_SECONDS, unit: 'seconds' });
    const family = h.collect();
    expect(family.unit).toBe('seconds');
    expect(family.samples[0]).toMatchObject({ count: 0, sum: 0 });
    expect(family.samples[0]?.buckets.every((b) => b.count === 0)).toBe(true);
  });

  it.each([[[1, 1]], [[2, 1]], [[0.1, Number.POSITIVE_INFINITY]], [[Number.NaN]]])('refuses the bounds %j', (b) => {
    expect(() => createHistogram({ name: 'h', help: 'h', buckets: b })).toThrow(
      'histogram h: expected finite bucket bounds in increasing order',
    );
  });
});

// The files the hub serves as the dashboard: all there, small enough, and nothing fetched from elsewhere.
import { describe, expect, it } from 'vitest';
import { assetAnswer, dashboardAssets } from './assets.ts';

const assets = dashboardAssets();
const text = (path: string) => assets.get(path)?.body.toString('utf8') ?? '';
const scripts = [...assets].filter(([path]) => path.endsWith('.js'));

describe('dashboardAssets', () => {
  it('has the page, its modules, its style and uPlot', () => {
    for (const path of ['/', '/assets/app.js', '/assets/fleet.js', '/assets/host.js', '/assets/style.css']) {
      expect(assets.has(path), path).toBe(true);
    }
    expect(assets.get('/')?.type).toBe('text/html; charset=utf-8');
    expect(assets.get('/assets/app.js')?.type).toBe('text/javascript; charset=utf-8');
    expect(assets.get('/assets/vendor/uplot.css')?.type).toBe('text/css; charset=utf-8');
    expect(text('/assets/vendor/uplot.js')).toMatch(
      /^\/\*! https:\/\/github\.com\/leeoniya\/uPlot \(v1\.6\.\d+\) \*\//,
    );
    expect(text('/assets/vendor/uplot.js').trimEnd()).toMatch(/export default uPlot;$/);
  });

  it('serves under 200 KB of JavaScript in all', () => {
    const total = scripts.reduce((sum, [, asset]) => sum + asset.body.length, 0);
    expect(scripts.length).toBeGreaterThan(5);
    expect(total).toBeLessThan(200 * 1024);
  });

  it('gives each file a strong ETag from its content', () => {
    const etags = [...assets.values()].map((a) => a.etag);
    for (const etag of etags) expect(etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    expect(new Set(etags).size).toBe(etags.length);
    expect(dashboardAssets().get('/')?.etag).toBe(assets.get('/')?.etag);
  });

  it('imports only modules it serves', () => {
    const missing: string[] = [];
    const found: string[] = [];
    for (const [path, asset] of scripts) {
      const source = asset.body.toString('utf8');
      const statics = source.matchAll(/(?:^|\n)\s*(?:import|export)[^'"\n;]*?from\s+['"]([^'"]+)['"]/g);
      const dynamics = source.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g);
      for (const m of [...statics, ...dynamics]) {
        found.push(m[1]!);
        const target = new URL(m[1]!, `http://hub${path}`).pathname;
        if (!assets.has(target)) missing.push(`${path} imports ${m[1]}`);
      }
    }
    expect(found).toEqual(expect.arrayContaining(['./fleet.js', './host.js', './vendor/uplot.js']));
    expect(missing).toEqual([]);
  });

  it('links from the page only to what it serves, nothing from another site', () => {
    const page = text('/');
    const links = [...page.matchAll(/\s(?:href|src)="([^"]+)"/g)].map((m) => m[1]!);
    expect(links).toContain('/assets/app.js');
    const external = links.filter((l) => /^(https?:)?\/\//.test(l));
    expect(external).toEqual([]);
    const local = links.filter((l) => l.startsWith('/'));
    expect(local.filter((l) => !assets.has(l))).toEqual([]);
    for (const [path, asset] of assets) {
      if (path.startsWith('/assets/vendor/')) continue;
      expect(asset.body.toString('utf8'), path).not.toMatch(/(?:import|fetch)\(\s*['"`]https?:/);
    }
  });
});

describe('assetAnswer', () => {
  it('serves a file with its type and ETag, revalidated on each use', () => {
    const answer = assetAnswer('/assets/app.js', undefined);
    expect(answer).toMatchObject({
      status: 200,
      headers: {
        'content-type': 'text/javascript; charset=utf-8',
        etag: assets.get('/assets/app.js')!.etag,
        'cache-control': 'no-cache',
      },
    });
    expect(answer?.body?.equals(assets.get('/assets/app.js')!.body)).toBe(true);
  });

  it('answers 304 without a body when the browser has it', () => {
    const etag = assets.get('/assets/style.css')!.etag;
    expect(assetAnswer('/assets/style.css', etag)).toMatchObject({ status: 304, body: null });
    expect(assetAnswer('/assets/style.css', '"other"')?.status).toBe(200);
  });

  it('gives the page a policy that lets it load only the hub’s own files', () => {
    expect(assetAnswer('/', undefined)?.headers['content-security-policy']).toMatch(/^default-src 'self';/);
    expect(assetAnswer('/assets/app.js', undefined)?.headers['content-security-policy']).toBeUndefined();
  });

  it('has no answer for a file it does not have', () => {
    expect(assetAnswer('/assets/../package.json', undefined)).toBeUndefined();
    expect(assetAnswer('/assets/nope.js', undefined)).toBeUndefined();
  });
});

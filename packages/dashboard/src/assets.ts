import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** One file of the dashboard, ready to serve. */
export interface DashboardAsset {
  body: Buffer;
  /** Its Content-Type. */
  type: string;
  /** A strong ETag (quoted) from its content. */
  etag: string;
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Where the page's own files are: `assets/` beside `src/` (and beside `dist/` once packed). */
const ASSETS_DIR = fileURLToPath(new URL('../assets/', import.meta.url));

let loaded: ReadonlyMap<string, DashboardAsset> | undefined;

/**
 * The dashboard's files by the URL path they are served at: `/` (the page), `/assets/app.js` and the other modules,
 * `/assets/style.css`, and uPlot from the installed package as `/assets/vendor/uplot.js` (its minified build as an
 * ES module) and `/assets/vendor/uplot.css`. Read once, on the first call; nothing comes from the internet.
 *
 * @example
 * const page = dashboardAssets().get('/');
 * // { body: <Buffer 3c 21 64 6f ...>, type: 'text/html; charset=utf-8', etag: '"3q2+7w..."' }
 */
export function dashboardAssets(): ReadonlyMap<string, DashboardAsset> {
  loaded ??= load();
  return loaded;
}

function load(): Map<string, DashboardAsset> {
  const assets = new Map<string, DashboardAsset>();
  const add = (path: string, body: Buffer) => {
    const type = TYPES[extname(path)] ?? (path === '/' ? TYPES['.html']! : 'application/octet-stream');
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    assets.set(path, { body, type, etag });
  };
  for (const name of readdirSync(ASSETS_DIR).sort()) {
    if (!(extname(name) in TYPES)) continue;
    const body = readFileSync(join(ASSETS_DIR, name));
    add(name === 'index.html' ? '/' : `/assets/${name}`, body);
  }
  // uPlot's minified build is a script that sets `var uPlot`: one line more makes it an ES module that exports it.
  const require = createRequire(import.meta.url);
  const uplot = readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'));
  add('/assets/vendor/uplot.js', Buffer.concat([uplot, Buffer.from('\nexport default uPlot;\n')]));
  add('/assets/vendor/uplot.css', readFileSync(require.resolve('uplot/dist/uPlot.min.css')));
  return assets;
}

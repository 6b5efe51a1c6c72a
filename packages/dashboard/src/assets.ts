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

/** What the page may load: its own files and API only. */
const PAGE_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
};

/** A file of the dashboard as an HTTP answer (see {@link assetAnswer}). */
export interface AssetAnswer {
  status: 200 | 304;
  headers: Record<string, string>;
  /** `null` for a 304. */
  body: Buffer | null;
}

/**
 * The answer to `GET path` for a file of the dashboard, or `undefined` when there is none: a 304 when
 * `ifNoneMatch` is its ETag, else the file, revalidated on each use (`Cache-Control: no-cache`) so that a hub
 * updated in place serves its new page at once. The page itself (`/`, `/login`'s HTML too) carries a
 * Content-Security-Policy that allows only the hub's own files and API.
 *
 * @example assetAnswer('/assets/app.js', req.headers['if-none-match']) // { status: 200, headers: {…}, body: <Buffer> }
 */
export function assetAnswer(path: string, ifNoneMatch: string | undefined): AssetAnswer | undefined {
  const asset = dashboardAssets().get(path);
  if (asset === undefined) return undefined;
  const headers: Record<string, string> = {
    etag: asset.etag,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    ...(path === '/' ? PAGE_HEADERS : {}),
  };
  if (ifNoneMatch === asset.etag) return { status: 304, headers, body: null };
  return { status: 200, headers: { 'content-type': asset.type, ...headers }, body: asset.body };
}

/** The headers of the dashboard's HTML pages (the login form): no caching, only the hub's own files. */
export const HTML_PAGE_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  ...PAGE_HEADERS,
};

// The dashboard's fleet page in headless Chromium: how long until the first chart (a host's sparkline) is drawn,
// with 200 hosts in the hub, against a bare static page that draws one canvas in the same browser.
//
//   node bench/dashboard.ts [--hosts 200] [--hours 6] [--visits 10] [--hub PATH]
//
// The store is filled before the hub starts: --hosts hosts with --hours of history each, a point a minute of 12 series
// (what a Raspberry Pi's agent reports: CPU, memory, swap, two disks, load, temperature, an interface), written
// through store.history.appendMany. The hub then starts as users run it (`node apps/hub/src/main.ts`, tokens
// configured, logger level warn) and each host sends one v2 report through POST /sysinfo, so that the hub knows it.
// The browser (Debian's chromium through playwright-core, @janitor/testkit's launchBrowser) logs in once; each visit
// opens a new context (an empty cache) with the session cookie, loads `/`, and reads the page's own performance
// marks, relative to the start of the navigation: `janitor:fleet` (the fleet listed: the page's modules loaded,
// /api/v1/session and /api/v1/hosts answered, the cards drawn) and `janitor:first-chart` (the first sparkline drawn,
// after its series request). A revisit reloads the page in the same context (the files revalidated, 304).
// The reference is a static page from a bare node:http server in this process that draws one canvas in an inline
// script and sets the same mark: the browser's own floor for a navigation and a first canvas.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../packages/store/src/index.ts';
import { launchBrowser } from '../packages/testkit/src/browser.ts';
import {
  freePort,
  hubArgs,
  hubMain,
  loadAverageLine,
  option,
  type Server,
  startServer,
  stopServer,
} from './hub-harness.ts';
import { fmt, formatTable, machine, median, percentile } from './stats.ts';

const HOSTS = option('--hosts', 200);
const HOURS = option('--hours', 6);
const VISITS = option('--visits', 10);
const TARGET_MS = 1500;
const TOKEN = 'bench-dashboard-token-0123456789';
const MINUTE = 60_000;
const VIEWPORT = { width: 1280, height: 800 };
const dir = mkdtempSync(join(tmpdir(), 'janitor-bench-dashboard-'));

const hostname = (i: number) => `host-${String(i).padStart(3, '0')}`;

/** The 12 series of host `i` at minute `m`: a daily-ish CPU cycle, slow memory and disk drifts. */
function samples(i: number, m: number) {
  const cpu = Math.round((30 + 25 * Math.sin((m + i * 7) / 40) + ((m * 13 + i) % 10)) * 10) / 10;
  return [
    { key: 'cpu_percent', value: cpu },
    { key: 'memory_percent', value: 40 + ((i + m / 60) % 30) },
    { key: 'swap_percent', value: 2 },
    { key: 'disk_usage_percent@/', value: 50 + (i % 40) },
    { key: 'disk_usage_percent@/data', value: 20 + (i % 70) },
    { key: 'load_1', value: cpu / 50 },
    { key: 'load_5', value: cpu / 60 },
    { key: 'load_15', value: cpu / 70 },
    { key: 'cpu_temperature', value: 45 + cpu / 10 },
    { key: 'uptime_seconds', value: 86_400 + m * 60 },
    { key: 'net_rx_bytes_per_second@eth0', value: 1000 + m },
    { key: 'net_tx_bytes_per_second@eth0', value: 300 + m },
  ];
}

/** A v2 report of host `i` now. */
function report(i: number): string {
  return JSON.stringify({
    version: 2,
    sample: {
      hostname: hostname(i),
      collectedAtMs: Date.now(),
      metrics: { cpu_percent: 30, memory_percent: 45, swap_percent: 2, load_1: 0.5, cpu_temperature: 50 },
      disks: [
        {
          mount: '/',
          device: '/dev/sda1',
          fsType: 'ext4',
          totalBytes: 100e9,
          usedBytes: 60e9,
          freeBytes: 40e9,
          usedPercent: 60,
        },
      ],
      network: [{ iface: 'eth0', rxBytesPerSecond: 1200, txBytesPerSecond: 300 }],
    },
  });
}

/** The page's marks, read in the page (as functions: the page's Content-Security-Policy forbids eval). */
const readMarks = () => {
  const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? null;
  return { fleet: at('janitor:fleet'), first: at('janitor:first-chart') ?? Number.NaN };
};
const firstChart = () => performance.getEntriesByName('janitor:first-chart').length > 0;

const REFERENCE = `<!doctype html><html><head><meta charset="utf-8"><title>reference</title></head><body>
<canvas id="c" width="240" height="32"></canvas>
<script>const x = document.getElementById('c').getContext('2d'); x.moveTo(0, 30); x.lineTo(240, 2); x.stroke();
performance.mark('janitor:first-chart');</script></body></html>`;

let hub: Server | undefined;
let reference: HttpServer | undefined;
let browser: Awaited<ReturnType<typeof launchBrowser>> | undefined;
const rows: { what: string; ms: number[] }[] = [];
let version = '';
let prefillMs = 0;
try {
  // --- the store, filled before the hub starts -------------------------------------------------------------------
  const stateDir = join(dir, 'state');
  const started = performance.now();
  const store = openStore({ path: join(stateDir, 'janitor.db'), synchronous: 'NORMAL' });
  try {
    const now = Date.now();
    const minutes = HOURS * 60;
    for (let m = 0; m < minutes; m++) {
      const atMs = now - (minutes - m) * MINUTE;
      store.history.appendMany(
        Array.from({ length: HOSTS }, (_, i) => ({ hostname: hostname(i), atMs, samples: samples(i, m) })),
      );
    }
  } finally {
    store.close();
  }
  prefillMs = performance.now() - started;

  // --- the hub, as users run it -------------------------------------------------------------------------------------
  const port = await freePort();
  const config = join(dir, 'config.yaml');
  writeFileSync(
    config,
    [
      `app: { state_dir: ${JSON.stringify(stateDir)}, service: { tokens: [ { name: bench, token: ${TOKEN} } ] } }`,
      'logger: { loglevel: warn }',
    ].join('\n'),
  );
  hub = await startServer('the hub', [...hubArgs(hubMain, config, port), '--dry-run'], port);
  for (let i = 0; i < HOSTS; i++) {
    const res = await fetch(`${hub.url}/sysinfo`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: report(i),
    });
    if (res.status !== 200) throw new Error(`POST /sysinfo answered ${res.status}: ${await res.text()}`);
  }
  const hosts = (await (
    await fetch(`${hub.url}/api/v1/hosts`, { headers: { authorization: `Bearer ${TOKEN}` } })
  ).json()) as { hosts?: unknown[] };
  if (hosts.hosts?.length !== HOSTS)
    throw new Error(`GET /api/v1/hosts lists ${hosts.hosts?.length} hosts, not ${HOSTS}`);
  const login = await fetch(`${hub.url}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ token: TOKEN }),
    redirect: 'manual',
  });
  const sessionId = /janitor_session=([^;]+)/.exec(login.headers.get('set-cookie') ?? '')?.[1];
  if (login.status !== 303 || !sessionId) throw new Error(`POST /login answered ${login.status}, without a session`);

  // --- the reference page -----------------------------------------------------------------------------------------
  reference = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(REFERENCE);
  });
  await new Promise<void>((resolve) => reference!.listen(0, '127.0.0.1', resolve));
  const referenceUrl = `http://127.0.0.1:${(reference.address() as AddressInfo).port}/`;

  // --- the visits -----------------------------------------------------------------------------------------------------
  browser = await launchBrowser();
  version = browser.version();
  const visit = async (url: string, cookie: boolean) => {
    const context = await browser!.newContext({ viewport: VIEWPORT });
    if (cookie) await context.addCookies([{ name: 'janitor_session', value: sessionId, url: hub!.url }]);
    const page = await context.newPage();
    await page.goto(url, { waitUntil: 'commit' });
    await page.waitForFunction(firstChart, null, { timeout: 30_000, polling: 10 });
    const first = await page.evaluate(readMarks);
    await page.reload({ waitUntil: 'commit' });
    await page.waitForFunction(firstChart, null, { timeout: 30_000, polling: 10 });
    const again = await page.evaluate(readMarks);
    await context.close();
    return { first, again };
  };
  // One visit of each, not counted: the hub's and the browser's first requests (JIT, connections).
  await visit(referenceUrl, false);
  await visit(`${hub.url}/`, true);
  const ref: number[] = [];
  const fleet: number[] = [];
  const first: number[] = [];
  const revisit: number[] = [];
  for (let v = 0; v < VISITS; v++) {
    ref.push((await visit(referenceUrl, false)).first.first);
    const dash = await visit(`${hub.url}/`, true);
    fleet.push(dash.first.fleet ?? Number.NaN);
    first.push(dash.first.first);
    revisit.push(dash.again.first);
  }
  rows.push(
    { what: 'reference: a static page drawing one canvas (bare node:http)', ms: ref },
    { what: 'dashboard, first visit: the fleet listed', ms: fleet },
    { what: 'dashboard, first visit: the first sparkline drawn', ms: first },
    { what: 'dashboard, revisit (files revalidated): the first sparkline drawn', ms: revisit },
  );
} finally {
  await browser?.close();
  reference?.close();
  if (hub) await stopServer(hub);
  rmSync(dir, { recursive: true, force: true });
}

// --- report --------------------------------------------------------------------------------------------------------
console.log(`machine: ${await machine()}`);
console.log(loadAverageLine('other processes share the cores'));
console.log(
  `${HOSTS} hosts with ${HOURS} h of history each (a point a minute, 12 series; the store filled in ${fmt(prefillMs / 1000)} s), ` +
    `the hub as users run it with a session cookie; Chromium ${version} headless, ${VIEWPORT.width}x${VIEWPORT.height}, ` +
    `a new context (empty cache) per visit, ${VISITS} visits; times from the start of the navigation`,
);
const table = [
  ['what', 'median ms', 'p90 ms', 'max ms'],
  ...rows.map(({ what, ms }) => [what, fmt(median(ms), 0), fmt(percentile(ms, 90), 0), fmt(Math.max(...ms), 0)]),
];
for (const row of formatTable(table)) console.log(row);
const firstChartMs = median(rows[2]!.ms);
const pass = firstChartMs <= TARGET_MS;
console.log(
  `first chart drawn on the fleet page of ${HOSTS} hosts: median ${fmt(firstChartMs, 0)} ms (target <= ${TARGET_MS} ms): ${pass ? 'PASS' : 'FAIL'}`,
);
process.exitCode = pass ? 0 : 1;

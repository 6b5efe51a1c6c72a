// The dashboard in a real headless Chromium (Debian's chromium, driven by playwright-core) against a real hub on
// loopback, fed with reports through POST /sysinfo: the login, the fleet, a host's charts, silences from the page,
// and the refusals (a wrong token, a request with the cookie but no CSRF token). One browser for the file; a context
// (its own cookies) per test.
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { launchBrowser } from '@janitor/testkit/browser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureLogger, goldenConfigData, hubConfig, tempDir } from './hub.test-support.ts';
import { createHubService, type HubService } from './service.ts';

type Browser = Awaited<ReturnType<typeof launchBrowser>>;
type Page = Awaited<ReturnType<Awaited<ReturnType<Browser['newContext']>>['newPage']>>;

const READ = 'dashboard-read-token-0123456789';
const ADMIN = 'dashboard-admin-token-0123456789';
const MINUTE = 60_000;
/** CPU of pi1's reports, oldest first, 10 minutes apart: lowest 3, highest 88, latest 12.5. */
const PI1_CPU = [20, 35, 3, 50, 88, 61.5, 40, 12.5];

/** A v2 report of `hostname` taken at `atMs`. */
function report(hostname: string, atMs: number, cpu: number) {
  return {
    version: 2,
    sample: {
      hostname,
      collectedAtMs: atMs,
      metrics: { cpu_percent: cpu, memory_percent: 41, load_1: 0.4, load_5: 0.3, load_15: 0.2 },
      disks: [
        {
          mount: '/data',
          device: '/dev/sda1',
          fsType: 'ext4',
          totalBytes: 100e9,
          usedBytes: 67e9,
          freeBytes: 33e9,
          usedPercent: 67,
        },
      ],
      network: [{ iface: 'eth0', rxBytesPerSecond: 1200, txBytesPerSecond: 300 }],
    },
  };
}

describe('the dashboard in Chromium', { timeout: 60_000 }, () => {
  const dir = tempDir();
  let service: HubService;
  let server: Server;
  let url: string;
  let browser: Browser;

  const hubFetch = (path: string, init: RequestInit = {}) => fetch(`${url}${path}`, init);

  beforeAll(async () => {
    const raw = goldenConfigData(dir.path);
    raw.app = {
      ...(raw.app as object),
      service: {
        tokens: [
          { name: 'viewer', token: READ, scopes: ['read'] },
          { name: 'operator', token: ADMIN },
        ],
      },
    };
    service = createHubService({
      config: hubConfig(raw, dir.path),
      logger: captureLogger(),
      dryRun: true,
      remoteAddress: (c) => (c.env as { incoming: IncomingMessage }).incoming.socket.remoteAddress,
      storePath: join(dir.path, 'janitor.db'),
      checkIntervalMs: 0,
      storeCheckIntervalMs: 0,
      env: {},
    });
    await service.start();
    server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: service.app.fetch, hostname: '127.0.0.1', port: 0 }, () => resolve(s as Server));
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const now = Date.now();
    const reports = [
      ...PI1_CPU.map((cpu, i) => report('pi1', now - (PI1_CPU.length - 1 - i) * 10 * MINUTE, cpu)),
      report('pi2', now - 5 * MINUTE, 30),
    ];
    for (const body of reports) {
      const res = await hubFetch('/sysinfo', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
        body: JSON.stringify(body),
      });
      expect(res.status, await res.text()).toBe(200);
    }
    const message = await hubFetch('/message', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${ADMIN}` },
      body: new URLSearchParams({ hostname: 'pi1', message: 'backup done', message_type: 'info' }),
    });
    expect(message.status, await message.text()).toBe(200);
    browser = await launchBrowser();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await service?.close({ graceMs: 500 });
    dir.remove();
  }, 30_000);

  /** A new browser context, logged in through the page's own form with `token`. */
  async function loggedIn(token: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${url}/`);
    await page.waitForURL(`${url}/login`);
    await page.fill('input[name="token"]', token);
    await Promise.all([page.waitForURL(`${url}/`), page.click('button[type="submit"]')]);
    return page;
  }

  it('lists the hosts that reported on the fleet page, each with its sparkline', async () => {
    const page = await loggedIn(READ);
    const pi1 = page.locator('article[data-host="pi1"]');
    await pi1.waitFor();
    await expect.poll(() => page.locator('article.card').count()).toBe(2);
    expect(await pi1.locator('dl.figures dd').allTextContents()).toEqual(['12.5 %', '41 %', '67 %']);
    expect(await page.locator('article[data-host="pi2"] dl.figures dd').first().textContent()).toBe('30 %');
    const spark = pi1.locator('canvas.spark');
    await expect.poll(() => spark.getAttribute('data-drawn')).toMatch(/^\d+$/);
    expect(await spark.getAttribute('aria-label')).toBe(
      'CPU over the last 6 hours: lowest 3 %, highest 88 %, latest 12.5 %.',
    );
    await page.context().close();
  });

  it('draws a host’s charts with the reported values, each with a summary in words', async () => {
    const page = await loggedIn(READ);
    await page.goto(`${url}/#/host/pi1`);
    const cpu = page.locator('figure.chart', { has: page.locator('figcaption', { hasText: /^CPU$/ }) });
    await cpu.locator('canvas').waitFor();
    expect(await cpu.locator('.sr-only').textContent()).toBe(
      'CPU over the last 24 hours: lowest 3 %, highest 88 %, latest 12.5 %.',
    );
    const disk = page.locator('figure.chart', { has: page.locator('figcaption', { hasText: 'Disk /data' }) });
    expect(await disk.locator('.sr-only').textContent()).toBe(
      'Disk /data over the last 24 hours: lowest 67 %, highest 67 %, latest 67 %.',
    );
    expect(await disk.locator('canvas').count()).toBeGreaterThan(0);
    const titles = await page.locator('figure.chart figcaption').allTextContents();
    expect(titles).toEqual(['CPU', 'Memory', 'Disk /data', 'Load', 'Network eth0']);
    await page.context().close();
  });

  it('shows the alert log and the message log, and a host’s alerts and messages on its page', async () => {
    const read = async (path: string) =>
      (await (await hubFetch(path, { headers: { authorization: `Bearer ${READ}` } })).json()) as Record<
        string,
        { transition?: string; text?: string }[]
      >;
    // pi1's CPU went over the default limit (80 %) at 88 % and back: its alert log has the transitions.
    const { alerts } = await read('/api/v1/alerts?host=pi1');
    expect(alerts!.map((a) => a.transition)).toContain('firing');
    const page = await loggedIn(READ);
    await page.goto(`${url}/#/alerts`);
    const alertRows = page.locator('table.log tbody tr');
    await expect.poll(() => alertRows.count()).toBe(alerts!.length);
    expect(await alertRows.first().locator('td').nth(1).textContent()).toBe('pi1');
    await page.goto(`${url}/#/messages`);
    const messageRows = page.locator('table.log tbody tr');
    await expect.poll(() => messageRows.count()).toBe(1);
    expect(await messageRows.first().textContent()).toMatch(/info.*backup done/);
    await page.goto(`${url}/#/host/pi1`);
    const tables = page.locator('table.log');
    await expect.poll(() => tables.first().locator('tbody tr').count()).toBe(alerts!.length);
    await expect.poll(() => tables.nth(1).locator('tbody tr').count()).toBe(1);
    await page.context().close();
  });

  it('says what is missing when the API refuses a part of the page', async () => {
    const page = await loggedIn(READ);
    await page.goto(`${url}/#/host/no-such-host`);
    const problem = page.locator('.host-head p.problem');
    await problem.waitFor();
    expect(await problem.textContent()).toMatch(/^this host unavailable: .*no-such-host/);
    // The rest of the page is still there: the navigation works.
    await page.click('header nav a[href="#/"]');
    await page.locator('article[data-host="pi1"]').waitFor();
    await page.context().close();
  });

  it('starts a silence from the page that GET /silences returns, and ends it', async () => {
    const page = await loggedIn(ADMIN);
    await page.goto(`${url}/#/silences`);
    await page.fill('#silence-host', 'pi1');
    await page.fill('#silence-rule', 'cpu_percent');
    await page.selectOption('#silence-for', '1h');
    await page.fill('#silence-reason', 'disk swap from the page');
    await page.click('form.silence-form button[type="submit"]');
    await page.locator('#silences tbody tr').waitFor();
    const listed = async () =>
      (await (await hubFetch('/silences', { headers: { authorization: `Bearer ${READ}` } })).json()) as {
        silences: { host: string; rule: string; reason: string; untilMs: number }[];
      };
    const { silences } = await listed();
    expect(silences).toMatchObject([{ host: 'pi1', rule: 'cpu_percent', reason: 'disk swap from the page' }]);
    expect(silences[0]!.untilMs - Date.now()).toBeGreaterThan(55 * MINUTE);
    await page.click('#silences tbody button.danger');
    await expect.poll(async () => (await listed()).silences).toEqual([]);
    await page.context().close();
  });

  it('refuses a wrong token: the login fails with a message and the API stays closed', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${url}/login`);
    await page.fill('input[name="token"]', 'not-the-token-0123456789abcdef');
    const [answer] = await Promise.all([
      page.waitForResponse((r) => r.url() === `${url}/login` && r.request().method() === 'POST'),
      page.click('button[type="submit"]'),
    ]);
    expect(answer.status()).toBe(401);
    expect(await page.locator('#login-error').textContent()).toMatch(/not one of this hub’s tokens/);
    expect(await page.context().cookies()).toEqual([]);
    const status = await page.evaluate(() => fetch('/api/v1/session').then((r) => r.status));
    expect(status).toBe(401);
    await page.goto(`${url}/`);
    await page.waitForURL(`${url}/login`);
    await page.context().close();
  });

  it('refuses a request that carries the cookie but not the CSRF token', async () => {
    const page = await loggedIn(ADMIN);
    const [cookie] = await page.context().cookies();
    expect(cookie).toMatchObject({ name: 'janitor_session', httpOnly: true, sameSite: 'Strict', path: '/' });
    const answer = await page.evaluate(() =>
      fetch('/silences', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ host: 'pi2', for: '1h' }),
      }).then(async (r) => ({ status: r.status, body: await r.json() })),
    );
    expect(answer).toMatchObject({ status: 403, body: { field: 'X-CSRF-Token' } });
    expect(service.alerts.silences()).toEqual([]);
    await page.context().close();
  });
});
